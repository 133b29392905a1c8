/**
 * TensorBoard 2.21.0 itself reads what the `tensorboard` option writes: (a) its loader
 * (plugin_event_accumulator, what `tensorboard --logdir` ingests) reads every series equal to the
 * history's; (b) `tensorboard --logdir` started on localhost lists every run and tag through its
 * HTTP data API (its default Rust data server) and serves the scalars; (c) its Histograms page,
 * in Debian's Chromium, draws one curve per written step of each weight. Skipped with one note
 * where Python or pip is missing; CI sets REQUIRE_TENSORBOARD=1, which makes that a failure.
 * With TB_SCREENSHOT=<file>, (c) saves its screenshot there (how docs/tensorboard-histograms.png is made).
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { HistoryDocument, ParamMonitorOptions, paramMonitor } from '../../src';
import { describeWithChromium, inkOf, launchChromium } from '../helpers/chromium';
import { asFloat32Of, expectSeriesMatchHistory, expectedHistograms, expectedScalars } from '../helpers/tensorboard-expect';
import { describeWithTensorBoard, readWithTensorBoard, tensorboardTools } from '../helpers/tensorboard-python';
import { loadIris } from '../helpers/iris';
import { expectNoLeaks } from '../helpers/tensor-leaks';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pm-tb-server-'));
const logs = path.join(tmp, 'logs');
const histories: Record<string, HistoryDocument> = {};

afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** Trains an iris classifier into the run folder `logs/<run>`; `poison` puts NaN and Inf in a kernel first. */
async function trainRun(run: string, options: ParamMonitorOptions, epochs: number, poison = false): Promise<void> {
  const { xs, ys } = loadIris();
  const model = tf.sequential({
    layers: [tf.layers.dense({ units: 8, inputShape: [4], activation: 'relu' }), tf.layers.dense({ units: 3, activation: 'softmax' })],
  });
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
  if (poison) {
    const [kernel, bias] = model.layers[1].getWeights();
    const values = kernel.dataSync().slice();
    values[1] = NaN;
    values[2] = Infinity;
    const changed = tf.tensor(values, kernel.shape);
    model.layers[1].setWeights([changed, bias]);
    changed.dispose();
  }
  const monitor = paramMonitor({ logger: false, tensorboard: path.join(logs, run), ...options });
  await model.fit(xs, ys, { epochs, batchSize: 30, verbose: 0, callbacks: [monitor] });
  await monitor.dispose();
  histories[run] = monitor.toJSON();
  model.optimizer.dispose();
  model.dispose();
  tf.dispose([xs, ys]);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

function getJson(url: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    http.get(url, (response) => {
      let body = '';
      response.on('data', (chunk) => { body += chunk; });
      response.on('end', () => {
        if (response.statusCode !== 200) reject(new Error(`${url}: HTTP ${response.statusCode} ${body.slice(0, 200)}`));
        else resolve(JSON.parse(body));
      });
    }).on('error', reject);
  });
}

/** Calls `read` until `done` holds for its result (TensorBoard loads the logs in the background), then returns it. */
async function poll<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (;;) {
    const value = await read().catch(() => undefined);
    if (value !== undefined && done(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describeWithTensorBoard('TensorBoard 2.21.0 reads the event files', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
    await trainRun('epochs', {}, 5);
    await trainRun('batches', { everyBatches: 1, thread: 'main', gradients: true }, 2);
    await trainRun('non-finite', {}, 2, true);
  }, 120_000);
  expectNoLeaks();

  it('(a) its loader, plugin_event_accumulator, reads every series equal to the history', () => {
    expect(histories['non-finite'].alerts.some((a) => a.kind === 'non-finite')).toBe(true);
    for (const run of Object.keys(histories)) expectSeriesMatchHistory(readWithTensorBoard(path.join(logs, run)), histories[run]);
  });

  it('(a) its loader skips a last record torn by a kill, and reads every whole one before it', () => {
    const torn = path.join(tmp, 'torn');
    fs.mkdirSync(torn);
    const [name] = fs.readdirSync(path.join(logs, 'epochs'));
    const bytes = fs.readFileSync(path.join(logs, 'epochs', name));
    fs.writeFileSync(path.join(torn, name), bytes.subarray(0, bytes.length - 100));
    const tag = `${histories.epochs.weights[0].name}/l2Norm`;
    expect(readWithTensorBoard(torn).get(tag)!.map((p) => p.step)).toEqual([0, 1, 2, 3, 4]);
    expect(readWithTensorBoard(path.join(logs, 'epochs')).get(tag)!.map((p) => p.step)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  describe('tensorboard --logdir on localhost', () => {
    let server: ChildProcess;
    let base: string;
    let output = '';

    beforeAll(async () => {
      const port = await freePort();
      base = `http://127.0.0.1:${port}`;
      server = spawn(tensorboardTools()!.tensorboard, ['--logdir', logs, '--host', '127.0.0.1', '--port', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
      server.stdout!.on('data', (chunk) => { output += chunk; });
      server.stderr!.on('data', (chunk) => { output += chunk; });
      const exited = new Promise<never>((_, reject) => server.on('exit', (code) => reject(new Error(`tensorboard exited (${code}): ${output}`))));
      exited.catch(() => undefined); // its exit at afterAll is expected
      await Promise.race([poll(() => getJson(`${base}/data/runs`), (runs) => Array.isArray(runs)), exited]);
    }, 120_000);

    afterAll(() => {
      server?.kill('SIGTERM');
    });

    it('(b) lists every run and tag through its HTTP data API, and serves the scalar points', async () => {
      expect(output).toMatch(/TensorBoard 2\.21\.0 at http:\/\/127\.0\.0\.1:\d+\//);
      const want = (kind: 'scalars' | 'histograms' | 'text') => Object.fromEntries(Object.entries(histories).map(([run, history]) => {
        const tags = kind === 'scalars' ? Object.entries(expectedScalars(history)).filter(([, points]) => points.length > 0).map(([tag]) => tag)
          : kind === 'histograms' ? Object.keys(expectedHistograms(history)) : history.alerts.length > 0 ? ['alerts'] : [];
        return [run, tags.sort()];
      }).filter(([, tags]) => tags.length > 0));
      // Scalars and histograms answer { run: { tag: description } }, text { run: [tag] }.
      const listed = (tags: unknown) => Object.fromEntries(Object.entries(tags as Record<string, object>)
        .map(([run, byTag]) => [run, (Array.isArray(byTag) ? byTag as string[] : Object.keys(byTag)).sort()]));
      for (const kind of ['scalars', 'histograms', 'text'] as const) {
        const tags = await poll(() => getJson(`${base}/data/plugin/${kind}/tags`), (t) => Object.keys(t as object).length === Object.keys(want(kind)).length);
        expect({ kind, tags: listed(tags) }).toEqual({ kind, tags: want(kind) });
      }
      const history = histories.batches;
      const tag = `${history.weights[0].name}/l2Norm`;
      const points = await getJson(`${base}/data/plugin/scalars/scalars?run=batches&tag=${encodeURIComponent(tag)}`) as [number, number, number][];
      const expected = expectedScalars(history)[tag];
      expect(points.map(([, step, value], i) => [step, asFloat32Of(value, expected[i]?.[1])])).toEqual(expected);
    }, 120_000);

    describeWithChromium('its Histograms page', () => {
      it('(c) draws one curve per written step of each weight, in Debian Chromium', async () => {
        const browser = await launchChromium();
        try {
          const page = await browser.context.newPage();
          await page.setViewportSize({ width: 1280, height: 1000 });
          await page.goto(`${base}/#histograms`);
          const history = histories.epochs;
          const want = Object.fromEntries(Object.entries(expectedHistograms(history)).map(([weight, steps]) => [`epochs ${weight}`, steps.size]));
          // Each card is a tf-histogram-loader (run, tag) whose vz-histogram-timeseries draws a path.outline per step.
          const drawn = `() => {
            const found = {};
            const walk = (root) => {
              for (const el of root.querySelectorAll('*')) {
                if (el.tagName === 'TF-HISTOGRAM-LOADER' && el.shadowRoot) {
                  const chart = el.shadowRoot.querySelector('vz-histogram-timeseries');
                  const paths = chart && chart.shadowRoot ? [...chart.shadowRoot.querySelectorAll('path.outline')] : [];
                  found[el.run + ' ' + el.tag] = paths.filter((p) => (p.getAttribute('d') || '').length > 20).length;
                }
                if (el.shadowRoot) walk(el.shadowRoot);
              }
            };
            walk(document);
            return found;
          }`;
          await page.waitForFunction(`(() => { const f = (${drawn})(); return ${JSON.stringify(Object.keys(want))}.every((k) => f[k] === ${JSON.stringify(want)}[k]); })()`, undefined, { timeout: 60_000 });
          const found = await page.evaluate(`(${drawn})()`) as Record<string, number>;
          expect(Object.fromEntries(Object.keys(want).map((k) => [k, found[k]]))).toEqual(want);
          const png = await page.screenshot();
          if (process.env.TB_SCREENSHOT) fs.writeFileSync(process.env.TB_SCREENSHOT, png);
          expect((await inkOf(browser, png)).ink).toBeGreaterThan(0.05);
        } finally {
          await browser.close();
        }
      }, 120_000);
    });
  });
});

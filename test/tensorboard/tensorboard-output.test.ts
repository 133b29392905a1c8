/**
 * The `tensorboard` option during a real `fit`, read back with the test's own reader
 * (test/helpers/event-file-reader.ts: CRCs by @aws-crypto/crc32c, protobufjs from a schema of its
 * own): every scalar point equals the history's, each histogram holds the finite elements of the
 * snapshot's histogram as TensorBoard's [k, 3] rows, the alerts are text at their steps, the
 * steps are epoch counts (or batch counts with `everyBatches`). Also: the option's validation.
 * The writer thread's flush, failures and ends: ./writer-thread.test.ts and ./event-file.test.ts.
 */
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { Alert, HistoryDocument, ParamMonitorOptions, Snapshot, paramMonitor } from '../../src';
import { TensorBoardOutput } from '../../src/tensorboard/tensorboard-output';
import { TEST_BACKENDS } from '../helpers/backends';
import { eventFilesIn, readEventFile, seriesByTag } from '../helpers/event-file-reader';
import { expectFileMatchesHistory, readFolder, STATISTICS } from '../helpers/tensorboard-expect';
import { loadIris } from '../helpers/iris';
import { expectNoLeaks } from '../helpers/tensor-leaks';
import fs = require('fs');

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pm-tb-output-'));

afterEach(() => {
  jest.restoreAllMocks();
});

afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** Trains a small iris classifier with the monitor; `prepare` may change the weights first. */
async function trainIris(options: ParamMonitorOptions, epochs: number, prepare?: (model: tf.Sequential) => void): Promise<HistoryDocument> {
  const { xs, ys } = loadIris();
  const model = tf.sequential({
    layers: [tf.layers.dense({ units: 6, inputShape: [4], activation: 'relu' }), tf.layers.dense({ units: 3, activation: 'softmax' })],
  });
  const optimizer = tf.train.adam(0.01);
  model.compile({ optimizer, loss: 'categoricalCrossentropy' });
  prepare?.(model);
  const monitor = paramMonitor({ logger: false, ...options });
  try {
    await model.fit(xs, ys, { epochs, batchSize: 50, verbose: 0, callbacks: [monitor] });
    await monitor.dispose();
    return monitor.toJSON();
  } finally {
    model.dispose();
    optimizer.dispose();
    tf.dispose([xs, ys]);
  }
}

describe.each(TEST_BACKENDS)('the tensorboard option on %s', (backend) => {
  beforeAll(async () => {
    await tf.setBackend(backend);
  });
  expectNoLeaks();

  it('writes every scalar of the history, a histogram per weight and snapshot, at the epoch counts', async () => {
    const folder = path.join(tmp, backend, 'epochs');
    const history = await trainIris({ tensorboard: folder }, 4);
    expect(history.series.epoch).toEqual([0, 1, 2, 3, 4]);
    expectFileMatchesHistory(folder, history);
    // Drift is absent at the first snapshot: no point there, never a 0 or a NaN.
    const { events } = readFolder(folder);
    const drift = seriesByTag(events).get(`${history.weights[0].name}/driftRelative`)!;
    expect(drift.map((p) => p.step)).toEqual([1, 2, 3, 4]);
  });

  it('writes the gradient figures under <weight>/gradient/ and the gradient histograms with `gradients: true`', async () => {
    const folder = path.join(tmp, backend, 'gradients');
    const history = await trainIris({ tensorboard: folder, gradients: true }, 3);
    expect(Object.keys(history.series.gradients!)).toEqual(history.weights.map((w) => w.name));
    expectFileMatchesHistory(folder, history);
    const byTag = seriesByTag(readFolder(folder).events);
    const kernel = history.weights[0].name;
    // Gradients exist from the first step on: none at step 0 (the initial weights).
    expect(byTag.get(`${kernel}/gradient/l2Norm`)!.map((p) => p.step)).toEqual([1, 2, 3]);
    // The plugin metadata goes with a tag's first value only.
    expect(byTag.get(`${kernel}/gradient`)!.map((p) => [p.step, p.plugin])).toEqual([[1, 'histograms'], [2, null], [3, null]]);
  });

  it('steps batch snapshots by the global batch count (3 batches an epoch)', async () => {
    const folder = path.join(tmp, backend, 'batches');
    const history = await trainIris({ tensorboard: folder, everyBatches: 1 }, 2);
    expect(history.series.batch).toEqual([null, 1, 2, 3, 4, 5, 6]);
    expectFileMatchesHistory(folder, history);
    const { events } = readFolder(folder);
    expect(events.slice(1).map((e) => e.step)).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });
});

describe('a custom training loop (attach)', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });
  expectNoLeaks();

  it('steps its snapshots by the optimizer steps applied', async () => {
    const folder = path.join(tmp, 'attach');
    const { xs, ys } = loadIris();
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [4], activation: 'softmax' })] });
    model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
    const monitor = paramMonitor({ model, everySteps: 2, logger: false, tensorboard: folder });
    await monitor.attach();
    for (let step = 1; step <= 6; step += 1) await model.trainOnBatch(xs, ys);
    await monitor.detach();
    await monitor.dispose();
    const history = monitor.toJSON();
    model.optimizer.dispose();
    model.dispose();
    tf.dispose([xs, ys]);
    expect(history.series.step).toEqual([0, 2, 4, 6]);
    expectFileMatchesHistory(folder, history);
    expect(readFolder(folder).events.slice(1).map((e) => e.step)).toEqual([0, 2, 4, 6]);
  });
});

describe('what the histograms and the scalars hold', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });
  expectNoLeaks();

  it('counts NaN and Inf in their own scalars and keeps only finite elements in the histograms; the alert is text at its step', async () => {
    const folder = path.join(tmp, 'non-finite');
    const history = await trainIris({ tensorboard: folder }, 2, (model) => {
      const [kernel, bias] = model.layers[0].getWeights();
      const values = kernel.dataSync().slice();
      values[0] = NaN;
      values[5] = NaN;
      values[7] = Infinity;
      const changed = tf.tensor(values, kernel.shape);
      model.layers[0].setWeights([changed, bias]);
      changed.dispose();
    });
    const kernel = history.weights[0].name;
    expectFileMatchesHistory(folder, history);
    const byTag = seriesByTag(readFolder(folder).events);
    expect(byTag.get(`${kernel}/nanCount`)![0]).toMatchObject({ step: 0, values: [2] });
    expect(byTag.get(`${kernel}/infCount`)![0]).toMatchObject({ step: 0, values: [1] });
    const first = byTag.get(kernel)![0];
    expect(first.step).toBe(0);
    const counts = (first.values as number[]).filter((_, i) => i % 3 === 2);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(24 - 3);
    expect((first.values as number[]).every(Number.isFinite)).toBe(true);
    const alerts = byTag.get('alerts')!;
    expect(alerts[0].step).toBe(0);
    expect(alerts[0].values).toEqual(expect.arrayContaining([expect.stringMatching(new RegExp(`^error non-finite started: .*${kernel}`))]));
  });

  it('names one scalar tag per statistic of the history series', async () => {
    const folder = path.join(tmp, 'tags');
    const history = await trainIris({ tensorboard: folder }, 1);
    const kernel = history.weights[2].name;
    const tags = [...seriesByTag(readFolder(folder).events).keys()].filter((t) => t.startsWith(`${kernel}/`));
    expect(tags.sort()).toEqual(STATISTICS.map((s) => `${kernel}/${s}`).sort());
  });
});

describe('the option and its failures', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });
  expectNoLeaks();

  it.each([
    ['', /The `tensorboard` option must be a non-empty folder path, but got ""/],
    [42, /The `tensorboard` option must be a non-empty folder path, but got 42/],
  ])('refuses %p when the monitor is created', (value, message) => {
    expect(() => paramMonitor({ tensorboard: value as string })).toThrow(message);
  });

  it('refuses the path of the `output` or `logFile` file, naming both options', () => {
    const file = path.join(tmp, 'same');
    expect(() => paramMonitor({ tensorboard: file, output: file })).toThrow(/The `tensorboard` option names a folder and `output` a file, so they must differ, but both are ".*same"/);
    expect(() => paramMonitor({ tensorboard: file, logFile: file })).toThrow(/`tensorboard` option names a folder and `logFile` a file/);
  });

  it('refuses a folder that is a file, naming the option', () => {
    const file = path.join(tmp, 'a-file');
    fs.writeFileSync(file, 'x');
    expect(() => paramMonitor({ tensorboard: file })).toThrow(/The `tensorboard` option must name a folder, but .*a-file is a file/);
    expect(() => paramMonitor({ tensorboard: path.join(file, 'below') })).toThrow(/`tensorboard` option .*ENOTDIR/);
  });
});

describe('which snapshots carry histograms', () => {
  expectNoLeaks();

  const stats = { count: 2, mean: 0.5, std: 0.5, min: 0, max: 1, absMean: 0.5, l2Norm: 1, zeroCount: 1, zeroFraction: 0.5, nanCount: 0, infCount: 0,
    histogram: { min: 0, max: 1, counts: [1, 1] } };
  const snapshot = (index: number): Snapshot => ({ index, epoch: 0, batch: index, time: '2026-01-01T00:00:00.000Z', computeMs: 1, stats: { w: stats } });
  const alert = (batch: number): Alert => ({
    kind: 'drift', severity: 'warn', status: 'started', weight: 'w', layer: 'l', epoch: 0, batch, value: 1, threshold: 1, count: 1, message: 'm',
  });

  it('every snapshot up to the 500th, then the schedule, plus where an alert started and the last of a fit', () => {
    const folder = path.join(tmp, 'choice');
    const output = new TensorBoardOutput(folder, () => { throw new Error('no failure expected'); });
    const time = Date.parse('2026-01-01T00:00:00.000Z');
    for (let i = 0; i <= 600; i += 1) output.snapshot(snapshot(i), i === 503 ? [alert(503)] : [], time);
    output.fitEnd({ epoch: 1, lastSnapshot: snapshot(600) }); // 600 is due: nothing more
    for (let i = 601; i <= 603; i += 1) output.snapshot(snapshot(i), [], time);
    output.fitEnd({ epoch: 2, lastSnapshot: snapshot(603) }); // 603 is not: its histograms now
    output.close();
    const steps = seriesByTag(readFolder(folder).events).get('w')!.map((p) => p.step);
    const expected = [...Array.from({ length: 500 }, (_, i) => i), ...[500, 502, 503, 504].concat(Array.from({ length: 48 }, (_, i) => 506 + 2 * i)), 602, 603];
    expect(steps).toEqual(expected);
    expect(seriesByTag(readFolder(folder).events).get('w/mean')!).toHaveLength(604);
  });
});

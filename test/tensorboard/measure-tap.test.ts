/**
 * The `tensorboard` option with the measuring worker: the worker publishes each snapshot's
 * statistics to its tap (src/stats/measure-tap.ts) and the writer thread writes them from there,
 * in order with what the training thread hands over (src/tensorboard/tap-merge.ts). Here: the tap
 * as a ring of measurements (names, rows, labels, losses); the order of the merge; real `fit`
 * runs on cpu and wasm whose event files equal their histories while the training thread hands
 * over nothing but alerts and gradients; an alert that starts where histograms are not due; a
 * measurement the tap could not hold, written from the training thread instead.
 */
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { HistoryDocument, ParamMonitorOptions, WeightStats, paramMonitor } from '../../src';
import { createTap, LOST, lostMeasurements, TapBuffers, TappedMeasurement, TapReader, TapWriter } from '../../src/stats/measure-tap';
import { decodeStats, encodeStats, rowSlots } from '../../src/stats/stats-codec';
import type { Alert, Snapshot } from '../../src/history-types';
import { HISTOGRAMS_AT_FULL_RATE, histogramsDue } from '../../src/tensorboard/histogram-schedule';
import { StepDecoder, StepEncoder } from '../../src/tensorboard/step-codec';
import { TapMerge, tappedStep } from '../../src/tensorboard/tap-merge';
import { TensorBoardOutput } from '../../src/tensorboard/tensorboard-output';
import { WriteRing } from '../../src/tensorboard/write-ring';
import { RING_CONTROL_SLOTS } from '../../src/threads/slot-ring';
import { seriesByTag } from '../helpers/event-file-reader';
import '@tensorflow/tfjs-backend-wasm';
import { loadIris } from '../helpers/iris';
import { expectFileMatchesHistory, expectedRows, expectRowsClose, readFolder } from '../helpers/tensorboard-expect';
import { expectNoLeaks } from '../helpers/tensor-leaks';
import fs = require('fs');

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pm-tb-tap-'));

beforeAll(async () => {
  await tf.setBackend('cpu'); // wasm, registered here, would be picked and start asynchronously
});

afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

const BINS = 4;

/** Statistics with every kind of field: nulls, drift, fromStart, a histogram. */
function statsOf(seed: number, drift: boolean): WeightStats {
  const stats: WeightStats = {
    count: 10 + seed, mean: seed / 3, std: 0.25, min: -1 - seed, max: 2 + seed, absMean: 0.5, l2Norm: 3.5 + seed,
    zeroCount: 1, zeroFraction: 0.1, nanCount: seed % 2, infCount: 0,
    histogram: { min: -1 - seed, max: 2 + seed, counts: [1, 2, 3 + seed, 4] },
  };
  if (drift) {
    stats.drift = { l2: 0.5, relative: 0.125 * seed, maxAbs: 0.25, changedFraction: 1 };
    stats.fromStart = { relative: null };
  }
  return stats;
}

/** The rows of `stats`, as the worker writes them for the training thread. */
function rowsOf(stats: WeightStats[]): Float64Array {
  const rows = new Float64Array(stats.length * rowSlots(BINS));
  stats.forEach((s, i) => encodeStats(s, rows, i * rowSlots(BINS)));
  return rows;
}

/** A tap of `capacity` slots (createTap's are at least 65,536). */
function smallTap(capacity: number): TapBuffers {
  return { control: new SharedArrayBuffer((RING_CONTROL_SLOTS + 1) * 4), slots: new SharedArrayBuffer(capacity * 8), bins: BINS };
}

function readAll(tap: TapBuffers, reader = new TapReader(tap)): TappedMeasurement[] {
  const got: TappedMeasurement[] = [];
  reader.drain((m) => { got.push(m); });
  return got;
}

describe('the measuring worker\'s tap', () => {
  expectNoLeaks();

  it('gives back each measurement whole with its label and the names of its layout, across layouts', () => {
    const tap = createTap(2, BINS);
    const writer = new TapWriter(tap);
    const reader = new TapReader(tap);
    writer.layout(['dense/kernel', 'dense/bias']);
    const first = [statsOf(1, false), statsOf(2, false)];
    expect(writer.publish([0, 1700000000.5, 1, 0], rowsOf(first), 2)).toBe(true);
    const second = [statsOf(3, true), statsOf(4, true)];
    expect(writer.publish([1, 1700000001.25, 0, 0], rowsOf(second), 2)).toBe(true);
    writer.layout(['other/kernel']);
    const third = [statsOf(5, true)];
    expect(writer.publish([2, 1700000002, 0, 0], rowsOf(third), 1)).toBe(true);
    // What the training thread decodes from the same rows is what the reader gets.
    const decoded = (s: WeightStats) => decodeStats(rowsOf([s]), 0, BINS);
    expect(readAll(tap, reader)).toEqual([
      { label: [0, 1700000000.5, 1, 0], stats: { 'dense/kernel': decoded(first[0]), 'dense/bias': decoded(first[1]) } },
      { label: [1, 1700000001.25, 0, 0], stats: { 'dense/kernel': decoded(second[0]), 'dense/bias': decoded(second[1]) } },
      { label: [2, 1700000002, 0, 0], stats: { 'other/kernel': decoded(third[0]) } },
    ]);
    expect(decoded(second[0])).toEqual(second[0]);
    expect(lostMeasurements(tap)).toBe(0);
  });

  it('counts a measurement it cannot hold as lost, and sends the names again after losing them', () => {
    const tap = smallTap(128);
    const writer = new TapWriter(tap);
    writer.layout(['a', 'b']);
    const rows = rowsOf([statsOf(1, false), statsOf(2, false)]);
    // Names (3 + 2 * 2 slots), then measurements of 7 + 2 * 22 = 51 slots: two fit in 128.
    expect(writer.publish([0, 0, 0, 0], rows, 2)).toBe(true);
    expect(writer.publish([1, 0, 0, 0], rows, 2)).toBe(true);
    expect(writer.publish([2, 0, 0, 0], rows, 2)).toBe(false);
    expect(lostMeasurements(tap)).toBe(1);
    // Names of 3 + 2 * 26 slots do not fit in the 19 left either: the measurement is lost with them.
    const long = ['c'.repeat(200), 'd'.repeat(200)];
    writer.layout(long);
    expect(writer.publish([3, 0, 0, 0], rows, 2)).toBe(false);
    expect(lostMeasurements(tap)).toBe(2);
    const reader = new TapReader(tap);
    expect(readAll(tap, reader).map((m) => [m.label[0], Object.keys(m.stats)])).toEqual([[0, ['a', 'b']], [1, ['a', 'b']]]);
    expect(writer.publish([4, 0, 0, 0], rows, 2)).toBe(true);
    expect(readAll(tap, reader).map((m) => [m.label[0], Object.keys(m.stats)])).toEqual([[4, long]]);
    expect(Atomics.load(new Int32Array(tap.control), LOST)).toBe(2);
  });

  it('hands on at most `limit` measurements, the names entries not counted', () => {
    const tap = createTap(1, BINS);
    const writer = new TapWriter(tap);
    writer.layout(['w']);
    const rows = rowsOf([statsOf(1, false)]);
    for (let step = 0; step < 3; step += 1) writer.publish([step, 0, 0, 0], rows, 1);
    const reader = new TapReader(tap);
    const steps: number[] = [];
    expect(reader.drain((m) => { steps.push(m.label[0]); }, reader.head, 2)).toBe(2);
    expect(reader.drain((m) => { steps.push(m.label[0]); })).toBe(1);
    expect(steps).toEqual([0, 1, 2]);
  });

  it('is sized for 64 measurements of the first census, every page touched', () => {
    expect(new Float64Array(createTap(4, 30).slots).length).toBe(65536);
    // 7 + 1000 * 48 slots a measurement: 64 of them need 2^22 slots.
    expect(new Float64Array(createTap(1000, 30).slots).length).toBe(1 << 22);
  });
});

describe('the merge of the ring and the tap', () => {
  expectNoLeaks();

  it('writes each ring entry after the tap measurements recorded before it, the rest after the ring', () => {
    const ring = WriteRing.create(1024);
    const tap = createTap(1, BINS);
    const tapWriter = new TapWriter(tap);
    tapWriter.layout(['w']);
    const encoder = new StepEncoder();
    const entry = (step: number, tapBefore: number) => {
      expect(ring.tryPublish(encoder.encode(step, 0, { alertLines: [`at ${step}`] }, tapBefore))).toBe(true);
    };
    const measurement = (step: number) => tapWriter.publish([step, 0, 0, 0], rowsOf([statsOf(step, false)]), 1);
    // As the threads publish them: an alert of the census before any snapshot, then snapshots
    // 1 to 3 (the worker's measurement, then the training thread's entry for it), then 4 alone.
    entry(0, 0);
    measurement(1);
    entry(1, 1);
    measurement(2);
    measurement(3);
    entry(3, 3);
    measurement(4);
    const order: string[] = [];
    const decoder = new StepDecoder();
    const merge = new TapMerge(ring, new TapReader(tap));
    merge.drain((slots, start) => { order.push(`ring ${decoder.decode(slots, start).step}`); }, (m) => { order.push(`tap ${tappedStep(m).step}`); });
    expect(order).toEqual(['ring 0', 'tap 1', 'ring 1', 'tap 2', 'tap 3', 'ring 3', 'tap 4']);
    // Later entries go on counting from there.
    measurement(5);
    entry(5, 5);
    merge.drain((slots, start) => { order.push(`ring ${decoder.decode(slots, start).step}`); }, (m) => { order.push(`tap ${tappedStep(m).step}`); });
    expect(order.slice(7)).toEqual(['tap 5', 'ring 5']);
  });

  it('writes a measurement\'s histograms when its label says they are due', () => {
    const [stats] = [statsOf(1, true)];
    expect(tappedStep({ label: [7, 2.5, 1, 0], stats: { w: stats } })).toEqual({ step: 7, wallTime: 2.5, records: { scalars: { w: stats }, histograms: { w: stats } } });
    expect(tappedStep({ label: [7, 2.5, 0, 0], stats: { w: stats } }).records).toEqual({ scalars: { w: stats }, histograms: undefined });
  });
});

/** Trains an iris classifier, a snapshot every batch (3 an epoch); `prepare` may change the weights first. */
async function trainIris(options: ParamMonitorOptions, epochs: number, prepare?: (model: tf.Sequential) => void) {
  const { xs, ys } = loadIris();
  const model = tf.sequential({
    layers: [tf.layers.dense({ units: 6, inputShape: [4], activation: 'relu' }), tf.layers.dense({ units: 3, activation: 'softmax' })],
  });
  const optimizer = tf.train.adam(0.01);
  model.compile({ optimizer, loss: 'categoricalCrossentropy' });
  prepare?.(model);
  const monitor = paramMonitor({ logger: false, everyBatches: 1, thread: 'worker', ...options });
  try {
    await model.fit(xs, ys, { epochs, batchSize: 50, verbose: 0, callbacks: [monitor] });
    const output = (monitor as unknown as { tensorboard: TensorBoardOutput }).tensorboard;
    await monitor.dispose();
    return {
      history: monitor.toJSON(), handedOver: output.cost.writes, written: output.writer.threadStats.written,
      lost: lostMeasurements(output.tap as TapBuffers),
    };
  } finally {
    model.dispose();
    optimizer.dispose();
    tf.dispose([xs, ys]);
  }
}

/** Steps never go back in the file, and each tag's steps rise. */
function expectInOrder(folder: string): void {
  const { events } = readFolder(folder);
  const steps = events.slice(1).map((e) => e.step);
  expect(steps).toEqual([...steps].sort((a, b) => a - b));
  for (const [tag, points] of seriesByTag(events.slice(1))) {
    const tagSteps = points.map((p) => p.step);
    expect({ tag, steps: tagSteps }).toEqual({ tag, steps: [...new Set(tagSteps)].sort((a, b) => a - b) });
  }
}

describe.each(['cpu', 'wasm'])('the tensorboard option with the measuring worker on %s', (backend) => {
  beforeAll(async () => {
    await tf.setBackend(backend);
  });
  expectNoLeaks();

  it('writes every statistic and histogram of the history from the tap; the training thread hands over none', async () => {
    const folder = path.join(tmp, backend, 'tap');
    const { history, handedOver, written, lost } = await trainIris({ tensorboard: folder }, 3);
    expect(history.series.batch).toEqual([null, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expectFileMatchesHistory(folder, history);
    expectInOrder(folder);
    // The training thread hands over the alerts of a snapshot, if this run raised any, and nothing else.
    expect(lost).toBe(0);
    expect(handedOver).toBe(new Set(history.alerts.map((a) => a.batch ?? a.epoch)).size);
    expect(written).toBe(10 + handedOver);
  });

  it('hands over only the alerts and the gradients, each written after its snapshot\'s statistics', async () => {
    const folder = path.join(tmp, backend, 'tap-alerts');
    const { history, handedOver } = await trainIris({ tensorboard: folder, gradients: true }, 2, (model) => {
      // A first layer of zeros stays zeros behind its ReLUs: `dead` from the first batch on.
      const [, bias] = model.layers[0].getWeights();
      const zeros = tf.zeros([4, 6]);
      model.layers[0].setWeights([zeros, bias]);
      zeros.dispose();
    });
    expect(history.alerts.map((a) => [a.kind, a.status, a.batch])).toContainEqual(['dead', 'started', 1]);
    expectFileMatchesHistory(folder, history);
    expectInOrder(folder);
    // One hand-over per snapshot with gradients (all but the first) or alerts.
    const withAlerts = new Set(history.alerts.map((a) => a.batch ?? a.epoch));
    const withGradients = history.series.batch.filter((b) => b !== null);
    expect(handedOver).toBe(new Set([...withAlerts, ...withGradients]).size);
  });
});

describe('statistics measured on the training thread', () => {
  expectNoLeaks();

  it('go to the writer as rows, with the names again whenever the weights change', () => {
    const folder = path.join(tmp, 'rows');
    const output = new TensorBoardOutput(folder, () => { throw new Error('no failure expected'); }, BINS);
    output.census({ model: { name: 'm', class: 'Sequential', layers: 1, params: 10 } as never, weights: [], watched: 2, backend: 'cpu', epoch: 0 });
    const time = Date.parse('2026-12-03T12:00:00.000Z');
    const layouts = [['a', 'b'], ['a', 'b'], ['c'], ['c'], ['a', 'b'], ['b', 'a']];
    layouts.forEach((names, index) => {
      const stats = Object.fromEntries(names.map((name, i) => [name, statsOf(index + i, index > 0)]));
      output.snapshot({ index, epoch: index, batch: null, time: new Date(time + index).toISOString(), computeMs: 0, stats } as unknown as Snapshot, [], time + index);
    });
    output.close();
    expect(output.cost.writes).toBe(layouts.length);
    expectInOrder(folder);
    const { events } = readFolder(folder);
    expect(events.slice(1).map((e) => e.wallTime)).toEqual(layouts.map((_, index) => (time + index) / 1000));
    const byTag = seriesByTag(events.slice(1));
    const l2 = (tag: string) => byTag.get(`${tag}/l2Norm`)!.map((p) => [p.step, p.values[0]]);
    expect(l2('a')).toEqual([[0, 3.5], [1, 4.5], [4, 7.5], [5, 9.5]].map(([step, v]) => [step, Math.fround(v)]));
    expect(l2('b')).toEqual([[0, 4.5], [1, 5.5], [4, 8.5], [5, 8.5]].map(([step, v]) => [step, Math.fround(v)]));
    expect(l2('c')).toEqual([[2, 5.5], [3, 6.5]].map(([step, v]) => [step, Math.fround(v)]));
    expect(byTag.get('a')!.map((p) => p.step)).toEqual([0, 1, 4, 5]);
  });
});

describe('an alert that starts where histograms are not due', () => {
  expectNoLeaks();

  it('gets its snapshot\'s histograms from the training thread, once, after the tap\'s scalars', () => {
    const folder = path.join(tmp, 'alert-not-due');
    const notes: string[] = [];
    const output = new TensorBoardOutput(folder, (_level, message) => { notes.push(message); }, BINS, true);
    const names = ['w'];
    output.census({ model: { name: 'm', class: 'Sequential', layers: 1, params: 10 } as never, weights: [], watched: 1, backend: 'cpu', epoch: 0 });
    const tapWriter = new TapWriter(output.tap as TapBuffers);
    tapWriter.layout(names);
    const index = HISTOGRAMS_AT_FULL_RATE + 1;
    expect(histogramsDue(index)).toBe(false);
    // Snapshots 0 .. index - 1 recorded without a tap; then `index`, measured by the "worker" here.
    const time = Date.now();
    for (let i = 0; i < index; i += 1) output.snapshot({ index: i, epoch: 0, batch: i, time: new Date(time).toISOString(), computeMs: 0, stats: { w: statsOf(1, false) } } as Snapshot, [], time);
    const label = output.label({ epoch: 0, batch: index }, time + 5);
    expect(Array.from(label)).toEqual([index, (time + 5) / 1000, 0, 0]);
    const stats = statsOf(2, true);
    tapWriter.publish(label, rowsOf([stats]), 1);
    const alert = { kind: 'non-finite', severity: 'error', status: 'started', weight: 'w', layer: null, epoch: 0, batch: index, value: 1, threshold: 0, count: 1, message: 'w holds NaN' } as unknown as Alert;
    output.snapshot({ index, epoch: 0, batch: index, time: new Date(time + 5).toISOString(), computeMs: 0, stats: { w: decodeStats(rowsOf([stats]), 0, BINS) } } as Snapshot, [alert], time + 5);
    output.close();
    expect(notes).toEqual([]);
    expectInOrder(folder);
    const byTag = seriesByTag(readFolder(folder).events.slice(1));
    const histogram = byTag.get('w')!.filter((p) => p.step === index);
    expect(histogram).toHaveLength(1);
    expectRowsClose(histogram[0].values as number[], expectedRows(stats.histogram));
    expect(byTag.get('w/l2Norm')!.filter((p) => p.step === index).map((p) => p.values[0])).toEqual([Math.fround(stats.l2Norm!)]);
    expect(byTag.get('alerts')!.map((p) => [p.step, p.values])).toEqual([[index, ['error non-finite started: w holds NaN']]]);
  });
});

describe('a measurement the tap cannot hold', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });
  expectNoLeaks();

  it('is written from the training thread: a monitor moved to a model too large for the tap sized at its first census', async () => {
    const folder = path.join(tmp, 'lost');
    const bins = 1000;
    const monitor = paramMonitor({ logger: false, everyBatches: 1, thread: 'worker', bins, tensorboard: folder });
    const { xs, ys } = loadIris();
    const small = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [4], activation: 'softmax' })] });
    small.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
    // 35 layers, 70 weights: a measurement of 7 + 70 * 1018 slots, more than half the tap
    // sized for the small model's 2 weights (2^17 slots).
    const large = tf.sequential();
    large.add(tf.layers.dense({ units: 2, inputShape: [4], activation: 'relu' }));
    for (let i = 0; i < 33; i += 1) large.add(tf.layers.dense({ units: 2, activation: 'relu' }));
    large.add(tf.layers.dense({ units: 3, activation: 'softmax' }));
    large.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
    try {
      await small.fit(xs, ys, { epochs: 1, batchSize: 50, verbose: 0, callbacks: [monitor] });
      const tap = (monitor as unknown as { tensorboard: TensorBoardOutput }).tensorboard.tap as TapBuffers;
      expect(new Float64Array(tap.slots).length).toBe(1 << 17);
      expect(lostMeasurements(tap)).toBe(0);
      await large.fit(xs, ys, { epochs: 1, batchSize: 50, verbose: 0, callbacks: [monitor] });
      expect(lostMeasurements(tap)).toBe(3);
      await monitor.dispose();
      const history: HistoryDocument = monitor.toJSON();
      // Both models' weights in the series; the large one's 3 snapshots lost by the tap.
      expect(Object.keys(history.series.weights)).toHaveLength(72);
      expect(history.series.batch).toEqual([null, 1, 2, 3, 4, 5, 6]);
      expectFileMatchesHistory(folder, history);
      expectInOrder(folder);
    } finally {
      tf.dispose([xs, ys]);
      small.dispose();
      large.dispose();
    }
  });
});

/**
 * The measuring worker below the snapshot store: the statistics rows it answers in, its copies
 * handed back, and its errors (a worker that cannot measure says why, and a stopped one refuses).
 */
import * as tf from '@tensorflow/tfjs';
import type { WeightStats } from '../../src/history-types';
import { computeStatsOnHost } from '../../src/stats/host-engine';
import { MeasureThread } from '../../src/stats/measure-thread';
import { decodeStats, encodeStats, rowSlots } from '../../src/stats/stats-codec';
import { emptyStats } from '../../src/stats/types';
import { compareStats, randomNormal, referenceStats } from '../helpers/reference';
import { expectNoLeaks } from '../helpers/tensor-leaks';

const CONFIG = { bins: 12, zeroTolerance: 0 };

beforeAll(async () => {
  await tf.setBackend('cpu');
});
expectNoLeaks();

describe('the statistics rows', () => {
  const roundTrip = (stats: WeightStats, bins: number) => {
    const row = new Float64Array(3 * rowSlots(bins));
    encodeStats(stats, row, rowSlots(bins)); // the middle row: offsets are honoured
    return decodeStats(row, rowSlots(bins), bins);
  };

  it('carry every statistic, drift and fromStart exactly', async () => {
    const value = tf.tensor(Float32Array.from([...randomNormal(200, 1), NaN, Infinity, 0, -0]));
    const previous = tf.tensor(randomNormal(204, 2));
    const [stats] = await computeStatsOnHost([{ value, previous, previousL2: 3, initial: previous, initialL2: 0 }], CONFIG);
    tf.dispose([value, previous]);
    expect(stats.fromStart).toEqual({ relative: null }); // a null inside an optional part
    expect(roundTrip(stats, CONFIG.bins)).toEqual(stats);
    expect(Object.keys(roundTrip(stats, CONFIG.bins))).toEqual(Object.keys(stats)); // and the order of the JSON
  });

  it('carry nulls as nulls and leave out drift and fromStart when absent', () => {
    const empty = emptyStats(false, false, 5);
    expect(roundTrip(empty, 5)).toEqual(empty);
    expect(roundTrip(emptyStats(true, true, 1), 1)).toEqual(emptyStats(true, true, 1));
  });
});

describe('the measuring worker', () => {
  const weights = (seed: number) => [
    { name: 'kernel', shape: [30, 10], values: randomNormal(300, seed) },
    { name: 'bias', shape: [3], values: randomNormal(3, seed + 1) },
  ];

  it('measures against its copies, hands them back, and refuses once stopped', () => {
    const thread = new MeasureThread(CONFIG, true);
    const [a, b] = [weights(1), weights(5)];
    thread.receive(thread.measure(a));
    const stats = thread.receive(thread.measure(b));
    stats.forEach((s, i) => {
      const ref = referenceStats({
        value: b[i].values, previous: a[i].values, previousL2: referenceStats({ value: a[i].values }, CONFIG).stats.l2Norm,
        initial: a[i].values, initialL2: referenceStats({ value: a[i].values }, CONFIG).stats.l2Norm,
      }, CONFIG);
      expect(compareStats(s, ref)).toEqual([]);
    });
    expect(thread.held.bytes).toBe(2 * (300 + 3) * 4);
    const [kernel, missing] = thread.take(['kernel', 'nothing']);
    expect(kernel!.previous).toEqual(b[0].values);
    expect(kernel!.initial).toEqual(a[0].values);
    expect(missing).toBeNull();
    thread.terminate();
    expect(() => thread.measure(b)).toThrow(/measuring worker stopped: it was stopped/);
  });

  it('waits for a measurement still in flight before it overwrites the staging memory', () => {
    const thread = new MeasureThread(CONFIG, true);
    const [a, b] = [weights(1), weights(5)];
    // The worker is still starting: without the wait, b would overwrite a before it is read, and
    // the worker, seeing only the later request, would measure b as the first snapshot.
    const first = thread.measure(a);
    const stats = thread.receive(thread.measure(b));
    const norm = (v: Float32Array) => referenceStats({ value: v }, CONFIG).stats.l2Norm;
    stats.forEach((s, i) => {
      const ref = referenceStats({ value: b[i].values, previous: a[i].values, previousL2: norm(a[i].values), initial: a[i].values, initialL2: norm(a[i].values) }, CONFIG);
      expect(compareStats(s, ref)).toEqual([]);
    });
    expect(() => thread.receive(first)).not.toThrow();
    thread.terminate();
  });

  it('wakes each side at once: 20 measurements take far less than the sides\' 1 s polls', () => {
    const thread = new MeasureThread(CONFIG, true);
    thread.receive(thread.measure(weights(1))); // the worker has started
    const started = performance.now();
    for (let k = 0; k < 20; k++) thread.receive(thread.measure(weights(k)));
    // Without a notify, each measurement would wait out a poll: about 20 s.
    expect(performance.now() - started).toBeLessThan(3000);
    thread.terminate();
  });

  it('answers an error it meets with its message: copies past 4 GiB', () => {
    const thread = new MeasureThread(CONFIG, true);
    // A shape of 2^30 elements with 4 staged: the worker lays its memory out from the shape.
    const id = thread.measure([{ name: 'huge', shape: [2 ** 30], values: new Float32Array(4) }]);
    expect(() => thread.receive(id)).toThrow(/more than a WebAssembly memory holds.*`fromStart: false`/);
    thread.terminate();
  });
});

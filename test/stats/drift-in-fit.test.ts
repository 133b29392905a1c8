/**
 * Drift through real `model.fit` runs: every snapshot's `drift` and `fromStart` against the same
 * numbers computed independently, in float64, from copies of the weights a second callback takes
 * at each epoch end. This is what catches a snapshot store that keeps the wrong previous copy or
 * the wrong previous norm (`previousL2`): the statistics engines alone cannot.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { paramMonitor } from '../../src';
import type { HistoryDocument } from '../../src/history-types';
import { loadMnist } from '../helpers/mnist';
import { RELATIVE_TOLERANCE } from '../helpers/reference';
import { expectNoLeaks } from '../helpers/tensor-leaks';
import { TEST_BACKENDS } from '../helpers/backends';

type Weights = Map<string, Float32Array>;

function copyWeights(model: tf.LayersModel): Weights {
  return new Map(model.weights.map((w) => [w.name, Float32Array.from(w.read().dataSync())]));
}

function norm(a: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * a[i];
  return Math.sqrt(s);
}

function distance(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return Math.sqrt(s);
}

function changed(a: Float32Array, b: Float32Array): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) n++;
  return n;
}

/** Trains 3 epochs with the monitor, copying the weights before training and after each epoch. */
async function train(options: { statsOn: 'host' | 'device'; fromStart?: boolean }): Promise<{ history: HistoryDocument; copies: Weights[] }> {
  const { xs, ys } = loadMnist(192, { flat: true });
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 12, activation: 'relu', inputShape: [784] }));
  model.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' }); // owned, so disposed with the model
  const monitor = paramMonitor({ logger: false, ...options });
  const copies = [copyWeights(model)];
  const probe = new tf.CustomCallback({ onEpochEnd: async () => { copies.push(copyWeights(model)); } });
  await model.fit(xs, ys, { verbose: 0, epochs: 3, batchSize: 64, callbacks: [monitor, probe] });
  const history = monitor.toJSON();
  await monitor.dispose();
  model.dispose();
  tf.dispose([xs, ys]);
  return { history, copies };
}

/** `l2 / norm` with the monitor's rules: 0 when nothing moved, null when the norm is 0. */
const relativeTo = (l2: number, reference: number) => (l2 === 0 ? 0 : reference > 0 ? l2 / reference : null);

/** Whether `actual` is `expected` (null, 0) or within the relative tolerance of it. */
const agrees = (actual: number | null | undefined, expected: number | null) =>
  expected === null || expected === 0 ? actual === expected : Math.abs((actual as number) - expected) < RELATIVE_TOLERANCE * expected;

describe.each(TEST_BACKENDS)('drift during model.fit on the %s backend', (backend) => {
  beforeAll(async () => {
    await tf.setBackend(backend);
  });
  expectNoLeaks();

  it.each(['host', 'device'] as const)('matches an independent computation on the %s engine', async (statsOn) => {
    const { history, copies } = await train({ statsOn });
    expect(history.snapshots.map((s) => s.epoch)).toEqual([0, 1, 2, 3]);
    const errors: string[] = [];
    const moved: number[] = [];
    history.snapshots.slice(1).forEach((snapshot, k) => {
      const [previous, now, initial] = [copies[k], copies[k + 1], copies[0]];
      for (const [name, stats] of Object.entries(snapshot.stats)) {
        const [p, x, q] = [previous.get(name)!, now.get(name)!, initial.get(name)!];
        const expected = {
          l2: distance(x, p), relative: relativeTo(distance(x, p), norm(p)), fromStart: relativeTo(distance(x, q), norm(q)),
        };
        const drift = stats.drift!;
        const where = `${name} at epoch ${snapshot.epoch}`;
        if (!agrees(drift.l2, expected.l2)) errors.push(`${where}: l2 ${drift.l2}, expected ${expected.l2}`);
        if (!agrees(drift.relative, expected.relative)) errors.push(`${where}: relative ${drift.relative}, expected ${expected.relative}`);
        if (drift.changedFraction !== changed(x, p) / x.length) errors.push(`${where}: changedFraction ${drift.changedFraction}`);
        const fromStart = stats.fromStart!.relative;
        if (!agrees(fromStart, expected.fromStart)) errors.push(`${where}: fromStart ${fromStart}, expected ${expected.fromStart}`);
        if (snapshot.epoch > 1) moved.push(drift.relative as number);
      }
    });
    expect(errors).toEqual([]);
    // Every weight moved after epoch 1 (biases start at 0, so their first relative is null).
    expect(moved.filter((r) => !(r > 0))).toEqual([]);
    expect(moved).toHaveLength(2 * copies[0].size);
  });

  it('with fromStart: false, measures the same drift and no fromStart', async () => {
    const { history, copies } = await train({ statsOn: 'host', fromStart: false });
    const snapshot = history.snapshots[3];
    for (const [name, stats] of Object.entries(snapshot.stats)) {
      const [p, x] = [copies[2].get(name)!, copies[3].get(name)!];
      expect(stats.fromStart).toBeUndefined();
      expect(agrees(stats.drift!.relative, relativeTo(distance(x, p), norm(p)))).toBe(true);
      expect(stats.drift!.relative).toBeGreaterThan(0);
    }
  });
});

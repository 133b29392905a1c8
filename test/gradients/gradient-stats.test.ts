/**
 * `gradients: true` on real training (iris): each snapshot's gradient statistics equal, to the
 * float64 reference's tolerances, the statistics of the last step's gradient as an independent
 * recorder (a second listener on the optimizer, reading every gradient into float64) saw it; the
 * running figures (largest and mean L2 norm over the steps since the previous snapshot) match the
 * recorder's norms; the update ratio is the relative drift per step; dead units of a Dense kernel
 * are those whose gradient column was zero at every step. Nothing stays hooked, nothing leaks.
 */
import * as tf from '@tensorflow/tfjs';
import { paramMonitor } from '../../src/monitor';
import { hookOptimizer, isHooked } from '../../src/training/optimizer-hook';
import type { HistoryDocument } from '../../src/history-types';
import { TEST_BACKENDS } from '../helpers/backends';
import { loadIris } from '../helpers/iris';
import { classifier, disposeAll } from './builders';
import { compareStats, referenceStats, RELATIVE_TOLERANCE } from '../helpers/reference';
import { expectNoLeaks } from '../helpers/tensor-leaks';


/** Every step's gradients, in float64, as the optimizer got them. */
interface RecordedStep {
  gradients: Map<string, Float64Array>;
}

function record(optimizer: tf.Optimizer): { steps: RecordedStep[]; unhook: () => void } {
  const steps: RecordedStep[] = [];
  const unhook = hookOptimizer(optimizer, {
    beforeApply: (step) => {
      steps.push({ gradients: new Map(step.gradients.map((g) => [g.name, Float64Array.from(g.tensor.dataSync())])) });
    },
    onListenerError: (e) => { throw e; },
  });
  return { steps, unhook };
}

const norm = (v: Float64Array) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
const near = (a: number | null | undefined, r: number) => typeof a === 'number' && Math.abs(a - r) <= RELATIVE_TOLERANCE * Math.abs(r);

/** Checks every snapshot's gradients against the recorded steps; returns the problems found. */
function checkAgainst(doc: HistoryDocument, steps: RecordedStep[], bins: number): string[] {
  const problems: string[] = [];
  let done = 0;
  for (const snapshot of doc.snapshots) {
    const gradients = snapshot.gradients;
    if (gradients === undefined) continue;
    for (const [name, g] of Object.entries(gradients)) {
      const since = steps.slice(g.step - g.steps, g.step);
      const last = since[since.length - 1].gradients.get(name)!;
      const ref = referenceStats({ value: Float32Array.from(last) }, { bins, zeroTolerance: 0 });
      const { steps: _s, step: _t, maxNorm, meanNorm, nonFinite, updateRatio, deadUnits: _d, units: _u, ...stats } = g;
      problems.push(...compareStats(stats, ref).map((p) => `snapshot ${snapshot.index} ${name}: ${p}`));
      const norms = since.map((s) => norm(s.gradients.get(name)!));
      if (!near(maxNorm, Math.max(...norms))) problems.push(`${name} maxNorm ${maxNorm} vs ${Math.max(...norms)}`);
      const mean = norms.reduce((a, b) => a + b, 0) / norms.length;
      if (!near(meanNorm, mean)) problems.push(`${name} meanNorm ${meanNorm} vs ${mean}`);
      if (nonFinite) problems.push(`${name} nonFinite`);
      const drift = snapshot.stats[name].drift?.relative;
      if (drift != null && updateRatio !== drift / g.steps) problems.push(`${name} updateRatio ${updateRatio} vs ${drift / g.steps}`);
      done += 1;
    }
    if (Object.keys(gradients).length !== 4) problems.push(`snapshot ${snapshot.index} has ${Object.keys(gradients).length} gradients`);
  }
  if (done === 0) problems.push('no gradient measured');
  return problems;
}

describe.each(TEST_BACKENDS)('gradients: true on the %s backend', (backend) => {
  beforeAll(async () => {
    await tf.setBackend(backend);
  });
  expectNoLeaks();

  it.each([['host'], ['device']] as const)('fit, snapshots every epoch, statsOn %s: exact against float64', async (statsOn) => {
    const { xs, ys } = loadIris();
    const model = classifier(3, tf.train.adam(0.02));
    const { steps, unhook } = record(model.optimizer);
    const monitor = paramMonitor({ logger: false, gradients: true, bins: 12, statsOn });
    await model.fit(xs, ys, { epochs: 3, batchSize: 32, shuffle: false, callbacks: [monitor] });
    unhook();
    const doc = monitor.toJSON();
    expect(steps).toHaveLength(15); // 5 batches of 150 rows, 3 epochs
    expect(doc.snapshots.map((s) => s.gradients === undefined ? null : Object.values(s.gradients)[0].steps)).toEqual([null, 5, 5, 5]);
    expect(checkAgainst(doc, steps, 12)).toEqual([]);
    // the last step of each epoch, the one before its snapshot (only that step's gradients are kept)
    expect(doc.snapshots.slice(1).map((s) => Object.values(s.gradients!).map((g) => g.step))).toEqual([5, 10, 15].map((n) => Array(4).fill(n)));
    expect(doc.options.gradients).toBe(true);
    expect(isHooked(model.optimizer)).toBe(false);
    await monitor.dispose();
    disposeAll(model, xs, ys);
  });

  it('fitDataset, snapshots every 3 batches: exact against float64, update ratio per step', async () => {
    const { xs, ys } = loadIris();
    const model = classifier(5, tf.train.sgd(0.1));
    const { steps, unhook } = record(model.optimizer);
    const monitor = paramMonitor({ logger: false, gradients: true, everyBatches: 3, thread: 'main' });
    const rows = { xs: tf.unstack(xs), ys: tf.unstack(ys) };
    const data = tf.data.zip({ xs: tf.data.array(rows.xs), ys: tf.data.array(rows.ys) }).batch(25);
    await model.fitDataset(data as tf.data.Dataset<tf.TensorContainer>, { epochs: 2, callbacks: [monitor] });
    unhook();
    const doc = monitor.toJSON();
    expect(steps).toHaveLength(12);
    expect(checkAgainst(doc, steps, 30)).toEqual([]);
    // fitDataset without batchesPerEpoch: the snapshot's batch is the step measured
    expect(doc.snapshots.slice(1).map((s) => Object.values(s.gradients!)[0].step)).toEqual(doc.snapshots.slice(1).map((s) => s.batch));
    tf.dispose([rows.xs, rows.ys]);
    const ratios = doc.snapshots.slice(1).map((s) => s.gradients!['dense_Dense1/kernel'] ?? Object.values(s.gradients!)[0]);
    expect(ratios.every((g) => g.updateRatio !== null && g.updateRatio > 0)).toBe(true);
    await monitor.dispose();
    disposeAll(model, xs, ys);
  });

  it('counts the dead units of a Dense kernel: the units whose gradient (bias and kernel column) was zero at every step', async () => {
    const { xs, ys } = loadIris();
    // A hidden bias of -1 on iris (features up to 7.9) leaves some ReLU units never active.
    const model = classifier(11, tf.train.sgd(0.01), -4);
    const { steps, unhook } = record(model.optimizer);
    const monitor = paramMonitor({ logger: false, gradients: true });
    await model.fit(xs, ys, { epochs: 2, batchSize: 50, shuffle: false, callbacks: [monitor] });
    unhook();
    const doc = monitor.toJSON();
    const kernel = model.layers[0].getWeights()[0].shape; // [4, 8]
    expect(kernel).toEqual([4, 8]);
    const name = model.layers[0].weights[0].name;
    for (const snapshot of doc.snapshots.slice(1)) {
      const g = snapshot.gradients![name];
      const since = steps.slice(g.step - g.steps, g.step).map((s) => s.gradients.get(name)!);
      const bias = steps.slice(g.step - g.steps, g.step).map((s) => s.gradients.get(model.layers[0].weights[1].name)!);
      let dead = 0;
      for (let u = 0; u < 8; u += 1) {
        const column = since.every((v) => [0, 1, 2, 3].every((i) => v[i * 8 + u] === 0));
        expect(bias.every((v) => v[u] === 0)).toBe(column); // a dead ReLU: both, or neither
        if (column) dead += 1;
      }
      expect({ deadUnits: g.deadUnits, units: g.units }).toEqual({ deadUnits: dead, units: 8 });
    }
    expect(doc.snapshots[1].gradients![name].deadUnits).toBeGreaterThan(0);
    // The output layer's kernel counts units too; biases do not.
    expect(doc.snapshots[1].gradients![model.layers[1].weights[0].name].units).toBe(3);
    expect(doc.snapshots[1].gradients![model.layers[0].weights[1].name].units).toBeUndefined();
    await monitor.dispose();
    disposeAll(model, xs, ys);
  });

  it('follows the optimizer a second fit uses after compile() replaced it, and restores both', async () => {
    const { xs, ys } = loadIris();
    const model = classifier(3, tf.train.adam(0.02));
    const first = model.optimizer;
    const monitor = paramMonitor({ logger: false, gradients: true });
    await model.fit(xs, ys, { epochs: 1, batchSize: 50, callbacks: [monitor] });
    model.compile({ optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' });
    let hooked: boolean[] = [];
    await model.fit(xs, ys, {
      epochs: 1, batchSize: 50, callbacks: [monitor, new tf.CustomCallback({ onBatchEnd: () => { hooked = [isHooked(first), isHooked(model.optimizer)]; } })],
    });
    expect(hooked).toEqual([false, true]);
    expect([isHooked(first), isHooked(model.optimizer)]).toEqual([false, false]);
    const last = monitor.toJSON().snapshots.at(-1)!;
    expect(Object.values(last.gradients!).map((g) => [g.steps, g.step])).toEqual(Array(4).fill([3, 6]));
    await monitor.dispose();
    first.dispose();
    disposeAll(model, xs, ys);
  });

  it('wraps nothing when `gradients` is off', async () => {
    const { xs, ys } = loadIris();
    const model = classifier(3, tf.train.adam(0.02));
    let hookedDuringFit: boolean | null = null;
    const monitor = paramMonitor({ logger: false });
    await model.fit(xs, ys, {
      epochs: 1, batchSize: 75, callbacks: [monitor, new tf.CustomCallback({ onBatchEnd: () => { hookedDuringFit = isHooked(model.optimizer); } })],
    });
    expect(hookedDuringFit).toBe(false);
    expect(monitor.toJSON().snapshots.some((s) => s.gradients !== undefined)).toBe(false);
    await monitor.dispose();
    disposeAll(model, xs, ys);
  });
});

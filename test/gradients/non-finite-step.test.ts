/**
 * A bad batch (one NaN feature) with `gradients: true`: with `stopOn: ['gradient-non-finite']`
 * the step is not applied, so every weight after `fit` is finite and equal to the weights before
 * that step, and training stops with a `gradient-non-finite` alert naming the weight and the
 * step; without it, the alert comes at the next snapshot (and the weights are NaN, as before).
 */
import * as tf from '@tensorflow/tfjs';
import { paramMonitor } from '../../src/monitor';
import type { Alert } from '../../src/history-types';
import { isHooked } from '../../src/training/optimizer-hook';
import { TEST_BACKENDS } from '../helpers/backends';
import { loadIris } from '../helpers/iris';
import { classifier, disposeAll } from './builders';
import { expectNoLeaks } from '../helpers/tensor-leaks';


/** Iris with one NaN feature in row 100: batch 4 (from 1) of the first epoch at batch size 30. */
function poisonedIris(): { xs: tf.Tensor2D; ys: tf.Tensor2D } {
  const { xs, ys } = loadIris();
  const values = xs.arraySync();
  values[100][2] = NaN;
  xs.dispose();
  return { xs: tf.tensor2d(values), ys };
}

const values = (model: tf.LayersModel) => model.weights.map((w) => Array.from(w.read().dataSync()));

describe.each(TEST_BACKENDS)('a NaN batch on the %s backend', (backend) => {
  beforeAll(async () => {
    await tf.setBackend(backend);
  });
  expectNoLeaks();

  it.each([['sgd', () => tf.train.sgd(0.1)], ['adam', () => tf.train.adam(0.01)]] as const)(
    'stopOn gradient-non-finite (%s): the step is skipped, every weight stays finite and equal to the weights before it',
    async (_name, makeOptimizer) => {
      const { xs, ys } = poisonedIris();
      const model = classifier(2, makeOptimizer());
      const before: number[][][] = [];
      const alerts: Alert[] = [];
      const monitor = paramMonitor({
        logger: false, gradients: true, stopOn: ['gradient-non-finite'], onAlert: (a) => alerts.push(a),
      });
      const history = await model.fit(xs, ys, {
        epochs: 3, batchSize: 30, shuffle: false,
        callbacks: [new tf.CustomCallback({ onBatchBegin: () => { before.push(values(model)); } }), monitor],
      });
      const after = values(model);
      expect(before).toHaveLength(4); // stopped after the fourth batch
      expect(after.flat().every(Number.isFinite)).toBe(true);
      expect(after).toEqual(before[3]);
      expect(history.epoch).toEqual([0]);
      const started = alerts.filter((a) => a.kind === 'gradient-non-finite' && a.status === 'started');
      expect(started.map((a) => [a.weight, a.severity, a.batch])).toEqual(
        model.weights.map((w) => [w.name, 'error', 4]));
      expect(started[0].message).toMatch(/the gradient of step 4 holds \d+ NaN and 0 Inf of \d+ elements/);
      expect(isHooked(model.optimizer)).toBe(false);
      await monitor.dispose();
      disposeAll(model, xs, ys);
    });

  it('without that stopOn, the alert comes at the next snapshot and names the steps', async () => {
    const { xs, ys } = poisonedIris();
    const model = classifier(2, tf.train.sgd(0.1));
    const alerts: Alert[] = [];
    const monitor = paramMonitor({ logger: false, gradients: true, onAlert: (a) => alerts.push(a) });
    await model.fit(xs, ys, { epochs: 1, batchSize: 30, shuffle: false, callbacks: [monitor] });
    const kinds = alerts.filter((a) => a.status === 'started').map((a) => a.kind);
    expect(kinds).toContain('gradient-non-finite');
    expect(kinds).toContain('non-finite');
    const first = alerts.find((a) => a.kind === 'gradient-non-finite')!;
    expect(first.epoch).toBe(1);
    // From the bad step on every gradient is NaN: the last step's (step 5) is too.
    expect(first.message).toMatch(/the gradient of step 5 holds \d+ NaN/);
    await monitor.dispose();
    disposeAll(model, xs, ys);
  });
});

/**
 * `trainOnBatch` on a plain classifier (iris), which calls no callback: `attach()` with no
 * argument hooks the model's own optimizer, counts every step, and the snapshots every
 * `everySteps` steps hold the weights of that step exactly (against float64), with no alert on
 * a healthy run; `detach()` leaves the optimizer as it was.
 */
import * as tf from '@tensorflow/tfjs';
import { paramMonitor } from '../../src';
import { isHooked } from '../../src/training/optimizer-hook';
import { TEST_BACKENDS } from '../helpers/backends';
import { loadIris } from '../helpers/iris';
import { copyWeights, stepSnapshotErrors, warnings, WeightCopies } from '../helpers/step-reference';
import { expectNoLeaks } from '../helpers/tensor-leaks';

function classifier(seed: number): tf.Sequential {
  const model = tf.sequential({ name: 'iris_classifier' });
  model.add(tf.layers.dense({ units: 8, activation: 'relu', inputShape: [4], kernelInitializer: tf.initializers.glorotUniform({ seed }) }));
  model.add(tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }) }));
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
  return model;
}

describe.each(TEST_BACKENDS)('trainOnBatch with attach() on the %s backend', (backend) => {
  beforeAll(async () => {
    await tf.setBackend(backend);
  });
  expectNoLeaks();

  it.each(['main', 'worker'] as const)('takes a snapshot every N steps with exact statistics, and detach() restores the optimizer (thread %s)', async (thread) => {
    const { xs, ys } = loadIris();
    const order = tf.tidy(() => tf.tensor1d(Array.from({ length: 150 }, (_, i) => (i * 53) % 150), 'int32'));
    const [bx, by] = [tf.gather(xs, order), tf.gather(ys, order)];
    const model = classifier(3);
    const monitor = paramMonitor({ model, everySteps: 4, logger: false, thread });
    await monitor.attach();
    expect(isHooked(model.optimizer)).toBe(true);
    const copies = new Map<number, WeightCopies>([[0, copyWeights(model)]]);
    const losses: number[] = [];
    for (let step = 1; step <= 30; step += 1) {
      const start = ((step - 1) % 5) * 30;
      const [x, y] = [bx.slice(start, 30), by.slice(start, 30)];
      losses.push(await model.trainOnBatch(x, y) as number);
      tf.dispose([x, y]);
      copies.set(step, copyWeights(model));
    }
    await monitor.detach();
    expect(isHooked(model.optimizer)).toBe(false);
    expect(Object.prototype.hasOwnProperty.call(model.optimizer, 'applyGradients')).toBe(false);

    const history = monitor.toJSON();
    expect(history.snapshots.map((s) => s.step)).toEqual([0, 4, 8, 12, 16, 20, 24, 28, 30]);
    expect(history.series.step).toEqual([0, 4, 8, 12, 16, 20, 24, 28, 30]);
    expect(history.snapshots.every((s) => s.epoch === 0 && s.batch === undefined)).toBe(true);
    expect(history.runs).toEqual([expect.objectContaining({ startStep: 0, endStep: 30 })]);
    expect(history.options.everySteps).toBe(4);
    expect(history.weights.every((w) => w.trainable)).toBe(true);
    expect(stepSnapshotErrors(history, copies)).toEqual([]);
    expect(warnings(history)).toEqual([]);
    expect(losses[losses.length - 1]).toBeLessThan(losses[0]); // it did train

    await monitor.dispose();
    tf.dispose([xs, ys, order, bx, by]);
    model.optimizer.dispose();
    model.dispose();
  });

  it('counts steps across attach() calls and takes snapshot() on demand', async () => {
    const { xs, ys } = loadIris();
    const model = classifier(5);
    const monitor = paramMonitor({ model, everySteps: 100, logger: false });
    await monitor.attach(model.optimizer);
    await model.trainOnBatch(xs, ys);
    await model.trainOnBatch(xs, ys);
    await monitor.snapshot();
    await monitor.detach();
    await model.trainOnBatch(xs, ys); // not watched: no step counted
    await monitor.attach();
    await model.trainOnBatch(xs, ys);
    await monitor.detach();
    await model.fit(xs, ys, { epochs: 1, batchSize: 150, verbose: 0, callbacks: [monitor] }); // the same monitor in fit
    await monitor.attach();
    await model.trainOnBatch(xs, ys);
    await monitor.detach();
    const history = monitor.toJSON();
    // As a second `fit` does, a second attach() takes no snapshot where the last one was taken:
    // the unwatched step shows in the drift of the next snapshot.
    expect(history.snapshots.map((s) => [s.epoch, s.step])).toEqual([[0, 0], [0, 2], [0, 3], [1, undefined], [1, 4]]);
    expect(history.runs.map((r) => [r.startStep, r.endStep])).toEqual([[0, 2], [2, 3], [undefined, undefined], [3, 4]]);
    expect(history.alerts.filter((a) => a.severity !== 'info')).toEqual([]);
    await monitor.dispose();
    tf.dispose([xs, ys]);
    model.optimizer.dispose();
    model.dispose();
  });
});

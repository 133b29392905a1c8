/**
 * The optimizer hook: it sees every step's gradients in both `applyGradients` forms, passes the
 * argument on untouched (same weights as an unhooked run, with Adam's positional slots), can skip
 * a step, survives a throwing listener, and leaves the optimizer exactly as it was.
 */
import * as tf from '@tensorflow/tfjs';
import { hookOptimizer, isHooked, StepGradient } from '../../src/training/optimizer-hook';
import { loadIris } from '../helpers/iris';
import { expectNoLeaks } from '../helpers/tensor-leaks';
import { TEST_BACKENDS } from '../helpers/backends';

function classifier(seed: number): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.dense({
    units: 8, activation: 'relu', inputShape: [4], kernelInitializer: tf.initializers.glorotUniform({ seed }),
  }));
  model.add(tf.layers.dense({
    units: 3, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }),
  }));
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
  return model;
}

const values = (model: tf.LayersModel) => model.weights.map((w) => Array.from(w.read().dataSync()));
const noErrors = (e: unknown) => { throw e; };

describe.each(TEST_BACKENDS)('hookOptimizer on the %s backend', (backend) => {
  beforeAll(async () => {
    await tf.setBackend(backend);
  });
  expectNoLeaks();

  it('sees every fit step in the variable order and trains exactly as without it (Adam)', async () => {
    const { xs, ys } = loadIris();
    const plain = classifier(7);
    const hooked = classifier(7);
    const seen: string[][] = [];
    const unhook = hookOptimizer(hooked.optimizer, {
      beforeApply: (step) => { seen.push(step.gradients.map((g) => g.name)); },
      onListenerError: noErrors,
    });
    await plain.fit(xs, ys, { epochs: 2, batchSize: 50, shuffle: false, verbose: 0 });
    await hooked.fit(xs, ys, { epochs: 2, batchSize: 50, shuffle: false, verbose: 0 });
    unhook();

    expect(seen).toHaveLength(6);
    for (const names of seen) expect(names).toEqual(hooked.trainableWeights.map((w) => w.name));
    expect(values(hooked)).toEqual(values(plain));
    tf.dispose([xs, ys]);
    for (const model of [plain, hooked]) {
      model.optimizer.dispose();
      model.dispose();
    }
  });

  it('passes a map of gradients on untouched and sees the same tensors (custom loop)', () => {
    const w = tf.tidy(() => tf.variable(tf.tensor1d([1, -2, 3]), true, `hook_map_${backend}`));
    const optimizer = tf.train.sgd(0.5);
    const seen: StepGradient[][] = [];
    const unhook = hookOptimizer(optimizer, {
      afterApply: (step, applied) => { expect(applied).toBe(true); seen.push([...step.gradients]); },
      onListenerError: noErrors,
    });
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(w)), [w]);
    optimizer.applyGradients(grads);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toEqual([{ name: w.name, tensor: grads[w.name] }]);
    expect(seen[0][0].tensor).toBe(grads[w.name]);
    expect(Array.from(w.dataSync())).toEqual([0, 0, 0]); // w - 0.5 * 2w
    unhook();
    tf.dispose([value, grads as unknown as tf.Tensor[], w]);
    optimizer.dispose();
  });

  it("skips a step when a listener says 'skip': weights and iterations stay", () => {
    const w = tf.tidy(() => tf.variable(tf.tensor1d([1, 2]), true, `hook_skip_${backend}`));
    const optimizer = tf.train.adam(0.1);
    const applied: boolean[] = [];
    const unhook = hookOptimizer(optimizer, {
      beforeApply: () => 'skip',
      afterApply: (_step, wasApplied) => { applied.push(wasApplied); },
      onListenerError: noErrors,
    });
    const cost = optimizer.minimize(() => tf.sum(tf.square(w)), true, [w]);
    expect(applied).toEqual([false]);
    expect(Array.from(w.dataSync())).toEqual([1, 2]);
    expect(optimizer.iterations).toBe(0);
    unhook();
    tf.dispose([cost!, w]);
    optimizer.dispose();
  });

  it('keeps training when a listener throws, and hands the error to that listener', () => {
    const w = tf.tidy(() => tf.variable(tf.scalar(4), true, `hook_throw_${backend}`));
    const optimizer = tf.train.sgd(0.25);
    const errors: unknown[] = [];
    const unhook = hookOptimizer(optimizer, {
      beforeApply: () => { throw new Error('listener failed'); },
      onListenerError: (e) => errors.push(e),
    });
    tf.dispose(optimizer.minimize(() => tf.square(w), true, [w])!);
    expect(errors).toEqual([new Error('listener failed')]);
    expect(w.dataSync()[0]).toBe(2); // 4 - 0.25 * 8
    unhook();
    w.dispose();
    optimizer.dispose();
  });

  it('wraps once for several listeners and restores the optimizer exactly when the last goes', () => {
    const optimizer = tf.train.adam(0.01);
    const prototypeMethod = Object.getPrototypeOf(optimizer).applyGradients;
    expect(Object.getOwnPropertyDescriptor(optimizer, 'applyGradients')).toBeUndefined();
    const calls: string[] = [];
    const first = hookOptimizer(optimizer, { afterApply: () => { calls.push('a'); }, onListenerError: noErrors });
    const wrapper = optimizer.applyGradients;
    const second = hookOptimizer(optimizer, { afterApply: () => { calls.push('b'); }, onListenerError: noErrors });
    expect(optimizer.applyGradients).toBe(wrapper);
    expect(isHooked(optimizer)).toBe(true);
    expect(optimizer instanceof tf.Optimizer).toBe(true);

    const w = tf.tidy(() => tf.variable(tf.scalar(1), true, `hook_two_${backend}`));
    tf.dispose(optimizer.minimize(() => tf.square(w), true, [w])!);
    expect(calls).toEqual(['a', 'b']);
    first();
    first(); // idempotent: does not remove the other listener
    tf.dispose(optimizer.minimize(() => tf.square(w), true, [w])!);
    expect(calls).toEqual(['a', 'b', 'b']);
    second();
    expect(Object.getOwnPropertyDescriptor(optimizer, 'applyGradients')).toBeUndefined();
    expect(optimizer.applyGradients).toBe(prototypeMethod);
    expect(isHooked(optimizer)).toBe(false);
    w.dispose();
    optimizer.dispose();
  });

  it('restores an own applyGradients the optimizer had before', () => {
    const optimizer = tf.train.sgd(0.1);
    const own = function ownApply(this: tf.Optimizer, g: Parameters<tf.Optimizer['applyGradients']>[0]) {
      return Object.getPrototypeOf(this).applyGradients.call(this, g);
    };
    optimizer.applyGradients = own;
    const unhook = hookOptimizer(optimizer, { onListenerError: noErrors });
    expect(optimizer.applyGradients).not.toBe(own);
    unhook();
    expect(optimizer.applyGradients).toBe(own);
    optimizer.dispose();
  });

  it('names what it got when it is not given an optimizer', () => {
    expect(() => hookOptimizer({} as tf.Optimizer, { onListenerError: noErrors }))
      .toThrow(/Expected a tfjs optimizer .*but got Object/);
    expect(() => hookOptimizer(null as unknown as tf.Optimizer, { onListenerError: noErrors }))
      .toThrow(/but got null/);
  });
});

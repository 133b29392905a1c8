/**
 * "Trainable" is what the model's own training updates, as compiled, for `fit` too: the GAN
 * freeze pattern (compile, then `model.trainable = false`) with `fit` keeps training the layers
 * of a nested model that `compile` collected, and the monitor raises no `changed-while-frozen`
 * on them; the census says trainable exactly for the weights that changed. A layer unfrozen
 * after compile (never collected) is still reported trainable but not optimized, so `frozen`
 * says to recompile.
 */
import * as tf from '@tensorflow/tfjs';
import { paramMonitor } from '../../src';
import { TEST_BACKENDS } from '../helpers/backends';
import { loadIris } from '../helpers/iris';
import { copyWeights } from '../helpers/step-reference';
import { expectNoLeaks } from '../helpers/tensor-leaks';

function nested(seed: number): tf.LayersModel {
  const base = tf.sequential({ name: `base${seed}` });
  base.add(tf.layers.dense({ units: 8, activation: 'relu', inputShape: [4], kernelInitializer: tf.initializers.glorotUniform({ seed }), name: `base${seed}_dense` }));
  const input = tf.input({ shape: [4] });
  const features = base.apply(input) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }), name: `head${seed}` }).apply(features) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out, name: `nested${seed}` });
}

describe.each(TEST_BACKENDS)('trainable as compiled, with fit, on the %s backend', (backend) => {
  beforeAll(async () => {
    await tf.setBackend(backend);
  });
  expectNoLeaks();

  it('frozen after compile: the layers fit still trains are trainable, and nothing is changed-while-frozen', async () => {
    const { xs, ys } = loadIris();
    const model = nested(1);
    model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
    model.trainable = false; // the GAN pattern, after compile
    const before = copyWeights(model);
    const monitor = paramMonitor({ logger: false });
    await model.fit(xs, ys, { epochs: 4, batchSize: 50, verbose: 0, callbacks: [monitor] });
    const after = copyWeights(model);
    const changed = [...before].filter(([name, v]) => v.some((x, i) => x !== (after.get(name) as Float32Array)[i])).map(([name]) => name);
    const history = monitor.toJSON();
    const names = (layer: string) => model.getLayer(layer).weights.map((w) => w.name).sort();
    expect(changed.sort()).toEqual(names('base1'));
    expect(history.weights.filter((w) => w.trainable).map((w) => w.name).sort()).toEqual(changed.sort());
    expect(history.alerts.filter((a) => a.kind === 'changed-while-frozen')).toEqual([]);
    expect(history.alerts.filter((a) => a.status === 'started').map((a) => `${a.kind} ${a.weight}`).sort())
      .toEqual(names('head1').map((name) => `frozen-by-design ${name}`));
    await monitor.dispose();
    tf.dispose([xs, ys]);
    model.optimizer.dispose();
    model.dispose();
  });

  it('unfrozen after compile: trainable, not optimized, and frozen says to recompile', async () => {
    const { xs, ys } = loadIris();
    const model = nested(3);
    model.getLayer('head3').trainable = false;
    model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
    model.getLayer('head3').trainable = true; // never collected: fit does not train it
    const monitor = paramMonitor({ logger: false });
    await model.fit(xs, ys, { epochs: 4, batchSize: 50, verbose: 0, callbacks: [monitor] });
    const history = monitor.toJSON();
    const head = history.weights.filter((w) => w.layer === 'head3');
    expect(head.map((w) => [w.trainable, w.optimized])).toEqual([[true, false], [true, false]]);
    const frozen = history.alerts.filter((a) => a.kind === 'frozen' && a.status === 'started');
    expect(frozen.map((a) => a.weight).sort()).toEqual(model.getLayer('head3').weights.map((w) => w.name).sort());
    expect(frozen[0].message).toMatch(/recompile the model/);
    await monitor.dispose();
    tf.dispose([xs, ys]);
    model.optimizer.dispose();
    model.dispose();
  });
});

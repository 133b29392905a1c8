/**
 * The custom-loop options and `attach()` refuse what cannot work, with messages that name the
 * option or say what to pass; a failure inside a step never reaches the loop; `dispose()` in the
 * middle of a loop frees the weights captured but not yet measured.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { paramMonitor } from '../../src';
import { isHooked } from '../../src/training/optimizer-hook';
import { expectNoLeaks } from '../helpers/tensor-leaks';

function tiny(name: string): tf.Sequential {
  const model = tf.sequential({ name });
  model.add(tf.layers.dense({ units: 2, inputShape: [3], kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }), name: `${name}_dense` }));
  return model;
}

describe('custom-loop options and attach()', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });
  expectNoLeaks();

  it.each([
    [{ everySteps: 0 }, /^The `everySteps` option must be an integer from 1 to \d+, but got 0\.$/],
    [{ everySteps: '5' }, /^The `everySteps` option must be an integer, but got "5"\.$/],
    [{ everySteps: 5, everyEpochs: 1 }, /^The `everySteps` and `everyEpochs` options cannot be combined/],
    [{ everySteps: 5, everyBatches: 10 }, /^The `everySteps` and `everyBatches` options cannot be combined/],
    [{ sharedWith: 'discriminator' }, /^The `sharedWith` option must be an array of tf.LayersModel, but got "discriminator"\.$/],
    [{ sharedWith: [{}] }, /^The `sharedWith` option must be an array of tf.LayersModel, but entry 0 is/],
  ])('rejects %p', (options, message) => {
    expect(() => paramMonitor({ logger: false, ...(options as object) })).toThrow(message);
  });

  it('names files after the model with {model}, and needs the model for it', async () => {
    expect(() => paramMonitor({ logger: false, output: 'runs/{model}.json' })).toThrow(
      /^The `output` option "runs\/\{model\}.json" names its file after the model with \{model\}, but there is no `model` option: pass paramMonitor\(\{ model, output \}\)\.$/);
    const model = tiny('runs/a'); // a name with a slash still writes one file, not a folder
    const monitor = paramMonitor({ model, logger: false, output: path.join(os.tmpdir(), 'pm-{model}.json') });
    await monitor.dispose(); // writes the output a last time
    const written = path.join(os.tmpdir(), 'pm-runs_a.json');
    expect(fs.existsSync(written)).toBe(true);
    fs.rmSync(written);
    model.dispose();
  });

  it('rejects the watched model in sharedWith', () => {
    const model = tiny('self_shared');
    expect(() => paramMonitor({ model, sharedWith: [model], logger: false })).toThrow(/^The `sharedWith` option lists the watched model itself \(entry 0, "self_shared"\)/);
    model.dispose();
  });

  it('says what attach() needs', async () => {
    expect(() => paramMonitor({ logger: false }).attach()).toThrow(/^attach\(\) needs the model: create the monitor with paramMonitor\(\{ model \}\)/);
    const model = tiny('uncompiled');
    const monitor = paramMonitor({ model, logger: false });
    expect(() => monitor.attach()).toThrow(/^attach\(\) with no argument attaches to the model's optimizer, but model "uncompiled" has none: compile it, or pass the optimizer/);
    expect(() => monitor.attach({} as tf.Optimizer)).toThrow(/^attach\(\) takes a tfjs optimizer \(e.g. tf.train.adam\(\)\), but got/);
    const optimizer = tf.train.sgd(0.1);
    await monitor.attach(optimizer);
    expect(() => monitor.attach(optimizer)).toThrow(/attach\(\) was called twice; call detach\(\) before attaching to another optimizer/);
    await monitor.detach();
    await monitor.dispose();
    expect(() => monitor.attach(optimizer)).toThrow(/this monitor was disposed/);
    optimizer.dispose();
    model.dispose();
  });

  it('keeps a failure inside a step out of the loop, as a monitor-error alert', async () => {
    const model = tiny('failing');
    const optimizer = tf.train.sgd(0.1);
    const monitor = paramMonitor({ model, logger: false });
    await monitor.attach(optimizer);
    // The model disposed while the monitor is attached: copying its weights inside the step fails.
    model.dispose();
    const v = tf.tidy(() => tf.variable(tf.ones([2]), true, 'unrelated_weight'));
    expect(() => optimizer.minimize(() => v.square().sum() as tf.Scalar)).not.toThrow();
    const alerts = monitor.toJSON().alerts;
    expect(alerts.map((a) => [a.kind, a.status, a.step])).toEqual([['monitor-error', 'started', 1]]);
    expect(alerts[0].message).toMatch(/^tfjs-param-monitor failed inside an optimizer step: .*disposed.*\. Training goes on\.$/);
    await monitor.dispose();
    v.dispose();
    optimizer.dispose();
  });

  it('snapshot() works outside any training too: the census, then the weights now', async () => {
    const model = tiny('not_trained');
    const monitor = paramMonitor({ model, logger: false });
    await monitor.snapshot();
    const history = monitor.toJSON();
    expect(history.snapshots.map((s) => [s.epoch, s.step])).toEqual([[0, undefined]]);
    expect(history.runs).toEqual([]);
    expect(history.weights.map((w) => w.name)).toEqual(model.weights.map((w) => w.name));
    await monitor.dispose();
    model.dispose();
  });

  it('dispose() in the middle of a loop detaches and frees what it captured', async () => {
    const model = tiny('disposed_mid_loop');
    const optimizer = tf.train.sgd(0.1);
    const monitor = paramMonitor({ model, logger: false });
    await monitor.attach(optimizer);
    const [x, y] = [tf.ones([4, 3]), tf.ones([4, 2])];
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i += 1) {
      optimizer.minimize(() => tf.losses.meanSquaredError(y, model.apply(x) as tf.Tensor) as tf.Scalar);
    }
    expect(tf.memory().numTensors).toBeGreaterThan(before); // 5 captured snapshots, not yet measured
    await monitor.dispose(); // before the loop yielded: nothing measured, everything freed
    expect(isHooked(optimizer)).toBe(false);
    await Promise.resolve();
    await new Promise((resolve) => setImmediate(resolve));
    expect(monitor.toJSON().snapshots.map((s) => s.step)).toEqual([0]);
    tf.dispose([x, y]);
    optimizer.dispose();
    model.dispose();
  });
});

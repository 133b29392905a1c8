/**
 * Real `model.fit` / `fitDataset` runs with the monitor attached, on the cpu and wasm backends:
 * snapshot timing, coverage of every weight, census, copies that do not change in place,
 * several fits, other callbacks, and tensor bookkeeping.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { paramMonitor, ParamMonitor } from '../src';
import { loadMnist, mnistBatches } from './helpers/mnist';
import { expectNoLeaks } from './helpers/tensor-leaks';
import { TEST_BACKENDS } from './helpers/backends';


function mlp(): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 16, activation: 'relu', inputShape: [784] }));
  model.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  return model;
}

function weightArrays(model: tf.LayersModel): Map<string, Float64Array> {
  return new Map(model.weights.map((w) => [w.name, Float64Array.from(w.read().dataSync())]));
}

const norm = (a: Float64Array) => Math.sqrt(a.reduce((s, v) => s + v * v, 0));
const distance = (a: Float64Array, b: Float64Array) => Math.sqrt(a.reduce((s, v, i) => s + (v - b[i]) ** 2, 0));
const sizeOf = (ws: tf.LayerVariable[]) => ws.reduce((s, w) => s + w.shape.reduce((a: number, b) => a * (b ?? 0), 1), 0);

/** Records the live tensor count after each epoch, once the monitor has run. */
function tensorProbe(counts: number[]): tf.CustomCallback {
  return new tf.CustomCallback({ onEpochEnd: async () => { counts.push(tf.memory().numTensors); } });
}

describe.each(TEST_BACKENDS)('model.fit on the %s backend', (backend) => {
  beforeAll(async () => {
    await tf.setBackend(backend);
  });
  expectNoLeaks();

  it('snapshots the initial weights and every epoch, measured exactly, without growing memory', async () => {
    const { xs, ys } = loadMnist(256, { flat: true });
    const model = mlp();
    const initial = weightArrays(model);
    const monitor = paramMonitor({ logger: false, bins: 8 });
    const counts: number[] = [];
    await model.fit(xs, ys, { verbose: 0, epochs: 3, batchSize: 64, callbacks: [monitor, tensorProbe(counts)] });
    const history = monitor.toJSON();

    expect(history.snapshots.map((s) => s.epoch)).toEqual([0, 1, 2, 3]);
    const names = model.weights.map((w) => w.name);
    expect(history.weights.map((w) => w.name)).toEqual(names);
    for (const snap of history.snapshots) expect(Object.keys(snap.stats)).toEqual(names);
    expect(history.snapshots[0].stats[names[0]].drift).toBeUndefined();

    // The last snapshot describes the weights as they are now; fromStart uses untouched copies.
    const final = weightArrays(model);
    for (const name of names) {
      const now = final.get(name)!;
      const start = initial.get(name)!;
      const stats = history.snapshots[3].stats[name];
      const mean = now.reduce((s, v) => s + v, 0) / now.length;
      expect(Math.abs(stats.mean! - mean)).toBeLessThan(1e-6 * Math.max(1, ...now.map(Math.abs)));
      expect(stats.l2Norm!).toBeCloseTo(norm(now), 4);
      if (norm(start) > 0) expect(stats.fromStart!.relative!).toBeCloseTo(distance(now, start) / norm(start), 4);
      expect(stats.drift!.changedFraction).toBeGreaterThan(0);
      expect(stats.histogram.counts.reduce((a, b) => a + b, 0)).toBe(now.length);
    }
    // No growth from epoch to epoch; on the host engine the copies are host arrays, not tensors.
    expect(counts).toEqual([counts[0], counts[0], counts[0]]);
    const during = tf.memory().numTensors;
    expect(history.environment.backend).toBe(backend);
    expect(history.environment.tfjsVersion).toBe(tf.version.tfjs);
    expect(history.environment.gpu).toBe(false);
    expect(history.environment.statsPath).toBe('host'); // 'auto' on a host-memory backend
    expect(history.runs).toHaveLength(1);
    expect(history.runs[0]).toMatchObject({ startEpoch: 0, endEpoch: 3 });
    await monitor.dispose();
    expect(tf.memory().numTensors).toBe(during);
    await monitor.dispose(); // idempotent
    expect(tf.memory().numTensors).toBe(during);
    tf.dispose([xs, ys]);
    model.dispose();
  });

  it('the device and host engines record the same history', async () => {
    const { xs, ys } = loadMnist(128, { flat: true });
    const run = async (statsOn: 'device' | 'host', weights: tf.Tensor[]) => {
      const model = mlp();
      model.setWeights(weights);
      const monitor = paramMonitor({ logger: false, statsOn, bins: 10 });
      await model.fit(xs, ys, { verbose: 0, epochs: 2, batchSize: 32, shuffle: false, callbacks: [monitor] });
      const history = monitor.toJSON();
      await monitor.dispose();
      model.dispose();
      return history;
    };
    const template = mlp();
    const weights = template.getWeights().map((w) => w.clone());
    template.dispose();
    const device = await run('device', weights);
    const host = await run('host', weights);
    tf.dispose(weights);
    expect([device.environment.statsPath, host.environment.statsPath]).toEqual(['device', 'host']);
    expect(host.snapshots).toHaveLength(device.snapshots.length);
    const close = (a: number | null | undefined, b: number | null | undefined, scale: number) =>
      a === b || (a != null && b != null && Math.abs(a - b) <= 1e-5 * Math.max(Math.abs(a), Math.abs(b), scale));
    host.snapshots.forEach((snap, i) => {
      // two models, so two sets of variable names: weights are compared in order
      const deviceStats = Object.values(device.snapshots[i].stats);
      Object.values(snap.stats).forEach((h, j) => {
        const d = deviceStats[j];
        const scale = Math.max(Math.abs(d.min ?? 0), Math.abs(d.max ?? 0));
        expect([h.count, h.nanCount, h.zeroCount, h.min, h.max]).toEqual([d.count, d.nanCount, d.zeroCount, d.min, d.max]);
        for (const key of ['mean', 'std', 'absMean', 'l2Norm'] as const) expect(close(h[key], d[key], scale)).toBe(true);
        expect(close(h.drift?.relative, d.drift?.relative, 0)).toBe(true);
        expect(close(h.fromStart?.relative, d.fromStart?.relative, 0)).toBe(true);
        expect(h.drift?.changedFraction).toEqual(d.drift?.changedFraction);
        expect(h.histogram.counts.reduce((a, b) => a + b, 0)).toBe(d.histogram.counts.reduce((a, b) => a + b, 0));
      });
    });
    tf.dispose([xs, ys]);
  });

  it('continues the history across several fit calls, next to earlyStopping', async () => {
    const { xs, ys } = loadMnist(128, { flat: true });
    const model = mlp();
    const monitor = paramMonitor({ logger: false });
    await model.fit(xs, ys, { verbose: 0, epochs: 2, batchSize: 64, callbacks: [monitor] });
    await model.fit(xs, ys, {
      epochs: 50, batchSize: 64, validationSplit: 0.25,
      callbacks: [tf.callbacks.earlyStopping({ monitor: 'val_loss', patience: 0, minDelta: 10 }), monitor],
    });
    const history = monitor.toJSON();
    // earlyStopping with minDelta 10 stops after the second epoch of the second fit.
    expect(history.snapshots.map((s) => s.epoch)).toEqual([0, 1, 2, 3, 4]);
    expect(history.runs.map((r) => [r.startEpoch, r.endEpoch])).toEqual([[0, 2], [2, 4]]);
    // The first snapshot of the second fit has drift against the last one of the first fit.
    expect(history.snapshots[3].stats[model.weights[0].name].drift).toBeDefined();
    await monitor.dispose();
    tf.dispose([xs, ys]);
    model.dispose();
  });

  it('everyEpochs takes a snapshot every N epochs and one at training end', async () => {
    const { xs, ys } = loadMnist(64, { flat: true });
    const model = mlp();
    const monitor = paramMonitor({ logger: false, everyEpochs: 2 });
    await model.fit(xs, ys, { verbose: 0, epochs: 5, batchSize: 32, callbacks: [monitor] });
    expect(monitor.toJSON().snapshots.map((s) => s.epoch)).toEqual([0, 2, 4, 5]);
    await monitor.dispose();
    tf.dispose([xs, ys]);
    model.dispose();
  });

  it('everyBatches takes a snapshot every N batches and records the global batch count', async () => {
    const { xs, ys } = loadMnist(100, { flat: true });
    const model = mlp();
    const monitor = paramMonitor({ logger: false, everyBatches: 3 });
    await model.fit(xs, ys, { verbose: 0, epochs: 2, batchSize: 25, callbacks: [monitor] }); // 4 batches an epoch
    const snaps = monitor.toJSON().snapshots;
    expect(snaps.map((s) => [s.epoch, s.batch])).toEqual([[0, undefined], [0, 3], [1, 6], [2, 8]]);
    await monitor.dispose();
    tf.dispose([xs, ys]);
    model.dispose();
  });

  it('everyBatches: a snapshot on the last batch is the final one (no duplicate at training end)', async () => {
    const { xs, ys } = loadMnist(100, { flat: true });
    const model = mlp();
    const monitor = paramMonitor({ logger: false, everyBatches: 2 });
    await model.fit(xs, ys, { verbose: 0, epochs: 2, batchSize: 50, callbacks: [monitor] }); // 2 batches an epoch
    expect(monitor.toJSON().snapshots.map((s) => [s.epoch, s.batch])).toEqual([[0, undefined], [0, 2], [1, 4]]);
    await monitor.dispose();
    tf.dispose([xs, ys]);
    model.dispose();
  });

  it('a monitor disposed by another callback mid-run stops working and holds no tensor', async () => {
    const { xs, ys } = loadMnist(64, { flat: true });
    const model = mlp();
    const monitor = paramMonitor({ logger: false });
    const disposer = new tf.CustomCallback({ onEpochEnd: async (epoch) => { if (epoch === 0) await monitor.dispose(); } });
    await model.fit(xs, ys, { verbose: 0, epochs: 3, batchSize: 32, callbacks: [disposer, monitor] });
    expect(monitor.toJSON().snapshots.map((s) => s.epoch)).toEqual([0]);
    tf.dispose([xs, ys]);
    model.dispose(); // the file's leak check proves the monitor's copies went with dispose()
  });

  it('fitDataset with a generator dataset', async () => {
    const model = mlp();
    const monitor = paramMonitor({ logger: false });
    await model.fitDataset(mnistBatches(128, 32, { flat: true }), { verbose: 0, epochs: 2, callbacks: [monitor] });
    const history = monitor.toJSON();
    expect(history.snapshots.map((s) => s.epoch)).toEqual([0, 1, 2]);
    expect(history.model.totalParams).toBe(model.countParams());
    await monitor.dispose();
    model.dispose();
  });

  it('a functional model with a shared layer and a nested model: every variable once', async () => {
    const inner = tf.sequential({ name: 'inner' });
    inner.add(tf.layers.dense({ units: 4, inputShape: [6], activation: 'tanh', name: 'inner_dense' }));
    const shared = tf.layers.dense({ units: 6, name: 'shared' });
    const a = tf.input({ shape: [6] });
    const b = tf.input({ shape: [6] });
    const merged = tf.layers.add().apply([shared.apply(a) as tf.SymbolicTensor, shared.apply(b) as tf.SymbolicTensor]) as tf.SymbolicTensor;
    const out = tf.layers.dense({ units: 1, name: 'head' }).apply(inner.apply(merged)) as tf.SymbolicTensor;
    const model = tf.model({ inputs: [a, b], outputs: out });
    model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    const monitor = paramMonitor({ logger: false });
    const xa = tf.randomNormal([16, 6]);
    const xb = tf.randomNormal([16, 6]);
    const y = tf.randomNormal([16, 1]);
    await model.fit([xa, xb], y, { verbose: 0, epochs: 1, callbacks: [monitor] });
    const history = monitor.toJSON();
    const names = history.weights.map((w) => w.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names.sort()).toEqual(model.weights.map((w) => w.name).sort());
    expect(history.model.totalParams).toBe(model.countParams());
    expect(history.model.layers.map((l) => l.name)).toEqual(expect.arrayContaining(['shared', 'inner_dense', 'head']));
    expect(history.weights.find((w) => w.layer === 'inner_dense')).toBeDefined();
    await monitor.dispose();
    tf.dispose([xa, xb, y]);
    model.dispose();
    // tfjs counts a layer applied twice twice, so model.dispose() leaves its weights alive.
    shared.dispose();
  });

  it('an LSTM layer (several weights per layer)', async () => {
    const model = tf.sequential();
    model.add(tf.layers.lstm({ units: 3, inputShape: [5, 2] }));
    model.add(tf.layers.dense({ units: 1 }));
    model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
    const monitor = paramMonitor({ logger: false });
    const x = tf.randomNormal([8, 5, 2]);
    const y = tf.randomNormal([8, 1]);
    await model.fit(x, y, { verbose: 0, epochs: 2, callbacks: [monitor] });
    const history = monitor.toJSON();
    const lstm = history.model.layers.find((l) => l.class === 'LSTM')!;
    expect(lstm.weights).toHaveLength(3); // kernel, recurrent_kernel, bias
    expect(lstm.params).toBe(4 * 3 * (2 + 3 + 1));
    expect(history.model.totalParams).toBe(model.countParams());
    expect(Object.keys(history.snapshots[2].stats)).toHaveLength(model.weights.length);
    await monitor.dispose();
    tf.dispose([x, y]);
    model.dispose();
  });

  it('records trainable as false when the layer or the variable says so, and what compile collected', async () => {
    const model = tf.sequential();
    model.add(tf.layers.dense({ units: 3, inputShape: [4], trainable: false, name: `${backend}_built_frozen` }));
    model.add(tf.layers.dense({ units: 3, name: `${backend}_trained` }));
    model.add(tf.layers.dense({ units: 2, name: `${backend}_later_unfrozen`, trainable: false }));
    model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    model.layers[2].trainable = true; // after compile, without recompiling
    const monitor = paramMonitor({ logger: false });
    const x = tf.randomNormal([8, 4]);
    const y = tf.randomNormal([8, 2]);
    await model.fit(x, y, { verbose: 0, epochs: 1, callbacks: [monitor] });
    const history = monitor.toJSON();
    const kernel = (layer: string) => history.weights.find((w) => w.name === `${backend}_${layer}/kernel`)!;
    expect(kernel('built_frozen')).toMatchObject({ trainable: false, layerTrainable: false, variableTrainable: true, optimized: false });
    expect(kernel('trained')).toMatchObject({ trainable: true, optimized: true, movingStatistic: false });
    expect(kernel('later_unfrozen')).toMatchObject({ trainable: true, layerTrainable: true, optimized: false });
    expect(history.model).toMatchObject({ totalParams: 35, trainableParams: 20, nonTrainableParams: 15 });
    expect(history.model.trainableParams).toBe(sizeOf(model.trainableWeights));
    await monitor.dispose();
    tf.dispose([x, y]);
    model.dispose();
  });

  it('works next to a plain-object callback when given the model, and explains the failure without it', async () => {
    const { xs, ys } = loadMnist(32, { flat: true });
    const model = mlp();
    const plain = { onEpochEnd: async () => undefined }; // what tfvis.show.fitCallbacks() returns
    const lost = paramMonitor({ logger: false });
    await expect(model.fit(xs, ys, { verbose: 0, epochs: 1, callbacks: [plain, lost] as never }))
      .rejects.toThrow(/did not hand the model to the monitor.*paramMonitor\(\{ model \}\)/);
    await lost.dispose();
    const monitor = paramMonitor({ logger: false, model });
    await model.fit(xs, ys, { verbose: 0, epochs: 2, callbacks: [plain, monitor] as never });
    expect(monitor.toJSON().snapshots.map((s) => s.epoch)).toEqual([0, 1, 2]);
    expect(monitor).toBeInstanceOf(ParamMonitor);
    await monitor.dispose();
    tf.dispose([xs, ys]);
    model.dispose();
  });

  it('a disposed monitor refuses to start training, and says so', async () => {
    const { xs, ys } = loadMnist(32, { flat: true });
    const model = mlp();
    const monitor = paramMonitor({ logger: false });
    await monitor.dispose();
    await expect(model.fit(xs, ys, { verbose: 0, epochs: 1, callbacks: [monitor] })).rejects.toThrow(/disposed.*paramMonitor\(\)/);
    tf.dispose([xs, ys]);
    model.dispose();
  });
});

describe('layers whose gradients only the cpu backend has (wasm lacks conv and gather gradients)', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });
  expectNoLeaks();

  it('covers kernels, BN gamma/beta and its moving statistics', async () => {
    const { xs, ys } = loadMnist(64);
    const model = tf.sequential();
    model.add(tf.layers.conv2d({ filters: 4, kernelSize: 3, inputShape: [28, 28, 1], activation: 'relu' }));
    model.add(tf.layers.batchNormalization());
    model.add(tf.layers.maxPooling2d({ poolSize: 4 }));
    model.add(tf.layers.flatten());
    model.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
    model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
    const monitor = paramMonitor({ logger: false });
    await model.fit(xs, ys, { verbose: 0, epochs: 2, batchSize: 32, callbacks: [monitor] });
    const history = monitor.toJSON();
    const moving = history.weights.filter((w) => w.movingStatistic).map((w) => w.name.split('/').pop());
    expect(moving).toEqual(['moving_mean', 'moving_variance']);
    expect(history.weights.filter((w) => w.movingStatistic).every((w) => !w.trainable)).toBe(true);
    expect(history.model.totalParams).toBe(model.countParams());
    expect(history.model.nonTrainableParams).toBe(sizeOf(model.nonTrainableWeights));
    // moving statistics change while training even though nothing trains them
    const mm = history.weights.find((w) => w.name.endsWith('moving_mean'))!.name;
    expect(history.snapshots[1].stats[mm].drift!.changedFraction).toBeGreaterThan(0);
    await monitor.dispose();
    tf.dispose([xs, ys]);
    model.dispose();
  });
  it('an Embedding layer', async () => {
    const model = tf.sequential();
    model.add(tf.layers.embedding({ inputDim: 20, outputDim: 4, inputLength: 5 }));
    model.add(tf.layers.flatten());
    model.add(tf.layers.dense({ units: 1 }));
    model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
    const monitor = paramMonitor({ logger: false });
    const x = tf.tensor2d(Array.from({ length: 40 }, (_, i) => (i * 7) % 20), [8, 5]);
    const y = tf.randomNormal([8, 1]);
    await model.fit(x, y, { verbose: 0, epochs: 2, callbacks: [monitor] });
    const history = monitor.toJSON();
    const embedding = history.weights.find((w) => w.layerClass === 'Embedding')!;
    expect(embedding.shape).toEqual([20, 4]);
    expect(history.model.totalParams).toBe(model.countParams());
    // rows of tokens never seen keep their values: part of the table changed, not all of it
    const seen = new Set(Array.from({ length: 40 }, (_, i) => (i * 7) % 20)).size;
    expect(history.snapshots[1].stats[embedding.name].drift!.changedFraction).toBeCloseTo(seen / 20, 6);
    await monitor.dispose();
    tf.dispose([x, y]);
    model.dispose();
  });
});

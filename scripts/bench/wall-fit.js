// Wall-clock `fit` with a new monitor per fit, as a user trains (issue #15): 2,000 MNIST digits,
// batch 64, 2-epoch fits, each arm on a new model from the same initial weights, a new monitor (or
// callback) per fit, the arms in a new random order every round (Fisher-Yates). Ratio of an arm:
// the median over rounds of its fit time over the plain fit's in the same round, and the geometric
// mean of those per-round ratios with its 95% bootstrap interval. Arms:
// - `plainAgain`, a second plain fit: the control, whose ratio shows what noise alone reads
//   (a 5-round run once read 1.14-1.22x for every arm with a callback, and 0.84-1.14x for this
//   control in another; docs/performance.md);
// - every epoch, every 10 batches, every batch with `thread: 'worker'`, `'main'` and `'auto'`;
// - the device engine (`statsOn: 'device'`) every epoch and every batch (tensorflow);
// - tfjs-node's TensorBoard callback with histograms every epoch (tensorflow);
// - the floor: what no snapshot can avoid, at every batch: one `dataSync()` of each weight and one
//   fused JavaScript pass over it and its two copies (sum, sum of squares, min, max, zeros, both
//   squared differences), writing it over the previous copy.
// Run alone: `node --expose-gc scripts/bench/wall-fit.js [tensorflow|wasm] [demo|wide] [rounds] [arm,arm,...]`.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const tf = require('@tensorflow/tfjs');
const { paramMonitor } = require('../../dist');
const { median, collectGarbage } = require('./timing');
const { mnist } = require('./training');

const BATCH_SIZE = 64;
const EPOCHS = 2;

const MODELS = {
  /** The demo MLP, 784-128-10 (101,770 parameters). */
  demo: [128],
  /** The wide MLP, 784-1024-1024-10 (1.86M parameters). */
  wide: [1024, 1024],
};

function buildModel(hidden, weights) {
  const model = tf.sequential();
  hidden.forEach((units, i) => model.add(tf.layers.dense({ units, activation: 'relu', ...(i === 0 ? { inputShape: [784] } : {}) })));
  model.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  if (weights) model.setWeights(weights);
  return model;
}

/** The floor's callback: per batch, one dataSync of each weight and one fused pass over it and its copies. */
function floorCallback(model) {
  const copies = new Map();
  const acc = new Float64Array(7);
  const pass = (x, prev, init) => {
    let sum = 0; let sumSq = 0; let min = Infinity; let max = -Infinity; let zeros = 0; let dPrev = 0; let dInit = 0;
    for (let i = 0; i < x.length; i++) {
      const v = x[i];
      sum += v;
      sumSq += v * v;
      if (v < min) min = v;
      if (v > max) max = v;
      if (v === 0) zeros++;
      const p = v - prev[i];
      const q = v - init[i];
      dPrev += p * p;
      dInit += q * q;
      prev[i] = v;
    }
    acc[0] += sum; acc[1] += sumSq; acc[2] = min; acc[3] = max; acc[4] += zeros; acc[5] += dPrev; acc[6] += dInit;
  };
  return new (class extends tf.Callback {
    async onBatchEnd() {
      for (const w of model.trainableWeights) {
        const x = w.read().dataSync();
        let kept = copies.get(w.name);
        if (!kept) copies.set(w.name, kept = { prev: Float32Array.from(x), init: Float32Array.from(x) });
        pass(x, kept.prev, kept.init);
      }
    }
  })();
}

/** The arms run on `backend`: name -> function(model) returning { callbacks, done }. */
function arms(backend) {
  const monitor = (options) => (model) => {
    const m = paramMonitor({ model, logger: false, summary: false, ...options });
    return {
      callbacks: [m],
      done: () => { // the snapshots' own time on the training thread (computeMs), then dispose
        const ms = m.toJSON().snapshots.reduce((sum, snapshot) => sum + snapshot.computeMs, 0);
        m.dispose();
        return ms;
      },
    };
  };
  const list = {
    plain: () => ({ callbacks: [], done: () => {} }),
    plainAgain: () => ({ callbacks: [], done: () => {} }),
    floor: (model) => ({ callbacks: [floorCallback(model)], done: () => {} }),
    everyEpoch: monitor({}),
    every10Batches: monitor({ everyBatches: 10 }),
    everyBatchWorker: monitor({ everyBatches: 1, thread: 'worker' }),
    everyBatchMain: monitor({ everyBatches: 1, thread: 'main' }),
    everyBatchAuto: monitor({ everyBatches: 1 }),
  };
  if (backend === 'tensorflow') {
    const tfnode = require('@tensorflow/tfjs-node'); // eslint-disable-line global-require
    list.deviceEveryEpoch = monitor({ statsOn: 'device' });
    list.deviceEveryBatch = monitor({ statsOn: 'device', everyBatches: 1 });
    list.tensorBoard = () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wall-fit-tb-'));
      return { callbacks: [tfnode.node.tensorBoard(dir, { histogramFreq: 1 })], done: () => fs.rmSync(dir, { recursive: true, force: true }) };
    };
  }
  return list;
}

/** Wall ms of one fit, and the process's CPU ms (every thread: TensorFlow's pool, the worker). */
async function timedFit(model, xs, ys, callbacks) {
  collectGarbage();
  await new Promise((resolve) => setImmediate(resolve));
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  await model.fit(xs, ys, { epochs: EPOCHS, batchSize: BATCH_SIZE, callbacks, verbose: 0 });
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  const used = process.cpuUsage(cpu);
  return { wallMs, cpuMs: (used.user + used.system) / 1e3 };
}

/** A uniformly random order (Fisher-Yates; sorting by a random comparator is not uniform). */
function shuffled(items) {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i -= 1) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** Geometric mean of `ratios` and its 95% bootstrap interval (2,000 resamples). */
function geometricMeanCi(ratios) {
  const logs = ratios.map(Math.log);
  const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const resampled = [];
  for (let b = 0; b < 2000; b += 1) resampled.push(mean(logs.map(() => logs[Math.floor(Math.random() * logs.length)])));
  resampled.sort((a, b) => a - b);
  return { geometricMean: Math.exp(mean(logs)), ci95: [Math.exp(resampled[49]), Math.exp(resampled[1949])] };
}

/**
 * Ratios of fit wall time with each arm against the plain fit of the same round, on `backend`,
 * for the model `name`, over `rounds` rounds (after one warm-up round, not counted).
 */
async function wallFit(backend, name, rounds, { only = null, log = () => {} } = {}) {
  await tf.setBackend(backend);
  const { xs, ys } = mnist(2000);
  const initial = buildModel(MODELS[name]);
  const weights = initial.getWeights().map((w) => w.clone());
  initial.dispose();
  const all = arms(backend);
  const names = Object.keys(all).filter((a) => a === 'plain' || a === 'plainAgain' || !only || only.includes(a));
  const times = Object.fromEntries(names.map((a) => [a, []]));
  const cpuTimes = Object.fromEntries(names.map((a) => [a, []]));
  const snapshotShares = Object.fromEntries(names.map((a) => [a, []]));
  const loadStart = os.loadavg()[0];
  for (let round = -1; round < rounds; round++) {
    const order = shuffled(names);
    for (const arm of order) {
      const model = buildModel(MODELS[name], weights);
      const { callbacks, done } = all[arm](model);
      const { wallMs, cpuMs } = await timedFit(model, xs, ys, callbacks);
      const snapshotMs = done();
      model.dispose();
      if (round >= 0) {
        times[arm].push(wallMs);
        cpuTimes[arm].push(cpuMs);
        if (typeof snapshotMs === 'number') snapshotShares[arm].push(snapshotMs / wallMs);
      }
    }
    if (round >= 0) log(`${backend} ${name} round ${round + 1}/${rounds}: ${names.map((a) => `${a} ${times[a][round].toFixed(0)}`).join(', ')}`);
  }
  tf.dispose([xs, ys, ...weights]);
  const ratios = {};
  for (const arm of names) {
    const perRound = times[arm].map((ms, i) => ms / times.plain[i]);
    ratios[arm] = {
      medianMs: median(times[arm]),
      ratio: median(perRound),
      range: [Math.min(...perRound), Math.max(...perRound)],
      ...geometricMeanCi(perRound),
      // The process's CPU time (every thread), same method: the work done, less sensitive to load.
      medianCpuMs: median(cpuTimes[arm]),
      cpuRatio: median(cpuTimes[arm].map((ms, i) => ms / cpuTimes.plain[i])),
      // The monitor's snapshots' own time on the training thread, as a share of the same fit.
      snapshotShare: snapshotShares[arm].length > 0 ? median(snapshotShares[arm]) : null,
    };
  }
  return { backend, model: name, rounds, epochs: EPOCHS, digits: 2000, loadAverage: [loadStart, os.loadavg()[0]], arms: ratios };
}

module.exports = { wallFit, MODELS };

if (require.main === module) {
  const [backend = 'tensorflow', name = 'demo', rounds = '5', only] = process.argv.slice(2);
  if (backend === 'tensorflow') require('@tensorflow/tfjs-node'); // eslint-disable-line global-require
  else require('@tensorflow/tfjs-backend-wasm'); // eslint-disable-line global-require
  wallFit(backend, name, Number(rounds), { log: console.log, only: only ? only.split(',') : null }).then((r) => {
    console.log(`load average ${r.loadAverage.map((x) => x.toFixed(1)).join(' -> ')}`);
    for (const [arm, a] of Object.entries(r.arms)) {
      console.log(`${arm}: wall ${a.medianMs.toFixed(0)} ms, ${a.ratio.toFixed(3)}x (rounds ${a.range.map((x) => x.toFixed(2)).join('-')}; geometric mean ${a.geometricMean.toFixed(3)}x, 95% CI ${a.ci95.map((x) => x.toFixed(3)).join('-')}); process CPU ${a.medianCpuMs.toFixed(0)} ms, ${a.cpuRatio.toFixed(3)}x${a.snapshotShare === null ? '' : `; snapshots ${(100 * a.snapshotShare).toFixed(1)}% of the fit`}`);
    }
  });
}

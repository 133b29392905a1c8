// The every-batch overhead measured within one long fit, where the fit-time ratio (training.js) is
// too coarse to tell 4% from 6%: the monitor (a snapshot every batch) is on for a block of
// `block` batches, then off for as many, alternating, and each batch is timed from the end of the
// previous one (so a snapshot's cost, and whatever it leaves for the next training step, lands in
// its block; only the first batch of an off block can still pay for the on block before it, which
// makes the ratio an underestimate by at most that share). Ratio = geometric mean over the pairs
// of adjacent blocks of (mean batch time on) / (mean batch time off), with a 95% t interval; an
// A/A fit with both blocks off gives the resolution. Batches that start an epoch are not timed.
'use strict';
const tf = require('@tensorflow/tfjs');
const { paramMonitor } = require('../../dist');
const { geometricMeanCI } = require('./ratio-ci');
const { collectGarbage } = require('./timing');
const { demoModel, mnist } = require('./training');

/** Per block pair, the mean batch time with the monitor on over the mean with it off. */
async function blockRatios(xs, ys, { epochs, block, on }) {
  const model = demoModel();
  const monitor = paramMonitor({ logger: false, everyBatches: 1, model });
  const blocks = new Map();
  let batch = 0;
  let last = null;
  const driver = new tf.CustomCallback({
    onTrainBegin: () => monitor.onTrainBegin(),
    onBatchEnd: async () => {
      const id = Math.floor(batch / block);
      if (on && id % 2 === 0) await monitor.onBatchEnd();
      const now = process.hrtime.bigint();
      const cpu = process.cpuUsage();
      const cpuUs = cpu.user + cpu.system;
      if (last !== null) {
        if (!blocks.has(id)) blocks.set(id, { wall: 0, cpu: 0, n: 0 });
        const b = blocks.get(id);
        b.wall += Number(now - last.wall) / 1e6;
        b.cpu += (cpuUs - last.cpu) / 1e3;
        b.n += 1;
      }
      last = { wall: now, cpu: cpuUs };
      batch += 1;
    },
    onEpochEnd: async () => {
      last = null;
    },
  });
  collectGarbage();
  await model.fit(xs, ys, { epochs, batchSize: 64, callbacks: [driver] });
  const ratios = { wall: [], cpu: [] };
  for (const [id, b] of blocks) {
    const next = blocks.get(id + 1);
    if (id % 2 !== 0 || !next) continue;
    for (const key of ['wall', 'cpu']) ratios[key].push((b[key] / b.n) / (next[key] / next.n));
  }
  const snapshots = monitor.toJSON().series.epoch.length;
  await monitor.dispose();
  model.dispose();
  return { ratios, snapshots };
}

/**
 * The every-batch overhead on `backend` within long fits: { epochs, block, pairs, onOff: { wall,
 * cpu }, aa: { wall, cpu } } (each a geometricMeanCI result).
 */
async function withinFitOverhead(backend, { epochs = 100, block = 8, digits = 2048 } = {}) {
  await tf.setBackend(backend);
  const { xs, ys } = mnist(digits);
  await blockRatios(xs, ys, { epochs: 1, block, on: true }); // warm-up: kernels, JIT
  const measured = await blockRatios(xs, ys, { epochs, block, on: true });
  const aa = await blockRatios(xs, ys, { epochs, block, on: false });
  tf.dispose([xs, ys]);
  const ci = ({ ratios }) => ({ wall: geometricMeanCI(ratios.wall), cpu: geometricMeanCI(ratios.cpu) });
  return { backend, epochs, block, digits, pairs: measured.ratios.wall.length, onOff: ci(measured), aa: ci(aa) };
}

module.exports = { withinFitOverhead };

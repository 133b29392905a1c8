// Benchmarks, run as `npm run bench` (builds first; `-- --quick` for a short run, `-- --out FILE`
// for the JSON's path, default bench-results.json). Prints markdown tables of numbers measured in
// this one run, on this machine, for the README, and writes them all as JSON. Never a test.
//
// 1. The floor (one fused JS pass: sum, sum of squares, min, max, zeros) and a full snapshot of
//    one weight (every statistic, histogram, drift, fromStart) on each backend and engine, in ns
//    per parameter and as a multiple of the floor.
// 2. The peers' methods on the same weights: tfjs-vis `show.layer` statistics, tfjs-node's
//    TensorBoard one-hot histogram (time and peak tensor bytes).
// 3. Per-weight overhead: 1,000 weights of 1k elements against one of 1M.
// 4. Memory held by the snapshot store on the demo model, with and without fromStart.
// 5. Training overhead on the demo model: fit with and without the monitor, runs alternated.
'use strict';
const fs = require('fs');
const os = require('os');
const tf = require('@tensorflow/tfjs');
require('@tensorflow/tfjs-backend-wasm');
const { snapshotVsFloor, perWeightOverhead, peers, memoryHeld } = require('./bench/snapshot');
const { trainingOverhead, demoModel } = require('./bench/training');

const quick = process.argv.includes('--quick');
const outIndex = process.argv.indexOf('--out');
const outFile = outIndex > 0 ? process.argv[outIndex + 1] : 'bench-results.json';
const BACKENDS = ['wasm', 'cpu'];
const SIZES = quick ? [1e5, 1e6] : [1e5, 1e6, 1e7, 5e7];
/** The device engine takes ~2 µs per element on cpu: measured up to 1M. */
const DEVICE_MAX = 1e6;

const fmt = (x, d = 1) => (x === null || x === undefined ? 'n/a' : x.toFixed(d));
const mb = (bytes) => (bytes === null || bytes === undefined ? 'n/a' : `${(bytes / 2 ** 20).toFixed(1)} MB`);
const params = (n) => (n >= 1e6 ? `${n / 1e6}M` : `${n / 1e3}k`);
const table = (header, rows) => {
  console.log(`| ${header.join(' | ')} |`);
  console.log(`|${header.map(() => '---').join('|')}|`);
  for (const row of rows) console.log(`| ${row.join(' | ')} |`);
  console.log('');
};

(async () => {
  const results = {
    date: new Date().toISOString(), tfjs: tf.version.tfjs, node: process.version,
    cpu: os.cpus()[0].model, cores: os.cpus().length, loadAverage: os.loadavg(), quick,
    snapshot: [], peers: [], perWeight: [], memory: null, training: [],
  };
  console.log(`tfjs ${results.tfjs}, node ${results.node}, ${results.cores} x ${results.cpu}, load average ${results.loadAverage.map((x) => x.toFixed(1)).join(' ')}${quick ? ', --quick' : ''}\n`);

  for (const backend of BACKENDS) {
    await tf.setBackend(backend);
    for (const n of SIZES) {
      let host;
      try {
        host = await snapshotVsFloor(n, 'host');
      } catch (error) {
        console.log(`${backend}, ${params(n)}: ${error.message}`);
        continue;
      }
      const device = n <= DEVICE_MAX ? await snapshotVsFloor(n, 'device', 3) : null;
      results.snapshot.push({
        backend, n, floorMs: host.floorMs, hostMs: host.ms, hostRatio: host.ratio,
        deviceMs: device && device.ms, deviceRatio: device && device.ratio,
      });
      if (n <= 1e7) results.peers.push({ backend, n, hostMs: host.ms, ...(await peers(n)) });
    }
    results.perWeight.push({ backend, ...(await perWeightOverhead()) });
  }
  const ns = (ms, n) => (ms === null ? null : (ms * 1e6) / n);
  console.log('One snapshot of one weight: every statistic, histogram, drift and fromStart (ns per parameter, median; floor = one fused JS pass; x floor = median of per-round ratios, the two timed alternately):\n');
  table(['backend', 'parameters', 'floor', 'host engine', 'host / floor', 'device engine', 'device / floor'],
    results.snapshot.map((r) => [r.backend, params(r.n), fmt(ns(r.floorMs, r.n), 2), fmt(ns(r.hostMs, r.n), 2),
      `${fmt(r.hostRatio)}x`, fmt(ns(r.deviceMs, r.n), 0), r.deviceMs === null ? 'n/a' : `${fmt(r.deviceRatio, 0)}x`]));

  console.log('The peers\' methods on the same weight (median ms; peak tensor bytes from tf.profile):\n');
  table(['backend', 'parameters', 'this monitor (all statistics)', 'tfjs-vis show.layer (min, max, zeros, NaN)', 'TensorBoard one-hot histogram (tfjs-node)'],
    results.peers.map((r) => [r.backend, params(r.n), fmt(r.hostMs, 2), `${fmt(r.tfjsVis.ms, 2)} ms, ${mb(r.tfjsVis.peakBytes)}`,
      r.tensorBoard ? `${fmt(r.tensorBoard.ms, 1)} ms, ${mb(r.tensorBoard.peakBytes)}` : 'n/a (N x 30 floats)']));

  console.log('Per-weight overhead (host engine, one snapshot; the two timed alternately, ratio = median of per-round ratios):\n');
  table(['backend', '1 weight of 1M (ms)', '1,000 weights of 1k (ms)', 'ratio'],
    results.perWeight.map((r) => [r.backend, fmt(r.oneOf1MMs, 2), fmt(r.thousandOf1kMs, 2), fmt(r.ratio, 2)]));

  await tf.setBackend('cpu');
  const model = demoModel();
  const weightBytes = model.weights.reduce((s, w) => s + w.read().size * 4, 0);
  const held = await memoryHeld(model.weights.map((w) => w.read()));
  model.dispose();
  results.memory = { weightBytes, ...held };
  console.log('Memory held by the monitor on the demo model (bytes):\n');
  table(['model weights', 'copies held', 'copies / weights', 'whole wasm memory', 'with fromStart: false: copies', 'ratio', 'whole wasm memory'],
    [[weightBytes, held.fromStart, fmt(held.fromStart / weightBytes, 2), held.fromStartMemory,
      held.noFromStart, fmt(held.noFromStart / weightBytes, 2), held.noFromStartMemory]]);

  for (const backend of BACKENDS) {
    results.training.push(await trainingOverhead(backend, quick ? { digits: 500, rounds: 3 } : {}));
  }
  const t0 = results.training[0];
  console.log(`Training overhead: demo model (MLP 784-128-10, 101,770 parameters), ${t0.digits} MNIST digits, ${t0.epochs} epochs, batch 64; fit with / without the monitor, runs alternated, median of ${t0.rounds}:\n`);
  const settings = ['everyEpoch', 'every10Batches', 'everyBatch'];
  table(['backend', 'fit without (ms)', 'every epoch', 'every 10 batches', 'every batch', 'ms per snapshot (epoch / 10 / 1)', 'snapshot time / fit (epoch / 10 / 1)'],
    results.training.map((r) => [r.backend, fmt(r.plainMs, 0),
      ...settings.map((k) => `${fmt(r.settings[k].ratio, 3)}x`),
      settings.map((k) => fmt(r.settings[k].msPerSnapshot, 2)).join(' / '),
      settings.map((k) => `${fmt(100 * r.settings[k].snapshotShare, 1)}%`).join(' / ')]));

  results.loadAverageAfter = os.loadavg();
  fs.writeFileSync(outFile, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`load average after: ${results.loadAverageAfter.map((x) => x.toFixed(1)).join(' ')}; written to ${outFile}`);
})();

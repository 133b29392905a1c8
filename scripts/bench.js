// Benchmarks, run as `npm run bench` (builds first; `-- --quick` for a short run, `-- --out FILE`
// for the JSON's path, default bench-results.json; `-- --training-only` for part 5 alone,
// `-- --training-seconds N` for its time per backend, default 210 on wasm and 300 on cpu: its
// precision grows with the square root of the time). Prints markdown tables of numbers measured in
// this one run, on this machine, for the README, and writes them all as JSON. Never a test.
//
// 1. The floor (one fused JS pass: sum, sum of squares, min, max, zeros) and a full snapshot of
//    one weight (every statistic, histogram, drift, fromStart) on each backend and engine, in ns
//    per parameter and as a multiple of the floor.
// 2. The peers' methods on the same weights: tfjs-vis `show.layer` statistics, tfjs-node's
//    TensorBoard one-hot histogram (time and peak tensor bytes).
// 3. Per-weight overhead: 1,000 weights of 1k elements against one of 1M.
// 4. Memory held by the snapshot store on the demo model, with and without fromStart, with the
//    host engine on the training thread and on the measuring worker (whose staging memory adds
//    the weights' bytes once).
// 5. Training overhead on the demo model: the ratio of fit times with and without the monitor
//    (one-epoch fits alternated in rounds, 95% intervals, an A/A test for the resolution; see
//    bench/training.js), and the snapshots' own time as a share of a plain fit; then the every-
//    batch overhead within one long fit, with the host engine on each thread (bench/within-fit.js).
//    Times: wall, the training thread's CPU (on which the targets are judged: the measuring worker
//    runs on another core) and the process's CPU (the total CPU cost, the worker's included).
// 6. Wall-clock fit with a new monitor per fit, as a user trains (bench/wall-fit.js): the demo and
//    wide MLPs on tfjs-node's `tensorflow` backend (with the device engine, tfjs-node's TensorBoard
//    callback and the floor) and the demo MLP on wasm. `-- --wall-only` runs this part alone (and
//    updates only its numbers in the JSON); `-- --wall-rounds N`: N rounds on the demo model
//    (default 5), half on the wide one.
// Parts 1-3 also run on `tensorflow` when tfjs-node loads (`npm run setup:tfjs-node`).
'use strict';
const fs = require('fs');
const os = require('os');
const tf = require('@tensorflow/tfjs');
require('@tensorflow/tfjs-backend-wasm');
const { snapshotVsFloor, perWeightOverhead, peers, memoryHeld } = require('./bench/snapshot');
const { trainingOverhead, demoModel } = require('./bench/training');
const { withinFitOverhead } = require('./bench/within-fit');
const { threadCpuSource } = require('./bench/timing');
const { wallFit } = require('./bench/wall-fit');

/** Whether tfjs-node loads here (its `tensorflow` backend then joins parts 1-3 and 6). */
const TFJS_NODE = (() => {
  try {
    require('@tensorflow/tfjs-node'); // eslint-disable-line global-require
    return true;
  } catch {
    return false;
  }
})();

const quick = process.argv.includes('--quick');
const outIndex = process.argv.indexOf('--out');
const outFile = outIndex > 0 ? process.argv[outIndex + 1] : 'bench-results.json';
const trainingOnly = process.argv.includes('--training-only');
const wallOnly = process.argv.includes('--wall-only');
const secondsIndex = process.argv.indexOf('--training-seconds');
const trainingSeconds = secondsIndex > 0 ? Number(process.argv[secondsIndex + 1]) : null;
if (trainingSeconds !== null && !(trainingSeconds >= 0)) {
  throw new RangeError(`The \`--training-seconds\` option must be a number >= 0, but got ${process.argv[secondsIndex + 1]}.`);
}
/** Seconds of timed rounds per backend in part 5 (fits on cpu take 5x longer than on wasm). */
const TRAINING_SECONDS = { wasm: 210, cpu: 300 };
const BACKENDS = ['wasm', 'cpu'];
const SNAPSHOT_BACKENDS = TFJS_NODE ? [...BACKENDS, 'tensorflow'] : BACKENDS;
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
    // Where the training thread's CPU time is read: 'schedstat', or 'process' (no
    // /proc/thread-self/schedstat: the process's CPU time, the measuring worker's included).
    threadCpu: threadCpuSource(),
    snapshot: [], peers: [], perWeight: [], memory: null, training: [], withinFit: [], wallFit: [],
  };
  console.log(`tfjs ${results.tfjs}, node ${results.node}, ${results.cores} x ${results.cpu}, load average ${results.loadAverage.map((x) => x.toFixed(1)).join(' ')}${quick ? ', --quick' : ''}\n`);
  if (results.threadCpu === 'process') {
    console.log('No /proc/thread-self/schedstat here: "training-thread CPU" below is the process\'s CPU time, which counts the measuring worker too.\n');
  }

  if (!trainingOnly && !wallOnly) {
    for (const backend of SNAPSHOT_BACKENDS) {
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
    // Held in all: the whole wasm memory (the copies are in it), plus the staging memory on the worker.
    const memoryRows = ['main', 'worker'].flatMap((thread) => [true, false].map((fromStart) => {
      const m = thread === 'main' ? held : held.worker;
      const staging = thread === 'main' ? 0 : m.staging;
      const [copies, memory] = fromStart ? [m.fromStart, m.fromStartMemory] : [m.noFromStart, m.noFromStartMemory];
      return [thread === 'main' ? 'training thread' : 'worker', fromStart ? 'true' : 'false', copies, fmt(copies / weightBytes, 2),
        memory, staging, memory + staging, fmt((memory + staging) / weightBytes, 2)];
    }));
    console.log(`Memory held by the monitor on the demo model, whose weights are ${weightBytes} bytes (float32), after 3 snapshots (bytes):\n`);
    table(['host engine on', 'fromStart', 'copies held', 'copies / weights', 'whole wasm memory', 'staging (worker)', 'held in all', 'all / weights'], memoryRows);
  }

  if (!wallOnly) await trainingParts(results);
  await wallFitPart(results);

  results.loadAverageAfter = os.loadavg();
  if (wallOnly && fs.existsSync(outFile)) { // part 6 alone: keep the other parts' numbers
    const kept = JSON.parse(fs.readFileSync(outFile, 'utf8'));
    Object.assign(results, { ...kept, wallFit: results.wallFit, wallFitDate: results.date, wallFitLoadAverage: [results.loadAverage, results.loadAverageAfter] });
  }
  fs.writeFileSync(outFile, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`load average after: ${results.loadAverageAfter.map((x) => x.toFixed(1)).join(' ')}; written to ${outFile}`);
})();

/** Part 6: wall-clock fits with a new monitor per fit (see the header). */
async function wallFitPart(results) {
  const roundsIndex = process.argv.indexOf('--wall-rounds'); // rounds of the demo model (the wide one: half)
  const demoRounds = roundsIndex > 0 ? Number(process.argv[roundsIndex + 1]) : quick ? 2 : 5;
  const runs = [
    ...(TFJS_NODE ? [['tensorflow', 'demo', demoRounds], ['tensorflow', 'wide', Math.max(1, Math.ceil(demoRounds / 2))]] : []),
    ['wasm', 'demo', demoRounds],
  ];
  for (const [backend, model, rounds] of runs) results.wallFit.push(await wallFit(backend, model, rounds));
  const arm = (r, name) => (r.arms[name] ? `${fmt(r.arms[name].ratio, 2)} / ${fmt(r.arms[name].cpuRatio, 2)}` : 'n/a');
  console.log('Wall-clock fit with a new monitor per fit: 2,000 MNIST digits, batch 64, 2-epoch fits, the arms in a random order each round; '
    + 'ratio = median over rounds of the fit time over the plain fit\'s in the same round; a second plain fit is the control (what noise alone reads). Floor: at every batch, one dataSync() of each weight and one fused JS pass over it and its two copies. '
    + 'TB: tfjs-node\'s tensorBoard callback with histogramFreq 1. Each cell: wall ratio / process CPU ratio (every thread: the work done, less sensitive to other jobs than wall time). '
    + 'Load average (1 min) at the start and end of each row in the JSON.\n');
  table(['backend', 'model', 'rounds', 'plain fit (ms)', 'a second plain fit (the control)', 'every epoch', 'every 10 batches', 'every batch, worker', 'every batch, main', 'every batch, auto',
    'floor (every batch)', 'device engine, every epoch', 'device engine, every batch', 'TB histograms per epoch'],
  results.wallFit.map((r) => [r.backend, r.model, r.rounds, fmt(r.arms.plain.medianMs, 0), arm(r, 'plainAgain'), arm(r, 'everyEpoch'), arm(r, 'every10Batches'),
    arm(r, 'everyBatchWorker'), arm(r, 'everyBatchMain'), arm(r, 'everyBatchAuto'), arm(r, 'floor'),
    arm(r, 'deviceEveryEpoch'), arm(r, 'deviceEveryBatch'), arm(r, 'tensorBoard')]));
  const share = (r, name) => (r.arms[name] && r.arms[name].snapshotShare !== null ? `${fmt(100 * r.arms[name].snapshotShare, 1)}%` : 'n/a');
  console.log('The snapshots\' own time on the training thread (their computeMs), as a share of the same fit (median over rounds):\n');
  const monitorArms = ['everyEpoch', 'every10Batches', 'everyBatchWorker', 'everyBatchMain', 'everyBatchAuto', 'deviceEveryEpoch', 'deviceEveryBatch'];
  table(['backend', 'model', ...monitorArms], results.wallFit.map((r) => [r.backend, r.model, ...monitorArms.map((a) => share(r, a))]));
}

/** Parts 5: training overhead on the demo model, by CPU time, across fits and within one fit. */
async function trainingParts(results) {
  for (const backend of BACKENDS) {
    const seconds = trainingSeconds ?? (quick ? 0 : TRAINING_SECONDS[backend]);
    results.training.push(await trainingOverhead(backend, quick ? { digits: 500, maxRounds: 3, seconds } : { seconds }));
  }
  const t0 = results.training[0];
  const settings = ['everyEpoch', 'every10Batches', 'everyBatch'];
  const ci = (c) => `${fmt(c.ratio, 3)}x (${fmt(c.ci[0], 3)}-${fmt(c.ci[1], 3)})`;
  const pct = (x) => `${fmt(100 * x, 1)}%`;
  console.log(`Training overhead: demo model (MLP 784-128-10, 101,770 parameters), fits of one epoch of ${t0.digits} MNIST digits (${t0.batchesPerFit} batches of 64), `
    + 'in one chain with a fit without the monitor (A) between every two others: no monitor again (the A/A test) and the three settings, in a random order per round of four. '
    + 'Each arm trains its own model, one monitor per setting kept across its fits; a full GC before every fit. '
    + 'Ratio = geometric mean over the rounds of (the fit) / (geometric mean of the A fits either side), with a 95% interval (Student t on the log ratios); '
    + 'the A/A interval\'s half-width is the resolution. Each setting uses the default thread (auto): every 10 batches and every batch measure on the worker (on 2 cores or more), every epoch on the training thread. '
    + 'Targets judged on the training thread\'s CPU time (tfjs trains on it alone; the measuring worker runs on another core): '
    + 'met when the whole interval is under the target, missed when it is over, '
    + 'noise when it is wholly under 1 (the monitor only adds work; one interval in 40 does that by chance).\n');
  console.log('Fit time ratio, CPU time of the training thread:\n');
  table(['backend', 'rounds', 'fit without (CPU ms)', 'A/A (resolution)', 'every epoch (target < 1%)', 'every 10 batches (< 2%)', 'every batch (< 5%)'],
    results.training.map((r) => [r.backend, r.rounds, fmt(r.plainCpuMs, 0), `${ci(r.aa.cpu)}, ±${pct(r.aa.cpu.halfWidth)}`,
      ...settings.map((k) => `${ci(r.settings[k].cpu)} ${r.settings[k].verdict}`)]));
  const gradientSettings = ['gradientsEpoch', 'gradientsBatch', 'gradientsStopOn'];
  console.log('With `gradients: true` (issue #17), CPU time of the training thread, in the same chain:\n');
  table(['backend', 'gradients, every epoch (< 2%)', 'gradients, every batch (< 10%)', 'gradients + stopOn gradient-non-finite, every epoch (< 2%)'],
    results.training.map((r) => [r.backend, ...gradientSettings.map((k) => `${ci(r.settings[k].cpu)} ${r.settings[k].verdict}`)]));
  console.log('Fit time ratio, CPU time of the process (user + system, every thread: the total CPU cost, the measuring worker\'s and GC helpers\' included):\n');
  table(['backend', 'rounds', 'fit without (CPU ms)', 'A/A (resolution)', 'every epoch', 'every 10 batches', 'every batch'],
    results.training.map((r) => [r.backend, r.rounds, fmt(r.plainProcessCpuMs, 0), `${ci(r.aa.processCpu)}, ±${pct(r.aa.processCpu.halfWidth)}`,
      ...settings.map((k) => ci(r.settings[k].processCpu))]));
  console.log('Fit time ratio, wall time (includes waiting for a core while other jobs run):\n');
  table(['backend', 'rounds', 'fit without (wall ms)', 'A/A (resolution)', 'every epoch', 'every 10 batches', 'every batch'],
    results.training.map((r) => [r.backend, r.rounds, fmt(r.plainWallMs, 0), `${ci(r.aa.wall)}, ±${pct(r.aa.wall.halfWidth)}`,
      ...settings.map((k) => ci(r.settings[k].wall))]));
  console.log('The monitor\'s direct cost on the training thread, as a share of a plain fit (wall): the snapshots\' own time (their computeMs on the training thread: reading and measuring the weights, or, every batch on the worker, reading and copying them), and all the time spent in its callbacks (plus alert rules, history, logs):\n');
  table(['backend', 'snapshots per fit (epoch / 10 / 1)', 'ms per snapshot', 'snapshot time / fit', 'callback time / fit', 'training part (s)'],
    results.training.map((r) => [r.backend, settings.map((k) => fmt(r.settings[k].snapshotsPerFit, 1)).join(' / '),
      settings.map((k) => fmt(r.settings[k].msPerSnapshot, 2)).join(' / '),
      settings.map((k) => pct(r.settings[k].snapshotShare)).join(' / '),
      settings.map((k) => pct(r.settings[k].callbackShare)).join(' / '), fmt(r.seconds, 0)]));

  // Every batch within long fits (scripts/bench/within-fit.js), three fits per backend: 100 epochs on wasm, 30 on cpu.
  for (const backend of BACKENDS) {
    const epochs = quick ? 3 : { wasm: 100, cpu: 30 }[backend];
    results.withinFit.push(await withinFitOverhead(backend, { epochs }));
  }
  console.log('Every batch, within one long fit per thread the host engine measures on: the monitor on for 8 batches, off for 8, alternating; mean batch time on / off per pair of blocks, '
    + 'geometric mean with a 95% interval; A/A: one fit per backend with both blocks off. Target (< 5%) judged on the training thread\'s CPU time; '
    + 'the process\'s counts the measuring worker on another core too.\n');
  table(['backend', 'host engine on', 'epochs', 'block pairs', 'on / off, training-thread CPU (< 5%)', 'A/A, training-thread CPU',
    'on / off, process CPU', 'A/A, process CPU', 'on / off, wall', 'A/A, wall'],
    results.withinFit.flatMap((r) => ['main', 'worker'].map((thread) => {
      const onOff = r.onOff[thread];
      return [r.backend, thread === 'main' ? 'training thread' : 'worker', r.epochs, r.pairs, `${ci(onOff.cpu)} ${onOff.verdict}`, ci(r.aa.cpu),
        ci(onOff.processCpu), ci(r.aa.processCpu), ci(onOff.wall), ci(r.aa.wall)];
    })));
}

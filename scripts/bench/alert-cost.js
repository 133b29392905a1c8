// Cost of the alert rules per snapshot: recorded histories replayed through the alert engine
// (`AlertEngine.evaluate`, what the monitor runs after each snapshot), in µs per snapshot and per
// weight. Two workloads: the demo model (MLP 784-128-10, adam, a snapshot after every batch on
// wasm: 97 snapshots, recorded live by training it first) and every run of the alert corpus
// (test/fixtures/alert-corpus). Run from the repository root, after `npm run build`:
//
//   node scripts/bench/alert-cost.js [--engine <dist>]... [--rounds 15] [--no-demo] [--check]
//
// `--engine` (repeatable; default dist/) compares builds, e.g. an older commit's dist/ built to a
// temporary folder: they are timed alternately in one process, in a rotating order, so that all
// see the same load, and the table gives each one's median and its median per-round ratio to the
// first. `--check` only compares the alerts every engine raises on the corpus and the demo, under
// the default options and some others chosen to exercise edge cases, and exits 1 on a difference.
// Not a test: it measures, it does not assert (except under --check).
'use strict';
const path = require('path');
const { loadRuns } = require('../corpus/evaluate');
const { decode } = require('../corpus/fixture');
const { median } = require('./timing');

const args = process.argv.slice(2);
const dists = [];
let rounds = 15;
let demo = true;
let check = false;
for (let i = 0; i < args.length; i += 1) {
  if (args[i] === '--engine') dists.push(path.resolve(args[++i]));
  else if (args[i] === '--rounds') rounds = Number(args[++i]);
  else if (args[i] === '--no-demo') demo = false;
  else if (args[i] === '--check') check = true;
  else throw new RangeError(`Unknown argument ${JSON.stringify(args[i])}; see the comment at the top of ${__filename}.`);
}
if (dists.length === 0) dists.push(path.join(__dirname, '..', '..', 'dist'));

const engines = dists.map((dist) => ({
  dist,
  AlertEngine: require(path.join(dist, 'alerts', 'engine')).AlertEngine,
  validateAlertOptions: require(path.join(dist, 'alerts', 'options')).validateAlertOptions,
}));

/** The demo model trained with a snapshot after every batch, as scripts/bench/profile-fit.js does. */
async function recordDemo() {
  const tf = require('@tensorflow/tfjs');
  require('@tensorflow/tfjs-backend-wasm');
  const { paramMonitor } = require('../../dist');
  const { demoModel, mnist } = require('./training');
  await tf.setBackend('wasm');
  const { xs, ys } = mnist(1000);
  const model = demoModel();
  const monitor = paramMonitor({ logger: false, everyBatches: 1 });
  await model.fit(xs, ys, { epochs: 6, batchSize: 64, callbacks: [monitor] });
  const { weights, snapshots } = monitor.toJSON();
  await monitor.dispose();
  model.dispose();
  tf.dispose([xs, ys]);
  return { name: 'demo', weights, snapshots };
}

/** Every snapshot of `runs` through a fresh engine per run; returns the alerts, per run per snapshot. */
function replay(engine, runs, options = {}) {
  return runs.map(({ weights, snapshots }) => {
    const alertEngine = new engine.AlertEngine(engine.validateAlertOptions(options));
    alertEngine.setWeights(weights);
    return snapshots.map((snapshot) => alertEngine.evaluate(snapshot));
  });
}

/** Milliseconds to evaluate every snapshot of `runs`, `repeat` times, engines built beforehand. */
function timeReplay(engine, runs, repeat) {
  const prepared = [];
  for (let r = 0; r < repeat; r += 1) {
    for (const { weights, snapshots } of runs) {
      const alertEngine = new engine.AlertEngine(engine.validateAlertOptions({}));
      alertEngine.setWeights(weights);
      prepared.push({ alertEngine, snapshots });
    }
  }
  let raised = 0;
  const start = process.hrtime.bigint();
  for (const { alertEngine, snapshots } of prepared) {
    for (const snapshot of snapshots) raised += alertEngine.evaluate(snapshot).length;
  }
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (raised < 0) throw new Error('unreachable'); // keeps `raised` alive
  return ms;
}

// Options that exercise what the defaults rarely reach on short runs: a full window that slides,
// reminders, spikes checked from the first steps, no warmup, the factor alone.
const CHECK_OPTIONS = [
  {},
  { driftSpikeWindow: 5 },
  { driftSpikeMinHistory: 1, driftSpikeWindow: 2, driftWarmup: 0 },
  { driftSpikeSpread: 0, driftSpikeFactor: 1.5, driftFloor: 0 },
  { reminderEvery: 1, frozenPatience: 1, frozenTolerance: 0.01 },
  { driftThreshold: 0.05, growthThreshold: 1.01, vanishThreshold: 0.99, explodeThreshold: 0.5, deadThreshold: 0.01 },
];

function checkSame(workloads) {
  let differences = 0;
  let alerts = 0;
  for (const options of CHECK_OPTIONS) {
    for (const workload of workloads) {
      const [reference, ...others] = engines.map((engine) => JSON.stringify(replay(engine, workload.runs, options)));
      alerts += replay(engines[0], workload.runs, options).flat(2).length;
      others.forEach((text, i) => {
        if (text === reference) return;
        differences += 1;
        console.log(`DIFFERENT: ${engines[i + 1].dist} on ${workload.name} with ${JSON.stringify(options)}`);
      });
    }
  }
  console.log(`${CHECK_OPTIONS.length} option sets x ${workloads.length} workloads, ${alerts} alerts from the first engine: `
    + `${differences === 0 ? 'every engine raised exactly the same alerts' : `${differences} differences`}`);
  process.exitCode = differences === 0 ? 0 : 1;
}

/** A dist folder as short as it reads unambiguously. */
function label(dist) {
  const relative = path.relative(process.cwd(), dist);
  return relative.startsWith('..') ? dist : relative || '.';
}

function bench(workloads) {
  console.log(`${rounds} rounds, engines alternated in a rotating order; median µs (ratio: median of per-round ratios to the first engine)\n`);
  console.log('| workload | snapshots | weights per snapshot | engine | µs per snapshot | µs per weight | ratio |');
  console.log('|---|---:|---:|---|---:|---:|---:|');
  for (const workload of workloads) {
    const snapshots = workload.runs.reduce((n, run) => n + run.snapshots.length, 0);
    const weightSnapshots = workload.runs.reduce((n, run) => n + run.snapshots.reduce((m, s) => m + Object.keys(s.stats).length, 0), 0);
    // About 50 ms per timing for the slowest engine at the start (2,000 snapshots or more).
    const repeat = Math.max(1, Math.ceil(2000 / snapshots));
    for (const engine of engines) timeReplay(engine, workload.runs, repeat); // warm-up
    const times = engines.map(() => []);
    for (let round = 0; round < rounds; round += 1) {
      for (let k = 0; k < engines.length; k += 1) {
        const e = (round + k) % engines.length;
        times[e].push(timeReplay(engines[e], workload.runs, repeat) / repeat);
      }
    }
    engines.forEach((engine, e) => {
      const ms = median(times[e]);
      const ratio = median(times[e].map((t, round) => t / times[0][round]));
      console.log(`| ${workload.name} | ${snapshots} | ${(weightSnapshots / snapshots).toFixed(1)} | ${label(engine.dist)} `
        + `| ${(1000 * ms / snapshots).toFixed(2)} | ${(1000 * ms / weightSnapshots).toFixed(3)} | ${ratio.toFixed(3)} |`);
    });
  }
}

(async () => {
  const corpus = [...loadRuns('healthy'), ...loadRuns('failing')].map((run) => ({ name: run.name, ...decode(run) }));
  const workloads = [];
  if (demo) workloads.push({ name: 'demo (MLP 784-128-10, every batch, wasm)', runs: [await recordDemo()] });
  workloads.push({ name: `alert corpus (${corpus.length} runs)`, runs: corpus });
  if (check) checkSame(workloads);
  else bench(workloads);
})();

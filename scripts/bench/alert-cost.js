// `npm run bench:alerts`: what the alert rules cost per snapshot (`AlertEngine.evaluate`, which
// the monitor runs after each snapshot), in µs per snapshot and per weight. Run from the
// repository root, after `npm run build`:
//
//   node scripts/bench/alert-cost.js [--engine <dist>]... [--rounds n] [--no-demo] [--cold | --in-fit | --check]
//
// - default, warm: recorded histories replayed many times in this process, so the engine's code is
//   optimized: the demo model (MLP 784-128-10, adam, a snapshot after every batch on wasm: 97
//   snapshots of 4 weights, recorded by training it first) and every run of the alert corpus
//   (test/fixtures/alert-corpus).
// - --cold: the demo history replayed once by one engine in a fresh process (scripts/bench/
//   alert-cold.js), as in a short run, where V8 never optimizes the engine's code.
// - --in-fit: the demo model trained in a fresh process with each build's monitor, its `evaluate`
//   calls timed: the above, plus CPU caches emptied by the training step before every call.
// - --check: no timing; whether every engine raises exactly the same alerts (alert-check.js).
//
// `--engine` (repeatable; default dist/) compares builds, e.g. an older commit's, built in a git
// worktree (its dist/ must sit next to a package.json for --in-fit): they are timed alternately, in
// a rotating order, so that all see the same load on a shared machine, and the tables give each
// one's median and its median per-round ratio to the first. Not a test: it measures.
'use strict';
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { loadRuns } = require('../corpus/evaluate');
const { decode } = require('../corpus/fixture');
const { checkSame } = require('./alert-check');
const { trainDemo } = require('./alert-cold');
const { median } = require('./timing');

const ROOT = path.join(__dirname, '..', '..');
const args = process.argv.slice(2);
const dists = [];
let rounds = null;
let demo = true;
let mode = 'warm';
for (let i = 0; i < args.length; i += 1) {
  if (args[i] === '--engine') dists.push(path.resolve(args[++i]));
  else if (args[i] === '--rounds') rounds = Number(args[++i]);
  else if (args[i] === '--no-demo') demo = false;
  else if (['--cold', '--in-fit', '--check'].includes(args[i])) mode = args[i].slice(2);
  else throw new RangeError(`Unknown argument ${JSON.stringify(args[i])}; see the comment at the top of ${__filename}.`);
}
if (dists.length === 0) dists.push(path.join(ROOT, 'dist'));
rounds ??= mode === 'in-fit' ? 5 : 15;

const engines = dists.map((dist) => ({
  dist,
  AlertEngine: require(path.join(dist, 'alerts', 'engine')).AlertEngine,
  validateAlertOptions: require(path.join(dist, 'alerts', 'options')).validateAlertOptions,
}));

/** A dist folder as short as it reads unambiguously. */
function label(dist) {
  const relative = path.relative(process.cwd(), dist);
  return relative.startsWith('..') ? dist : relative || '.';
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

/** For each engine, `measure(engine)` once per round, engines in a rotating order. */
function alternate(measure) {
  const results = engines.map(() => []);
  for (let round = 0; round < rounds; round += 1) {
    for (let k = 0; k < engines.length; k += 1) {
      const e = (round + k) % engines.length;
      results[e].push(measure(engines[e]));
    }
  }
  return results;
}

function benchWarm(workloads) {
  console.log(`Warm: ${rounds} rounds, engines alternated; median µs (ratio: median of per-round ratios to the first engine)\n`);
  console.log('| workload | snapshots | weights per snapshot | engine | µs per snapshot | µs per weight | ratio |');
  console.log('|---|---:|---:|---|---:|---:|---:|');
  for (const workload of workloads) {
    const snapshots = workload.runs.reduce((n, run) => n + run.snapshots.length, 0);
    const weightSnapshots = workload.runs.reduce((n, run) => n + run.snapshots.reduce((m, s) => m + Object.keys(s.stats).length, 0), 0);
    // About 50 ms per timing for the slowest engine at the start (2,000 snapshots or more).
    const repeat = Math.max(1, Math.ceil(2000 / snapshots));
    for (const engine of engines) timeReplay(engine, workload.runs, repeat); // warm-up
    const times = alternate((engine) => timeReplay(engine, workload.runs, repeat) / repeat);
    engines.forEach((engine, e) => {
      const ms = median(times[e]);
      const ratio = median(times[e].map((t, round) => t / times[0][round]));
      console.log(`| ${workload.name} | ${snapshots} | ${(weightSnapshots / snapshots).toFixed(1)} | ${label(engine.dist)} `
        + `| ${(1000 * ms / snapshots).toFixed(2)} | ${(1000 * ms / weightSnapshots).toFixed(3)} | ${ratio.toFixed(3)} |`);
    });
  }
}

/** --cold and --in-fit: one child process per engine and round, each timing every `evaluate` call. */
function benchFresh(history) {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'alert-cost-')), 'demo-history.json');
  if (history !== null) fs.writeFileSync(file, JSON.stringify(history));
  const child = (engine) => JSON.parse(execFileSync(process.execPath, [
    path.join(__dirname, 'alert-cold.js'), mode === 'cold' ? 'replay' : 'fit', engine.dist, file,
  ], { env: { ...process.env, NODE_PATH: path.join(ROOT, 'node_modules') }, encoding: 'utf8' }));
  const runs = alternate(child);
  fs.rmSync(path.dirname(file), { recursive: true });
  const what = mode === 'cold' ? 'the demo history replayed once per fresh process'
    : 'the demo model trained once per fresh process, every batch';
  console.log(`${mode === 'cold' ? 'Cold' : 'In fit'}: ${what}; ${rounds} rounds, engines alternated. µs per evaluate call: `
    + 'median over the run, and the mean (what a profile adds up: the first call compiles the code, and a garbage '
    + 'collection can fall in any call); the median of the per-round values (ratio: of the per-round medians to the first engine\'s)\n');
  console.log('| engine | calls per run | median µs | mean µs | mean µs without the first call | ratio of medians |');
  console.log('|---|---:|---:|---:|---:|---:|');
  const perRun = runs.map((engineRuns) => engineRuns.map((times) => ({
    median: median(times),
    mean: times.reduce((a, b) => a + b, 0) / times.length,
    later: times.slice(1).reduce((a, b) => a + b, 0) / (times.length - 1),
    calls: times.length,
  })));
  engines.forEach((engine, e) => {
    const of = (key) => median(perRun[e].map((run) => run[key]));
    const ratio = median(perRun[e].map((run, round) => run.median / perRun[0][round].median));
    console.log(`| ${label(engine.dist)} | ${of('calls')} | ${of('median').toFixed(1)} | ${of('mean').toFixed(1)} `
      + `| ${of('later').toFixed(1)} | ${ratio.toFixed(3)} |`);
  });
}

(async () => {
  const corpus = [...loadRuns('healthy'), ...loadRuns('failing')].map((run) => ({ name: run.name, ...decode(run) }));
  const needsDemo = mode === 'cold' || (demo && mode !== 'in-fit');
  const demoRun = needsDemo ? { name: 'demo', ...(await trainDemo(path.join(ROOT, 'dist'))) } : null;
  const workloads = [];
  if (demo) workloads.push({ name: 'demo (MLP 784-128-10, every batch, wasm)', runs: [demoRun] });
  workloads.push({ name: `alert corpus (${corpus.length} runs)`, runs: corpus });
  if (mode === 'check') {
    const differences = checkSame(engines, workloads);
    process.exitCode = differences === 0 ? 0 : 1;
  } else if (mode === 'warm') {
    benchWarm(workloads);
  } else {
    benchFresh(demoRun);
  }
})();

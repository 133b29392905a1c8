// `npm run alert-eval` (builds first): judges the recorded alert corpus
// (test/fixtures/alert-corpus, recorded by scripts/alert-corpus.js) with the default alert
// options and prints two markdown tables for the README: per alert kind, false warnings on the
// healthy runs (per 1,000 snapshots) and failing runs caught; per failing run, which alert caught
// it and how many snapshots after the fault started; per numeric default, its headroom on the
// corpus (scripts/corpus/headroom.js). Not a test: it measures, it does not assert.
//
//   node scripts/alert-eval.js [--option value ...]   e.g. --driftSpikeFactor 3 to try other values
//   node scripts/alert-eval.js --engine <dist>        the rules of another build, e.g. an older commit's dist/
'use strict';
const path = require('path');
const { loadRuns, evaluateRun } = require('./corpus/evaluate');
const { headroom } = require('./corpus/headroom');

const args = process.argv.slice(2);
const options = {};
let dist = path.join(__dirname, '..', 'dist');
for (let i = 0; i < args.length; i += 2) {
  if (args[i] === '--engine') dist = path.resolve(args[i + 1]);
  else options[args[i].replace(/^--/, '')] = Number(args[i + 1]);
}
const { AlertEngine } = require(path.join(dist, 'alerts', 'engine'));
const { ALERT_KINDS, DEFAULT_ALERT_OPTIONS, validateAlertOptions } = require(path.join(dist, 'alerts', 'options'));
// The same as src/alerts/replay.ts, spelled out so that builds older than it can be judged too.
function replaySnapshots(weights, snapshots, replayOptions = {}) {
  const engine = new AlertEngine(validateAlertOptions(replayOptions));
  engine.setWeights(weights);
  return snapshots.map((snapshot) => engine.evaluate(snapshot));
}

const healthy = loadRuns('healthy').map((run) => ({ run, result: evaluateRun(run, replaySnapshots, options) }));
const failing = loadRuns('failing').map((run) => ({ run, result: evaluateRun(run, replaySnapshots, options) }));
const snapshots = healthy.reduce((n, { result }) => n + result.snapshots, 0);
const configs = new Set(healthy.map(({ run }) => run.name.replace(/-s\d+$/, '')));

if (dist !== path.join(__dirname, '..', 'dist')) console.log(`Rules of ${dist}`);
console.log(`Healthy corpus: ${healthy.length} runs (${configs.size} configs x seeds), ${snapshots} snapshots. `
  + `Failing corpus: ${failing.length} runs.${Object.keys(options).length ? ` Options: ${JSON.stringify(options)}` : ''}\n`);
console.log('| kind | false warnings on healthy runs | per 1,000 healthy snapshots | healthy runs with one | failing runs caught by it first | failing runs it catches within 3 snapshots |');
console.log('|---|---:|---:|---:|---:|---:|');
for (const kind of ALERT_KINDS.filter((k) => k !== 'monitor-error' && k !== 'param-count' && k !== 'frozen-by-design')) {
  const loud = healthy.flatMap(({ result }) => result.loud.filter((a) => a.kind === kind));
  const runs = healthy.filter(({ result }) => result.loud.some((a) => a.kind === kind)).length;
  const caught = failing.filter(({ result }) => result.caught && result.caught.kind === kind).length;
  const within = failing.filter(({ result }) => result.catches[kind] !== undefined && result.catches[kind] <= 3).length;
  console.log(`| \`${kind}\` | ${loud.length} | ${(1000 * loud.length / snapshots).toFixed(2)} | ${runs} | ${caught} | ${within} |`);
}
console.log('\n| failing run | cadence | fault | caught by | snapshots after the fault | also caught by (snapshots after) | warnings before the fault |');
console.log('|---|---|---|---|---:|---|---:|');
for (const { run, result } of failing) {
  const by = result.caught ? `\`${result.caught.kind}\` on \`${result.caught.weight}\`` : '**missed**';
  const also = Object.entries(result.catches).filter(([kind]) => kind !== result.caught?.kind).map(([kind, n]) => `\`${kind}\` (${n})`).join(', ') || '-';
  console.log(`| ${run.name} | ${run.cadence} | ${run.fault.what} | ${by} | ${result.latency ?? '-'} | ${also} | ${result.early.length} |`);
}
if (dist === path.join(__dirname, '..', 'dist')) { // older builds lack some of the options
  console.log('\nHeadroom of each default (the others at their defaults): the values that keep every healthy run quiet, '
    + 'and those that still catch, within 3 snapshots, every failing run the defaults catch that soon.\n');
  console.log('| option | default | no false warning when | those failing runs still caught when |');
  console.log('|---|---:|---|---|');
  for (const row of headroom(healthy.map(({ run }) => run), failing.map(({ run }) => run), replaySnapshots, options, { ...DEFAULT_ALERT_OPTIONS, ...options })) {
    console.log(`| \`${row[0]}\` | ${row.slice(1).join(' | ')} |`);
  }
}
const falseAlarms = healthy.filter(({ result }) => result.loud.length > 0);
if (falseAlarms.length > 0) {
  console.log('\nFalse warnings:');
  for (const { result } of falseAlarms) for (const a of result.loud) console.log(`  ${result.name} @${a.at}: ${a.kind}: ${a.message}`);
}

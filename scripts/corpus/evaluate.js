// Judges recorded runs of the alert corpus (test/fixtures/alert-corpus) with the alert rules:
// shared by `npm run alert-eval` (scripts/alert-eval.js, on dist/) and the corpus test (on src/),
// which pass in their own `replaySnapshots`.
'use strict';
const fs = require('fs');
const path = require('path');
const { decode } = require('./fixture');

const CORPUS = path.join(__dirname, '..', '..', 'test', 'fixtures', 'alert-corpus');

/** Every recorded run of a group ('healthy' or 'failing'), sorted by name. */
function loadRuns(group) {
  const dir = path.join(CORPUS, group);
  return fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort()
    .map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')));
}

/** Index of the first snapshot taken after the fault started. */
function faultSnapshot(run) {
  const { epoch, batch } = run.fault;
  const index = run.snapshots.findIndex(([e, b]) => (batch === undefined ? e > epoch : b !== null && b > batch));
  if (index === -1) throw new Error(`${run.name}: no snapshot after the fault`);
  return index;
}

/**
 * One run judged: `loud` are the warn/error alerts that started, with the snapshot index each
 * came at; for a failing run also `fault` (first snapshot after it), `caught` (the first loud
 * alert of an expected kind at or after it, or null), `latency` (snapshots from the fault to
 * the catch, 1 = the first snapshot after the fault) and `early` (loud alerts before the fault).
 */
function evaluateRun(run, replaySnapshots, options = {}) {
  const { weights, snapshots } = decode(run);
  const perSnapshot = replaySnapshots(weights, snapshots, options);
  const loud = perSnapshot.flatMap((alerts, at) => alerts
    .filter((a) => a.severity !== 'info' && a.status === 'started').map((a) => ({ at, kind: a.kind, weight: a.weight, message: a.message })));
  const result = { name: run.name, snapshots: snapshots.length, loud };
  if (!run.fault) return result;
  const fault = faultSnapshot(run);
  const caught = loud.find((a) => a.at >= fault && run.fault.expect.includes(a.kind)) ?? null;
  // Every expected kind that caught it, with its own latency (not only the first).
  const catches = {};
  for (const a of loud) {
    if (a.at >= fault && run.fault.expect.includes(a.kind) && catches[a.kind] === undefined) catches[a.kind] = a.at - fault + 1;
  }
  return { ...result, fault, caught, catches, latency: caught === null ? null : caught.at - fault + 1, early: loud.filter((a) => a.at < fault) };
}

module.exports = { loadRuns, evaluateRun, faultSnapshot };

// Headroom of each numeric alert default on the corpus: with the other options at their
// defaults, the bisected boundary past which a healthy run raises a warning, and the one past
// which a failing run that the defaults catch within 3 snapshots is no longer caught in time. A default between the two, with
// room on both sides, is what the README's alerts section reports. Used by scripts/alert-eval.js.
'use strict';
const { evaluateRun } = require('./evaluate');

/** option, direction (+1: a larger value raises more alerts), search range, integer? */
const OPTIONS = [
  ['driftThreshold', -1, 0.05, 100],
  ['driftSpikeFactor', -1, 1.01, 1000],
  ['driftSpikeSpread', -1, 0, 1000],
  ['driftFloor', -1, 0, 10],
  ['growthThreshold', -1, 1.01, 1e4],
  ['explodeThreshold', -1, 0.01, 1e6],
  ['vanishThreshold', 1, 1e-4, 0.999],
  ['frozenTolerance', 1, 0, 1],
  ['frozenPatience', -1, 1, 50, true],
  // The gradient rules' options are judged on the runs their own kinds catch in time (other kinds
  // catch most of those runs too, which would hide a value that makes them miss).
  ['gradientVanishRatio', 1, 1e-12, 0.999, false, ['gradient-vanishing']],
  ['gradientVanishFloor', 1, 1e-15, 10, false, ['gradient-vanishing']],
  ['gradientExplodeFactor', -1, 1.01, 1e4, false, ['gradient-exploding']],
  ['gradientExplodeSpread', -1, 0, 1000, false, ['gradient-exploding']],
  ['deadUnitsThreshold', -1, 0.001, 1, false, ['dead-units']],
  ['gradientPatience', -1, 1, 50, true, ['gradient-vanishing', 'dead-units']],
];

function quiet(healthy, replay, options) {
  return healthy.every((run) => evaluateRun(run, replay, options).loud.length === 0);
}

const caughtInTime = (run, replay, options, kinds) => {
  const { latency, catches } = evaluateRun(run, replay, options);
  if (kinds) return kinds.some((kind) => catches[kind] !== undefined && catches[kind] <= 3);
  return latency !== null && latency <= 3;
};

/** Whether the options still catch, within 3 snapshots, every failing run in `failing`. */
function catchesAll(failing, replay, options, kinds) {
  return failing.every((run) => caughtInTime(run, replay, options, kinds));
}

/** Boundary of a monotone predicate over [lo, hi]: the value where `holds` switches, or null if it never does. */
function bisect(lo, hi, holds, integer) {
  const geometric = lo > 0 && hi / lo > 100;
  const mid = (a, b) => (integer ? Math.floor((a + b) / 2) : geometric ? Math.sqrt(a * b) : (a + b) / 2);
  const atLo = holds(lo);
  if (atLo === holds(hi)) return null;
  let [a, b] = [lo, hi];
  for (let i = 0; i < 40 && (integer ? b - a > 1 : (b - a) / Math.max(Math.abs(b), 1e-12) > 1e-3); i += 1) {
    const m = mid(a, b);
    if (holds(m) === atLo) a = m; else b = m;
  }
  return [a, b];
}

/**
 * Rows [option, value, quiet from/to, catching from/to] as strings; `base` are the options tried
 * (the defaults unless the command line changed some), `values` every option's value in effect.
 */
function headroom(healthy, allFailing, replay, base, values) {
  // The runs the options tried catch in time: the boundary is where one of them is lost.
  const failing = allFailing.filter((run) => caughtInTime(run, replay, base));
  return OPTIONS.map(([name, direction, lo, hi, integer, kinds]) => {
    const theirs = kinds ? allFailing.filter((run) => caughtInTime(run, replay, base, kinds)) : failing;
    const quietAt = (v) => quiet(healthy, replay, { ...base, [name]: v });
    const catchAt = (v) => catchesAll(theirs, replay, { ...base, [name]: v }, kinds);
    const q = bisect(lo, hi, quietAt, integer);
    const c = bisect(lo, hi, catchAt, integer);
    const fmt = (v) => Number(v.toPrecision(3));
    // direction -1: quiet above the boundary, catching below it
    const quietText = q === null ? (quietAt(lo) ? 'always' : 'never') : `${direction < 0 ? '>=' : '<='} ${fmt(direction < 0 ? q[1] : q[0])}`;
    const catchText = c === null ? (catchAt(lo) ? 'always' : 'never') : `${direction < 0 ? '<=' : '>='} ${fmt(direction < 0 ? c[0] : c[1])}`;
    return [name, String(values[name]), quietText, catchText];
  });
}

module.exports = { headroom };

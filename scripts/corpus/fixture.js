// The compact form of a recorded run (test/fixtures/alert-corpus/*.json): only what the alert
// rules read, so a corpus of ~60 runs stays a few MB. Histograms, means, times are dropped.
//
//   { name, group, task, backend, cadence, optimizer, batchSize, rows, fault?,
//     weights: [[name, layer, trainable, layerTrainable, movingStatistic, optimized], ...],
//     snapshots: [[epoch, batch | null, [stats of weights[0]], [stats of weights[1]], ...], ...] }
//
// where stats = [count, nanCount, infCount, min, max, l2Norm, zeroFraction, drift.relative,
// drift.changedFraction] (drift entries null on a weight's first snapshot), numbers to 5
// significant digits; runs recorded with `gradients: true` add, on snapshots that have it, a tenth
// entry, the weight's gradient: [l2Norm, maxNorm, meanNorm, nonFinite (0/1), nanCount + infCount,
// updateRatio, steps, deadUnits | null, units | null].
'use strict';

const round = (v) => (v === null || v === undefined ? null : Number(v.toPrecision(5)));

/** HistoryDocument -> compact run (without the descriptive fields, which the caller adds). */
function encode(history) {
  const weights = history.weights.map((w) => [w.name, w.layer, w.trainable, w.layerTrainable, w.movingStatistic, w.optimized]);
  const snapshots = history.snapshots.map((s) => [s.epoch, s.batch ?? null, ...weights.map(([name]) => {
    const st = s.stats[name];
    if (st === undefined) return null;
    const row = [st.count, st.nanCount, st.infCount, round(st.min), round(st.max), round(st.l2Norm), round(st.zeroFraction),
      round(st.drift ? st.drift.relative : null), round(st.drift ? st.drift.changedFraction : null)];
    const g = s.gradients && s.gradients[name];
    if (g) {
      row.push([round(g.l2Norm), round(g.maxNorm), round(g.meanNorm), g.nonFinite ? 1 : 0, g.nanCount + g.infCount,
        round(g.updateRatio), g.steps, g.deadUnits ?? null, g.units ?? null]);
    }
    return row;
  })]);
  return { weights, snapshots };
}

/** Compact run -> the weight records and snapshots the alert engine reads. */
function decode(run) {
  const weights = run.weights.map(([name, layer, trainable, layerTrainable, movingStatistic, optimized]) => ({
    name, layer, layerClass: '', shape: [], dtype: 'float32', size: 0, trainable, layerTrainable,
    variableTrainable: true, optimized, movingStatistic,
  }));
  const previousL2 = new Map();
  const snapshots = run.snapshots.map(([epoch, batch, ...rows]) => {
    const stats = {};
    const gradients = {};
    rows.forEach((row, i) => {
      if (row === null) return;
      const previous = previousL2.get(i) ?? null;
      previousL2.set(i, row[5]);
      const [count, nanCount, infCount, min, max, l2Norm, zeroFraction, relative, changedFraction, gradient] = row;
      if (gradient) gradients[weights[i].name] = decodeGradient(gradient);
      stats[weights[i].name] = {
        count, mean: null, std: null, min, max, absMean: null, l2Norm,
        zeroCount: zeroFraction === null ? 0 : Math.round(zeroFraction * count), zeroFraction, nanCount, infCount,
        histogram: { min, max, counts: [] },
        ...(relative === null && changedFraction === null ? {} : {
          // drift.l2 is not stored: it is relative x the previous l2Norm, by definition.
          drift: { l2: relative === null || previous === null ? null : relative * previous, relative, maxAbs: null, changedFraction },
          fromStart: { relative: null },
        }),
      };
    });
    const withGradients = Object.keys(gradients).length > 0 ? { gradients } : {};
    return { epoch, ...(batch === null ? {} : { batch }), time: '', computeMs: 0, stats, ...withGradients };
  });
  return { weights, snapshots };
}

/** The compact gradient entry -> the `GradientStats` fields the rules read (NaN counts as nanCount). */
function decodeGradient([l2Norm, maxNorm, meanNorm, nonFinite, bad, updateRatio, steps, deadUnits, units]) {
  return {
    count: 0, mean: null, std: null, min: null, max: null, absMean: null, l2Norm, zeroCount: 0, zeroFraction: null,
    nanCount: bad, infCount: 0, histogram: { min: null, max: null, counts: [] },
    steps, step: 0, maxNorm, meanNorm, nonFinite: nonFinite === 1, updateRatio,
    ...(deadUnits === null ? {} : { deadUnits, units }),
  };
}

module.exports = { encode, decode };

// The compact form of a recorded run (test/fixtures/alert-corpus/*.json): only what the alert
// rules read, so a corpus of ~60 runs stays a few MB. Histograms, means, times are dropped.
//
//   { name, group, task, backend, cadence, optimizer, batchSize, rows, fault?,
//     weights: [[name, layer, trainable, layerTrainable, movingStatistic, optimized], ...],
//     snapshots: [[epoch, batch | null, [stats of weights[0]], [stats of weights[1]], ...], ...] }
//
// where stats = [count, nanCount, infCount, min, max, l2Norm, zeroFraction, drift.relative,
// drift.changedFraction] (drift entries null on a weight's first snapshot), numbers to 5
// significant digits.
'use strict';

const round = (v) => (v === null || v === undefined ? null : Number(v.toPrecision(5)));

/** HistoryDocument -> compact run (without the descriptive fields, which the caller adds). */
function encode(history) {
  const weights = history.weights.map((w) => [w.name, w.layer, w.trainable, w.layerTrainable, w.movingStatistic, w.optimized]);
  const snapshots = history.snapshots.map((s) => [s.epoch, s.batch ?? null, ...weights.map(([name]) => {
    const st = s.stats[name];
    if (st === undefined) return null;
    return [st.count, st.nanCount, st.infCount, round(st.min), round(st.max), round(st.l2Norm), round(st.zeroFraction),
      round(st.drift ? st.drift.relative : null), round(st.drift ? st.drift.changedFraction : null)];
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
    rows.forEach((row, i) => {
      if (row === null) return;
      const previous = previousL2.get(i) ?? null;
      previousL2.set(i, row[5]);
      const [count, nanCount, infCount, min, max, l2Norm, zeroFraction, relative, changedFraction] = row;
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
    return { epoch, ...(batch === null ? {} : { batch }), time: '', computeMs: 0, stats };
  });
  return { weights, snapshots };
}

module.exports = { encode, decode };

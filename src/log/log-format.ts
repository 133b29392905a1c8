/** Readable text for the log: one line per snapshot, per-weight detail lines, the closing table. */
import { formatNumber as formatAlertNumber } from '../alerts/format-number';
import type { Alert, ModelRecord, Snapshot, WeightRecord } from '../history-types';

/** A statistic for a log line: '-' when absent, else as alert messages write numbers. */
function formatNumber(x: number | null | undefined): string {
  return x === null || x === undefined ? '-' : formatAlertNumber(x);
}

/**
 * An integer with thousands separators, `101,770`. Not `toLocaleString`: its first call in a
 * process loads the ICU locale data, 30 ms at the start of training (measured, Node 20).
 */
const grouped = (n: number) => String(n).replace(/\B(?=(\d{3})+$)/g, ',');

export function censusLine(model: ModelRecord, watched: number, backend: string): string {
  return `model ${model.name}: ${grouped(model.totalParams)} params (${grouped(model.trainableParams)} trainable, ` +
    `${grouped(model.nonTrainableParams)} non-trainable) in ${model.layers.length} layers; ` +
    `watching ${watched} weights on backend ${backend}`;
}

/** The weight whose relative drift is largest in this snapshot, if any drift was measured. */
export function largestDrift(snapshot: Snapshot): { weight: string; relative: number } | null {
  let best: { weight: string; relative: number } | null = null;
  for (const [weight, stats] of Object.entries(snapshot.stats)) {
    const relative = stats.drift?.relative;
    if (relative != null && (best === null || relative > best.relative)) best = { weight, relative };
  }
  return best;
}

export function snapshotLine(snapshot: Snapshot, alerts: Alert[]): string {
  const where = snapshotPlace(snapshot);
  const drift = largestDrift(snapshot);
  const count = (severity: string) => alerts.filter((a) => a.severity === severity && a.status !== 'cleared').length;
  const initial = snapshot.step !== undefined ? snapshot.step === 0 : snapshot.epoch === 0 && snapshot.batch === undefined;
  return [
    where + (initial ? ' (initial weights)' : ''),
    `${Object.keys(snapshot.stats).length} weights`,
    drift ? `max drift ${formatNumber(drift.relative)} (${drift.weight})` : 'max drift -',
    `alerts: ${count('error')} error, ${count('warn')} warn`,
    `${snapshot.computeMs < 10 ? snapshot.computeMs.toFixed(1) : Math.round(snapshot.computeMs)} ms`, // 0.5 ms, not 0 ms
  ].join(' | ');
}

/** `step 120` for a custom loop's snapshot, `epoch 3 batch 120` with `everyBatches`, else `epoch 3`. */
function snapshotPlace(snapshot: Snapshot): string {
  if (snapshot.step !== undefined) return snapshot.epoch > 0 ? `step ${snapshot.step} epoch ${snapshot.epoch}` : `step ${snapshot.step}`;
  return snapshot.batch !== undefined ? `epoch ${snapshot.epoch} batch ${snapshot.batch}` : `epoch ${snapshot.epoch}`;
}

export function weightLine(snapshot: Snapshot, name: string): string {
  const s = snapshot.stats[name];
  return `${snapshot.step !== undefined ? snapshotPlace(snapshot) : `epoch ${snapshot.epoch}`} ${name}: mean ${formatNumber(s.mean)} std ${formatNumber(s.std)} ` +
    `min ${formatNumber(s.min)} max ${formatNumber(s.max)} l2 ${formatNumber(s.l2Norm)} ` +
    `zeros ${formatNumber(s.zeroFraction)} nan ${s.nanCount} inf ${s.infCount} ` +
    `drift ${formatNumber(s.drift?.relative)} fromStart ${formatNumber(s.fromStart?.relative)}`;
}

function pad(cells: string[][]): string {
  const widths = cells[0].map((_, c) => Math.max(...cells.map((row) => row[c].length)));
  return cells.map((row) => row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ')).join('\n');
}

/**
 * Per-layer table at training end, from the last snapshot: params, mean and std over the
 * layer's weights (element-weighted), the largest relative drift, and alerts raised.
 */
export function summaryTable(model: ModelRecord, weights: WeightRecord[], last: Snapshot | undefined, alerts: readonly Alert[]): string {
  const rows = [['layer', 'class', 'params', 'mean', 'std', 'drift', 'alerts']];
  for (const layer of model.layers) {
    let n = 0, sum = 0, sumSq = 0;
    let drift: number | null = null;
    for (const name of layer.weights) {
      const s = last?.stats[name];
      if (!s || s.mean === null || s.std === null) continue;
      n += s.count;
      sum += s.mean * s.count;
      sumSq += (s.std * s.std + s.mean * s.mean) * s.count;
      const d = s.drift?.relative;
      if (d != null) drift = drift === null ? d : Math.max(drift, d);
    }
    const mean = n > 0 ? sum / n : null;
    const std = n > 0 && mean !== null ? Math.sqrt(Math.max(0, sumSq / n - mean * mean)) : null;
    const raised = alerts.filter((a) => a.layer === layer.name && a.status === 'started' && a.severity !== 'info').length;
    rows.push([layer.name, layer.class, grouped(layer.params), formatNumber(mean), formatNumber(std), formatNumber(drift), String(raised)]);
  }
  const trainable = weights.filter((w) => w.trainable).length;
  const shared = weights.filter((w) => !w.trainable && (w.sharedWith?.length ?? 0) > 0).length;
  return `parameter summary (${weights.length} weights, ${trainable} trainable${shared > 0 ? `, ${shared} trained through ${[...new Set(weights.flatMap((w) => (w.trainable ? [] : w.sharedWith ?? [])))].join(', ')}` : ''})\n${pad(rows)}`;
}

/**
 * `compare <a> <b>`: two runs of the same model side by side: final statistics and drift per
 * weight, what differs in the census, and the alerts only one run has.
 */
import type { Alert, HistoryDocument, WeightRecord } from '../history-types';
import { formatCount, formatShape, formatStat } from '../report/format';
import { startedAlerts, weightSummaries, type WeightSummary } from '../report/weight-summary';
import { pairWeights, type WeightPair } from './pair-weights';
import { printable, textTable } from './text-table';

/** One weight in both runs; a side is null when that run has no such weight. */
export interface WeightComparison {
  /** Its name, or both names (`a = b`) when the runs name it differently. */
  name: string;
  a: WeightSummary | null;
  b: WeightSummary | null;
}

/** What `compare --json` prints. */
export interface CompareOutput {
  a: string;
  b: string;
  /** Census differences, one readable sentence each; empty when the censuses agree. */
  censusDifferences: string[];
  weights: WeightComparison[];
  /** Alerts (kind on a weight) that started in one run and never in the other. */
  onlyInA: Alert[];
  onlyInB: Alert[];
}

function censusDifferences(a: HistoryDocument, b: HistoryDocument, pairs: WeightPair[]): string[] {
  const out: string[] = [];
  for (const key of ['totalParams', 'trainableParams', 'nonTrainableParams'] as const) {
    if (a.model[key] !== b.model[key]) out.push(`${key}: ${formatCount(a.model[key])} in a, ${formatCount(b.model[key])} in b`);
  }
  for (const { a: wa, b: wb } of pairs) {
    if (wb === null) out.push(`weight ${wa!.name} only in a`);
    else if (wa === null) out.push(`weight ${wb.name} only in b`);
    else {
      const name = pairName(wa, wb);
      if (formatShape(wa.shape) !== formatShape(wb.shape)) out.push(`weight ${name}: shape ${formatShape(wa.shape)} in a, ${formatShape(wb.shape)} in b`);
      if (wa.trainable !== wb.trainable) out.push(`weight ${name}: trainable in ${wa.trainable ? 'a' : 'b'} only`);
    }
  }
  return out;
}

/** `hidden/kernel`, or `hidden/kernel = hidden/kernel_1` when the runs name it differently. */
function pairName(a: WeightRecord | null, b: WeightRecord | null): string {
  if (a === null || b === null) return (a ?? b)!.name;
  return a.name === b.name ? a.name : `${a.name} = ${b.name}`;
}

/** Alerts (kind on a weight) that started in `mine` and never in `theirs`; `key` names weights alike in both. */
function onlyIn(mine: HistoryDocument, theirs: HistoryDocument, key: (alert: Alert) => string): Alert[] {
  const other = new Set(startedAlerts(theirs).map(key));
  const seen = new Set<string>();
  return startedAlerts(mine).filter((alert) => {
    const k = key(alert);
    if (other.has(k) || seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

export function compareData(fileA: string, a: HistoryDocument, fileB: string, b: HistoryDocument): CompareOutput {
  const rowsA = new Map(weightSummaries(a).map((w) => [w.name, w]));
  const rowsB = new Map(weightSummaries(b).map((w) => [w.name, w]));
  const pairs = pairWeights(a.weights, b.weights);
  const weights = pairs.map((p): WeightComparison => ({
    name: pairName(p.a, p.b), a: p.a === null ? null : rowsA.get(p.a.name) ?? null, b: p.b === null ? null : rowsB.get(p.b.name) ?? null,
  }));
  const common = new Map<string, string>();
  pairs.forEach((p, i) => {
    if (p.a !== null) common.set(`a\u0000${p.a.name}`, String(i));
    if (p.b !== null) common.set(`b\u0000${p.b.name}`, String(i));
  });
  const side = (alert: Alert) => (a.alerts.includes(alert) ? 'a' : 'b');
  const key = (alert: Alert) => `${alert.kind}\u0000${alert.weight === null ? '' : common.get(`${side(alert)}\u0000${alert.weight}`) ?? alert.weight}`;
  return {
    a: fileA, b: fileB, censusDifferences: censusDifferences(a, b, pairs), weights,
    onlyInA: onlyIn(a, b, key), onlyInB: onlyIn(b, a, key),
  };
}

function alertLines(alerts: Alert[]): string {
  return alerts.length === 0 ? '  none' : alerts.map((x) => `  ${x.step === undefined ? `epoch ${x.epoch}` : `step ${x.step}`}  ${x.severity}  ${x.kind}  ${printable(x.message)}`).join('\n');
}

export function compareText(data: CompareOutput): string {
  const stat = (w: WeightSummary | null, get: (w: WeightSummary) => number | null) => (w === null ? 'absent' : formatStat(get(w)));
  const table = textTable(
    ['weight', 'mean a', 'mean b', 'std a', 'std b', 'max|w| a', 'max|w| b', 'drift a', 'drift b', 'max drift a', 'max drift b']
      .map((heading, i) => ({ heading, align: i === 0 ? 'left' as const : 'right' as const })),
    data.weights.map(({ name, a, b }) => {
      const maxAbs = (w: WeightSummary) => (w.min === null || w.max === null ? null : Math.max(Math.abs(w.min), Math.abs(w.max)));
      return [name, stat(a, (w) => w.mean), stat(b, (w) => w.mean), stat(a, (w) => w.std), stat(b, (w) => w.std),
        stat(a, maxAbs), stat(b, maxAbs), stat(a, (w) => w.lastDrift), stat(b, (w) => w.lastDrift),
        stat(a, (w) => w.maxDrift), stat(b, (w) => w.maxDrift)];
    }),
  );
  const census = data.censusDifferences.length === 0 ? 'census: the same model (same weights, shapes and parameter counts)'
    : `census differences:\n${data.censusDifferences.map((d) => `  ${printable(d)}`).join('\n')}`;
  return `a: ${data.a}\nb: ${data.b}\n${census}\n\n${table}\n\n` +
    `alerts only in a:\n${alertLines(data.onlyInA)}\nalerts only in b:\n${alertLines(data.onlyInB)}\n`;
}

/**
 * One row per weight: what the run did to it, from the full-resolution series. Shared by
 * `summary`, `compare` and the report.
 */
import type { Alert, AlertSeverity, HistoryDocument, WeightSeries } from '../history-types';

export interface WeightSummary {
  name: string;
  layer: string;
  shape: number[];
  params: number;
  trainable: boolean;
  /** The other models that train it, when it is frozen here but shared (`WeightRecord.sharedWith`). */
  sharedWith?: string[];
  /** Statistics at the last snapshot; null when absent or not finite there. */
  mean: number | null;
  std: number | null;
  min: number | null;
  max: number | null;
  zeroFraction: number | null;
  nanCount: number | null;
  infCount: number | null;
  /** Relative drift at the last snapshot. */
  lastDrift: number | null;
  /** Largest relative drift over the run, and the epoch it happened at. */
  maxDrift: number | null;
  maxDriftEpoch: number | null;
  /**
   * With gradients recorded (option `gradients`): the mean gradient L2 norm over the steps before
   * the last snapshot that has one, and the update ratio per step there; null otherwise.
   */
  gradientNorm: number | null;
  updateRatio: number | null;
  /** Alerts that started on this weight (reminders and clears not counted). */
  alerts: number;
  /** The most severe of them; null when none. */
  worstSeverity: AlertSeverity | null;
}

const SEVERITY_RANK: Record<AlertSeverity, number> = { info: 0, warn: 1, error: 2 };

/** `a` ranks at or above `b`. */
export function atLeast(a: AlertSeverity, b: AlertSeverity): boolean {
  return SEVERITY_RANK[a] >= SEVERITY_RANK[b];
}

/** The value at the last snapshot: null there means not finite or not measured, and says so. */
function lastValue(values: (number | null)[] | undefined): number | null {
  return values === undefined || values.length === 0 ? null : values[values.length - 1];
}

/** The last non-null value (gradients are absent from snapshots without a step since the previous one). */
function lastKnown(values: (number | null)[] | undefined): number | null {
  if (values === undefined) return null;
  for (let i = values.length - 1; i >= 0; i -= 1) if (values[i] !== null) return values[i];
  return null;
}

function largest(values: (number | null)[], epochs: number[]): { value: number | null; epoch: number | null } {
  let value: number | null = null;
  let epoch: number | null = null;
  values.forEach((v, i) => {
    if (v !== null && (value === null || v > value)) {
      value = v;
      epoch = epochs[i];
    }
  });
  return { value, epoch };
}

function worst(alerts: Alert[]): AlertSeverity | null {
  let result: AlertSeverity | null = null;
  for (const a of alerts) if (result === null || !atLeast(result, a.severity)) result = a.severity;
  return result;
}

/** The alerts that began a condition, in the order they were raised. */
export function startedAlerts(history: HistoryDocument): Alert[] {
  return history.alerts.filter((a) => a.status === 'started');
}

/**
 * One row per weight, weights with alerts first (most severe, then most alerts), otherwise in
 * model order.
 */
export function weightSummaries(history: HistoryDocument): WeightSummary[] {
  const started = startedAlerts(history);
  const rows = history.weights.map((w): WeightSummary => {
    const series: WeightSeries | undefined = history.series.weights[w.name];
    const own = started.filter((a) => a.weight === w.name);
    const drift = series ? largest(series.driftRelative, history.series.epoch) : { value: null, epoch: null };
    const gradient = history.series.gradients?.[w.name];
    return {
      name: w.name, layer: w.layer, shape: w.shape, params: w.size, trainable: w.trainable, ...(w.sharedWith ? { sharedWith: w.sharedWith } : {}),
      mean: lastValue(series?.mean), std: lastValue(series?.std), min: lastValue(series?.min), max: lastValue(series?.max),
      zeroFraction: lastValue(series?.zeroFraction), nanCount: lastValue(series?.nanCount), infCount: lastValue(series?.infCount),
      lastDrift: lastValue(series?.driftRelative), maxDrift: drift.value, maxDriftEpoch: drift.epoch,
      gradientNorm: lastKnown(gradient?.meanNorm), updateRatio: lastKnown(gradient?.updateRatio),
      alerts: own.length, worstSeverity: worst(own),
    };
  });
  const rank = (r: WeightSummary) => (r.worstSeverity === null ? -1 : SEVERITY_RANK[r.worstSeverity]);
  return rows
    .map((row, order) => ({ row, order }))
    .sort((a, b) => rank(b.row) - rank(a.row) || b.row.alerts - a.row.alerts || a.order - b.order)
    .map(({ row }) => row);
}

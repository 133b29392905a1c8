/**
 * The history document as the CLI and the report read it: schema version 2, with `series`, the
 * per-weight scalar statistics of every snapshot taken (issue #6). Until `src/history/` lands,
 * the CLI's reader derives `series` from the snapshots of a version 1 document.
 */
import type { HistoryDocument } from '../history-types';

/** Per-weight statistics of every snapshot taken; null where not measured or not finite. */
export interface WeightSeries {
  mean: (number | null)[];
  std: (number | null)[];
  min: (number | null)[];
  max: (number | null)[];
  absMean: (number | null)[];
  l2Norm: (number | null)[];
  zeroFraction: (number | null)[];
  nanCount: (number | null)[];
  infCount: (number | null)[];
  driftRelative: (number | null)[];
  fromStartRelative: (number | null)[];
}

export interface HistorySeries {
  /** Epoch of each snapshot taken. */
  epoch: number[];
  /** Global batch count, null for epoch snapshots. */
  batch: (number | null)[];
  weights: Record<string, WeightSeries>;
}

export type LoadedHistory = HistoryDocument & { series: HistorySeries };

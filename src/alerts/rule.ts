import type { AlertKind, WeightRecord, WeightStats } from '../history-types';
import type { ResolvedAlertOptions } from './option-types';
import type { WeightState } from './weight-state';

/** What a rule concluded about one weight at one snapshot. */
export interface Verdict {
  /** Whether the condition holds at this snapshot. */
  holds: boolean;
  /** The measured number (in the unit of `threshold`). */
  value: number | null;
  /** The limit it was compared with. */
  threshold: number | null;
  /**
   * The finding without the weight name or the position, e.g.
   * `relative drift 3.2 is above driftThreshold 1`; when `holds` is false, why it is fine now.
   */
  text: string;
}

/** Everything a weight rule may look at. */
export interface WeightContext {
  readonly name: string;
  readonly record: WeightRecord | undefined;
  readonly stats: WeightStats;
  readonly state: WeightState;
  readonly options: ResolvedAlertOptions;
  /**
   * False when the snapshot has the same epoch and batch as the previous one (e.g. one taken at
   * the start of a second `fit` call): no training happened in between, so drift says nothing.
   */
  readonly progressed: boolean;
  /** epoch > 0 or batch > 0. */
  readonly trainingStarted: boolean;
}

/** One alert kind about single weights. */
export interface WeightRule {
  readonly kind: AlertKind;
  /** Reported once per weight, never reminded or cleared, and only when it holds. */
  readonly once?: boolean;
  /** Whether the rule concerns this weight at all; a weight missing from the census has no record. */
  appliesTo(record: WeightRecord | undefined): boolean;
  /** Null when the snapshot cannot tell (a null statistic, no drift yet, no training since). */
  check(context: WeightContext): Verdict | null;
}

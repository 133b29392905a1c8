import type { AlertKind, GradientStats, WeightRecord, WeightStats } from '../history-types';
import type { ResolvedAlertOptions } from './option-types';
import type { WeightState } from './weight-state';

/**
 * What a rule concluded about one weight at one snapshot: whether its condition holds, plus what
 * the rule's `explain` needs to report it (each rule extends this).
 */
export interface Verdict {
  /** Whether the condition holds at this snapshot. */
  holds: boolean;
}

/** A verdict that carries the measured number and the limit it was compared with. */
export interface MeasuredVerdict extends Verdict {
  /** The measured number (in the unit of `threshold`). */
  value: number | null;
  /** The limit it was compared with. */
  threshold: number | null;
}

/** A verdict as it is reported: the numbers an alert records and the words of its message. */
export interface Finding {
  /** The measured number (in the unit of `threshold`). */
  value: number | null;
  /** The limit it was compared with. */
  threshold: number | null;
  /**
   * The finding without the weight name or the position, e.g.
   * `relative drift 3.2 is above driftThreshold 1`; when the verdict does not hold, why it is fine
   * now.
   */
  text: string;
}

/** Everything a weight rule may look at. */
export interface WeightContext {
  readonly name: string;
  readonly record: WeightRecord | undefined;
  readonly stats: WeightStats;
  /** The weight's gradient at this snapshot (option `gradients`); undefined when not recorded. */
  readonly gradient: GradientStats | undefined;
  /**
   * The gradient scale (./gradient-scale.ts) of every watched weight of this snapshot that has
   * one, for rules that compare a weight with the others.
   */
  readonly gradientScales: readonly number[];
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

/**
 * One alert kind about single weights. `check` runs on every watched weight at every snapshot and
 * decides only whether the condition holds; `explain` runs only for a verdict that is reported
 * (most are not: a condition is reported when it starts, is reminded and clears) and works out
 * the rest, so that a snapshot that raises nothing formats no number and builds no string.
 */
export interface WeightRule<V extends Verdict = Verdict> {
  readonly kind: AlertKind;
  /** Reported once per weight, never reminded or cleared, and only when it holds. */
  readonly once?: boolean;
  /** Whether the rule concerns this weight at all; a weight missing from the census has no record. */
  appliesTo(record: WeightRecord | undefined): boolean;
  /** Null when the snapshot cannot tell (a null statistic, no drift yet, no training since). */
  check(context: WeightContext): V | null;
  /**
   * The verdict as it is reported. Called right after `check`, with the same context, before the
   * engine updates the weight's state.
   */
  explain(verdict: V, context: WeightContext): Finding;
}

/** The finding of a verdict that carries its own number and limit, in these words. */
export function measured(verdict: MeasuredVerdict, text: string): Finding {
  return { value: verdict.value, threshold: verdict.threshold, text };
}

import type { DriftStats, WeightStats } from '../history-types';
import type { ResolvedAlertOptions } from './option-types';
import { StepWindow } from './step-window';

/**
 * What the engine remembers about one weight between snapshots: plain numbers, bounded in size.
 * While rules run, every field describes the snapshots before the current one, except
 * `unchangedStreak`, which already counts the current snapshot.
 */
export interface WeightState {
  /** l2Norm in the weight's first snapshot; null when nothing was finite. */
  readonly initialL2: number | null;
  /** l2Norm in the previous snapshot of the weight; null before the second snapshot. */
  previousL2: number | null;
  /** Largest finite l2Norm of all earlier snapshots of the weight; null before the second one. */
  largestL2: number | null;
  /**
   * Earlier steps (`drift.l2`, the l2 norm of the change since the snapshot before), the last
   * `driftSpikeWindow` of them, outside the `driftWarmup`.
   */
  readonly steps: StepWindow;
  /** Snapshots in a row, up to the current one, in which the weight did not change. */
  unchangedStreak: number;
  /** Comparisons with a non-zero previous l2Norm on progressed snapshots (see `driftWarmup`). */
  comparisonsFromNonZero: number;
  /** The largest gradient norm (`GradientStats.maxNorm`) of earlier snapshots, the last `driftSpikeWindow`. */
  readonly gradientNorms: StepWindow;
  /** Snapshots with a gradient in a row, up to the current one, whose gradient vanished (`gradient-vanishing`). */
  vanishedStreak: number;
  /** Snapshots with a gradient in a row, up to the current one, with dead units at or above `deadUnitsThreshold`. */
  deadUnitsStreak: number;
}

/** State of a weight seen for the first time, in the snapshot with these stats. */
export function createWeightState(stats: WeightStats, options: ResolvedAlertOptions): WeightState {
  return {
    initialL2: stats.l2Norm,
    previousL2: null,
    largestL2: null,
    steps: new StepWindow(options.driftSpikeWindow),
    unchangedStreak: 0,
    comparisonsFromNonZero: 0,
    gradientNorms: new StepWindow(options.driftSpikeWindow),
    vanishedStreak: 0,
    deadUnitsStreak: 0,
  };
}

/**
 * Whether a weight stayed still since its previous snapshot: no element changed, or its
 * relative drift is below `tolerance`. Null when that cannot be told (no previous snapshot, an
 * empty weight, nothing finite).
 */
export function isUnchanged(drift: DriftStats | undefined, tolerance: number): boolean | null {
  if (drift === undefined) return null;
  if (drift.changedFraction === 0) return true;
  if (drift.relative !== null && drift.relative < tolerance) return true;
  if (drift.changedFraction === null && drift.relative === null) return null;
  return false;
}

/**
 * Whether the current comparison of a weight is still inside its `driftWarmup`: the first change
 * of a weight (from its initial values, or from its first update when it started at zero) is the
 * largest of a healthy run and says nothing about later ones.
 */
export function inDriftWarmup(state: WeightState, options: ResolvedAlertOptions): boolean {
  return state.comparisonsFromNonZero < options.driftWarmup;
}

/** Count the current snapshot in `unchangedStreak`; call before the rules run. */
export function noteStillness(
  state: WeightState, stats: WeightStats, progressed: boolean, options: ResolvedAlertOptions,
): void {
  if (!progressed) return;
  const unchanged = isUnchanged(stats.drift, options.frozenTolerance);
  if (unchanged === true) state.unchangedStreak += 1;
  else if (unchanged === false) state.unchangedStreak = 0;
}

/** Remember the current snapshot for the next one; call after the rules ran. */
export function rememberSnapshot(
  state: WeightState, stats: WeightStats, progressed: boolean, options: ResolvedAlertOptions,
): void {
  if (progressed) {
    const step = stats.drift?.l2 ?? null;
    if (step !== null && !inDriftWarmup(state, options)) state.steps.push(step);
    if (state.previousL2 !== null && state.previousL2 > 0) state.comparisonsFromNonZero += 1;
  }
  state.previousL2 = stats.l2Norm;
  if (stats.l2Norm !== null && Number.isFinite(stats.l2Norm)) {
    state.largestL2 = Math.max(state.largestL2 ?? 0, stats.l2Norm);
  }
}

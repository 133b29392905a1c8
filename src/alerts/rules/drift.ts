import { formatNumber, formatOption } from '../format-number';
import type { Finding, Verdict, WeightRule } from '../rule';
import { isTrained } from '../weight-roles';
import { inDriftWarmup, type WeightState } from '../weight-state';
import type { ResolvedAlertOptions } from '../option-types';

/**
 * Which finding a drift verdict is: relative drift above or within `driftThreshold`, or a step
 * within the spike limit, above it but below `driftFloor`, or a spike.
 */
type DriftFinding = 'above' | 'within' | 'spike-within' | 'spike-below-floor' | 'spike';

/** What `explain` needs: the relative drift and, for a judged step, the step and the median of the earlier ones. */
interface DriftVerdict extends Verdict {
  finding: DriftFinding;
  relative: number;
  step: number;
  typical: number;
}

/**
 * `drift`: a trained weight moved a lot since its previous snapshot, in one of two ways.
 *
 * - Its relative drift (`||W_t - W_prev|| / ||W_prev||`) is above `driftThreshold`. Not checked
 *   on weights whose initial values were all zero (biases, BatchNormalization beta): while they
 *   are small, a healthy epoch moves them by several times their norm.
 * - Its step (`drift.l2`, the norm of the change) is a spike against the weight's own noise: above
 *   both `driftSpikeFactor` x the median of its earlier steps and that median plus
 *   `driftSpikeSpread` x their robust spread (1.4826 x MAD), once it has `driftSpikeMinHistory`
 *   earlier steps; and its relative drift is at least `driftFloor`. Steps, not relative drifts,
 *   because a small weight crossing zero (a one-element output bias) has a huge relative drift
 *   for an ordinary step.
 *
 * The first comparisons of each weight (`driftWarmup`) are neither checked nor kept as history.
 * The value is the relative drift (threshold `driftThreshold`) or, for a spike, the step (threshold
 * the spike limit).
 *
 * @example
 * // "dense_Dense1/kernel: relative drift 3.2 is above driftThreshold 2 (epoch 4)"
 * // "dense_Dense1/kernel: step 2.6 (relative drift 0.29) is a spike: above the larger of
 * //  driftSpikeFactor 5 x median 0.052 and median + driftSpikeSpread 20 x spread 0.0061 of its
 * //  last 7 steps = 0.26 (epoch 9)"
 */
export const driftRule: WeightRule<DriftVerdict> = {
  kind: 'drift',
  appliesTo: isTrained,
  check({ stats, state, options, progressed }): DriftVerdict | null {
    const relative = stats.drift?.relative ?? null;
    if (!progressed || relative === null || inDriftWarmup(state, options)) return null;
    if (!startedAtZero(state) && relative > options.driftThreshold) {
      return { holds: true, finding: 'above', relative, step: 0, typical: 0 };
    }
    return spikeVerdict(stats.drift?.l2 ?? null, relative, state, options)
      ?? { holds: false, finding: 'within', relative, step: 0, typical: 0 };
  },
  explain(verdict, { state, options }): Finding {
    const { finding } = verdict;
    if (finding !== 'above' && finding !== 'within') return explainStep(verdict, state, options);
    const threshold = options.driftThreshold;
    const relative = `relative drift ${formatNumber(verdict.relative, threshold)}`;
    const limit = `driftThreshold ${formatOption(threshold)}`;
    const text = finding === 'above' ? `${relative} is above ${limit}`
      : startedAtZero(state) ? `${relative} (${limit} does not apply: the weight started at zero)`
        : `${relative} is within ${limit}`;
    return { value: verdict.relative, threshold, text };
  },
};

/** Weights that started at zero are judged by spikes only. */
function startedAtZero(state: WeightState): boolean {
  return state.initialL2 === null || state.initialL2 === 0;
}

/** The larger of `driftSpikeFactor` x the median and the median plus `driftSpikeSpread` x the spread. */
function spikeLimit(typical: number, spread: number, options: ResolvedAlertOptions): number {
  return Math.max(options.driftSpikeFactor * typical, typical + options.driftSpikeSpread * spread);
}

/** The spike check; null when it cannot tell (too little history, no step, a still weight). */
function spikeVerdict(step: number | null, relative: number, state: WeightState, options: ResolvedAlertOptions): DriftVerdict | null {
  const steps = state.steps;
  if (step === null || steps.length < options.driftSpikeMinHistory) return null;
  const typical = steps.median();
  if (typical <= 0) return null;
  // A step within driftSpikeFactor x the median is within the spike limit whatever the spread, so the
  // spread (the costlier half) is left to `explain` then. Only when every step is finite and
  // driftSpikeSpread > 0 is `median + driftSpikeSpread x spread` sure to be a number (not NaN, which
  // would make the limit NaN and every step outside it).
  const withinFactor = step <= options.driftSpikeFactor * typical && steps.allFinite && options.driftSpikeSpread > 0;
  const finding = withinFactor || step <= spikeLimit(typical, steps.robustSpread(), options) ? 'spike-within'
    : relative < options.driftFloor ? 'spike-below-floor' : 'spike';
  return { holds: finding === 'spike', finding, relative, step, typical };
}

/** A judged step, reported: the step against the spike limit, and how the limit was set. */
function explainStep(verdict: DriftVerdict, state: WeightState, options: ResolvedAlertOptions): Finding {
  const { step, typical } = verdict;
  const spread = state.steps.robustSpread();
  const limit = spikeLimit(typical, spread, options);
  const measured = `step ${formatNumber(step, limit)} (relative drift ${formatNumber(verdict.relative, options.driftFloor)})`;
  const rule = `the larger of driftSpikeFactor ${formatOption(options.driftSpikeFactor)} x median ${formatNumber(typical)} `
    + `and median + driftSpikeSpread ${formatOption(options.driftSpikeSpread)} x spread ${formatNumber(spread)} `
    + `of its last ${state.steps.length} steps = ${formatNumber(limit)}`;
  const text = verdict.finding === 'spike-within' ? `${measured} is within ${rule}`
    : verdict.finding === 'spike-below-floor'
      ? `${measured} is above ${rule}, but below driftFloor ${formatOption(options.driftFloor)}: too small a move to matter`
      : `${measured} is a spike: above ${rule}`;
  return { value: step, threshold: limit, text };
}

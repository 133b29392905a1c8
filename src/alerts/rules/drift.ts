import { formatNumber, formatOption } from '../format-number';
import type { Verdict, WeightRule } from '../rule';
import { isTrained } from '../weight-roles';
import { inDriftWarmup, type WeightState } from '../weight-state';
import type { ResolvedAlertOptions } from '../option-types';

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
export const driftRule: WeightRule = {
  kind: 'drift',
  appliesTo: isTrained,
  check({ stats, state, options, progressed }): Verdict | null {
    const value = stats.drift?.relative ?? null;
    if (!progressed || value === null || inDriftWarmup(state, options)) return null;
    const threshold = options.driftThreshold;
    const limit = `driftThreshold ${formatOption(threshold)}`;
    const startedAtZero = state.initialL2 === null || state.initialL2 === 0;
    const relative = `relative drift ${formatNumber(value, threshold)}`;
    if (!startedAtZero && value > threshold) {
      return { holds: true, value, threshold, text: `${relative} is above ${limit}` };
    }
    const within = startedAtZero
      ? `${relative} (${limit} does not apply: the weight started at zero)`
      : `${relative} is within ${limit}`;
    return spikeVerdict(stats.drift?.l2 ?? null, value, state, options) ?? { holds: false, value, threshold, text: within };
  },
};

/** The spike check; null when it cannot tell (too little history, no step, a still weight). */
function spikeVerdict(step: number | null, relative: number, state: WeightState, options: ResolvedAlertOptions): Verdict | null {
  const steps = state.steps;
  if (step === null || steps.length < options.driftSpikeMinHistory) return null;
  const typical = steps.median();
  if (typical <= 0) return null;
  const spread = steps.robustSpread();
  const spikeLimit = Math.max(options.driftSpikeFactor * typical, typical + options.driftSpikeSpread * spread);
  const measured = `step ${formatNumber(step, spikeLimit)} (relative drift ${formatNumber(relative, options.driftFloor)})`;
  const rule = `the larger of driftSpikeFactor ${formatOption(options.driftSpikeFactor)} x median ${formatNumber(typical)} `
    + `and median + driftSpikeSpread ${formatOption(options.driftSpikeSpread)} x spread ${formatNumber(spread)} `
    + `of its last ${steps.length} steps = ${formatNumber(spikeLimit)}`;
  if (step <= spikeLimit) return { holds: false, value: step, threshold: spikeLimit, text: `${measured} is within ${rule}` };
  if (relative < options.driftFloor) {
    return {
      holds: false, value: step, threshold: spikeLimit,
      text: `${measured} is above ${rule}, but below driftFloor ${formatOption(options.driftFloor)}: too small a move to matter`,
    };
  }
  return { holds: true, value: step, threshold: spikeLimit, text: `${measured} is a spike: above ${rule}` };
}

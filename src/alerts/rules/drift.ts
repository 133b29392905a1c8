import { formatNumber, formatOption } from '../format-number';
import { median } from '../median';
import type { Verdict, WeightRule } from '../rule';
import { isTrained } from '../weight-roles';
import { inDriftWarmup } from '../weight-state';

/**
 * `drift`: a trained weight moved a lot since its previous snapshot: relative drift above
 * `driftThreshold`, or a spike above `driftSpikeFactor` x the median of its earlier relative
 * drifts (once it has `driftSpikeMinHistory` of them and their median is above 0). A weight whose
 * initial values were all zero is judged by spikes only (its relative drift is large while it is
 * small: a healthy bias drifts 3x its norm in its third epoch). The first
 * comparisons of each weight (`driftWarmup`) are neither checked nor kept as history. For a spike the
 * threshold is `driftSpikeFactor` x median.
 *
 * @example
 * // "dense_Dense1/kernel: relative drift 3.2 is above driftThreshold 1 (epoch 4)"
 * // "dense_Dense1/kernel: relative drift 0.51 is a spike: above driftSpikeFactor 5 x median 0.1
 * //  of its last 3 drifts = 0.5 (epoch 7)"
 */
export const driftRule: WeightRule = {
  kind: 'drift',
  appliesTo: isTrained,
  check({ stats, state, options, progressed }): Verdict | null {
    const value = stats.drift?.relative ?? null;
    if (!progressed || value === null || inDriftWarmup(state, options)) return null;
    const threshold = options.driftThreshold;
    const limit = `driftThreshold ${formatOption(threshold)}`;
    // A weight that started at zero (a bias, BatchNorm's beta) stays small for a while, so its
    // relative drift is large on healthy runs: it is judged by spikes only.
    const startedAtZero = state.initialL2 === null || state.initialL2 === 0;
    if (!startedAtZero && value > threshold) {
      return { holds: true, value, threshold, text: `relative drift ${formatNumber(value, threshold)} is above ${limit}` };
    }
    const history = state.driftHistory;
    const typical = history.length >= options.driftSpikeMinHistory ? median(history) : 0;
    const within = startedAtZero ? `${limit} does not apply (the weight started at zero: spikes only)` : `is within ${limit}`;
    if (typical <= 0) {
      return { holds: false, value, threshold, text: `relative drift ${formatNumber(value, threshold)} ${startedAtZero ? `(${within})` : within}` };
    }
    const spikeLimit = options.driftSpikeFactor * typical;
    const measured = `relative drift ${formatNumber(value, spikeLimit)}`;
    const spike = `driftSpikeFactor ${formatOption(options.driftSpikeFactor)} x median ${formatNumber(typical)} `
      + `of its last ${history.length} drifts = ${formatNumber(spikeLimit)}`;
    return value > spikeLimit
      ? { holds: true, value, threshold: spikeLimit, text: `${measured} is a spike: above ${spike}` }
      : { holds: false, value, threshold, text: startedAtZero ? `${measured} is within ${spike} (${within})` : `${measured} is within ${limit} and ${spike}` };
  },
};

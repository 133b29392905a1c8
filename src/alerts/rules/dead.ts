import { formatNumber, formatOption, formatPercent } from '../format-number';
import type { WeightRule } from '../rule';
import { isTrained } from '../weight-roles';

/**
 * `dead`: a trained weight is (almost) all zeros (`zeroFraction >= deadThreshold`) after training
 * has started. Snapshots at epoch 0 and batch 0 are skipped: biases start at zero and then move.
 * A weight the optimizer does not update (`optimized === false`) is skipped too: a zero bias of a
 * layer unfrozen without recompiling never had a chance to move, and `frozen` already says why.
 *
 * @example
 * // "dense_Dense1/bias: zeroFraction 1 is at or above deadThreshold 1: all 128 finite elements are zero (epoch 2)"
 */
export const deadRule: WeightRule = {
  kind: 'dead',
  appliesTo: isTrained,
  check({ record, stats, options, trainingStarted }) {
    const value = stats.zeroFraction;
    if (!trainingStarted || value === null || record?.optimized === false) return null;
    const threshold = options.deadThreshold;
    const compared = `zeroFraction ${formatNumber(value, threshold)}`;
    const limit = `deadThreshold ${formatOption(threshold)}`;
    if (value < threshold) {
      return { holds: false, value, threshold, text: `${compared} is below ${limit} again` };
    }
    const share = value === 1 ? 'all' : `${formatPercent(value)} of its`;
    return {
      holds: true,
      value,
      threshold,
      text: `${compared} is at or above ${limit}: ${share} ${stats.count} finite elements are zero`,
    };
  },
};

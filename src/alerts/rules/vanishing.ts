import { formatNumber, formatOption } from '../format-number';
import type { WeightRule } from '../rule';
import { isTrained } from '../weight-roles';

/**
 * `vanishing`: a trained weight's l2Norm fell below `vanishThreshold` x its l2Norm in its first
 * snapshot. The value is the ratio to the initial l2Norm. Weights that started at zero have no
 * scale to compare with and are never checked.
 *
 * @example
 * // "dense_Dense1/kernel: l2Norm 0.5 is 0.05 of its initial 10, below vanishThreshold 0.1 (epoch 9)"
 */
export const vanishingRule: WeightRule = {
  kind: 'vanishing',
  appliesTo: isTrained,
  check({ stats, state, options }) {
    const initial = state.initialL2;
    const current = stats.l2Norm;
    if (initial === null || initial <= 0 || current === null) return null;
    const value = current / initial;
    const threshold = options.vanishThreshold;
    const text = `l2Norm ${formatNumber(current)} is ${formatNumber(value, threshold)} of its initial ${formatNumber(initial)}`;
    const limit = `vanishThreshold ${formatOption(threshold)}`;
    return value < threshold
      ? { holds: true, value, threshold, text: `${text}, below ${limit}` }
      : { holds: false, value, threshold, text: `${text}, back at or above ${limit}` };
  },
};

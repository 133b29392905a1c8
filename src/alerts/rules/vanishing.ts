import { formatNumber, formatOption } from '../format-number';
import { measured, type MeasuredVerdict, type WeightRule } from '../rule';
import { isTrained } from '../weight-roles';

/**
 * `vanishing`: a trained weight's l2Norm fell below `vanishThreshold` x its l2Norm in its first
 * snapshot. The value is the ratio to the initial l2Norm. Weights that started at zero have no
 * scale to compare with and are never checked.
 *
 * @example
 * // "dense_Dense1/kernel: l2Norm 0.5 is 0.05 of its initial 10, below vanishThreshold 0.1 (epoch 9)"
 */
export const vanishingRule: WeightRule<MeasuredVerdict> = {
  kind: 'vanishing',
  appliesTo: isTrained,
  check({ stats, state, options }) {
    const initial = state.initialL2;
    const current = stats.l2Norm;
    if (initial === null || initial <= 0 || current === null) return null;
    const value = current / initial;
    const threshold = options.vanishThreshold;
    return { holds: value < threshold, value, threshold };
  },
  explain(verdict, { stats, state, options }) {
    const threshold = options.vanishThreshold;
    // `check` gave a verdict: both norms are known and `value` is their ratio.
    const text = `l2Norm ${formatNumber(stats.l2Norm as number)} is ${formatNumber(verdict.value as number, threshold)} `
      + `of its initial ${formatNumber(state.initialL2 as number)}`;
    const limit = `vanishThreshold ${formatOption(threshold)}`;
    return measured(verdict, verdict.holds ? `${text}, below ${limit}` : `${text}, back at or above ${limit}`);
  },
};

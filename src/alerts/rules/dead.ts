import { formatNumber, formatOption, formatPercent } from '../format-number';
import { measured, type MeasuredVerdict, type WeightRule } from '../rule';
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
export const deadRule: WeightRule<MeasuredVerdict> = {
  kind: 'dead',
  appliesTo: isTrained,
  check({ record, stats, options, trainingStarted }) {
    const value = stats.zeroFraction;
    if (!trainingStarted || value === null || record?.optimized === false) return null;
    const threshold = options.deadThreshold;
    return { holds: !(value < threshold), value, threshold };
  },
  explain(verdict, { stats, options }) {
    const zeroFraction = verdict.value as number; // `check` gave a verdict: the zeroFraction
    const threshold = options.deadThreshold;
    const compared = `zeroFraction ${formatNumber(zeroFraction, threshold)}`;
    const limit = `deadThreshold ${formatOption(threshold)}`;
    if (!verdict.holds) return measured(verdict, `${compared} is below ${limit} again`);
    const share = zeroFraction === 1 ? 'all' : `${formatPercent(zeroFraction)} of its`;
    return measured(verdict, `${compared} is at or above ${limit}: ${share} ${stats.count} finite elements are zero`);
  },
};

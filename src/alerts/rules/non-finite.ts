import { measured, type MeasuredVerdict, type WeightRule } from '../rule';

/** The verdict of every all-finite snapshot, shared: verdicts are never modified. */
const ALL_FINITE: MeasuredVerdict = { holds: false, value: 0, threshold: 0 };

/**
 * `non-finite`: the weight holds NaN or Inf elements (`nanCount + infCount > 0`). Checked on
 * every watched weight, moving statistics and weights missing from the census included.
 *
 * @example
 * // "dense_Dense1/kernel: 3 of 100 elements are not finite (2 NaN, 1 Inf) (epoch 4)"
 */
export const nonFiniteRule: WeightRule<MeasuredVerdict> = {
  kind: 'non-finite',
  appliesTo: () => true,
  check({ stats }) {
    const bad = stats.nanCount + stats.infCount;
    return bad > 0 ? { holds: true, value: bad, threshold: 0 } : ALL_FINITE;
  },
  explain(verdict, { stats }) {
    const bad = stats.nanCount + stats.infCount;
    const total = stats.count + bad;
    return measured(verdict, verdict.holds
      ? `${bad} of ${total} elements are not finite (${stats.nanCount} NaN, ${stats.infCount} Inf)`
      : `all ${total} elements are finite again`);
  },
};

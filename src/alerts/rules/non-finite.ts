import type { WeightRule } from '../rule';

/**
 * `non-finite`: the weight holds NaN or Inf elements (`nanCount + infCount > 0`). Checked on
 * every watched weight, moving statistics and weights missing from the census included.
 *
 * @example
 * // "dense_Dense1/kernel: 3 of 100 elements are not finite (2 NaN, 1 Inf) (epoch 4)"
 */
export const nonFiniteRule: WeightRule = {
  kind: 'non-finite',
  appliesTo: () => true,
  check({ stats }) {
    const bad = stats.nanCount + stats.infCount;
    const total = stats.count + bad;
    return bad > 0
      ? {
        holds: true,
        value: bad,
        threshold: 0,
        text: `${bad} of ${total} elements are not finite (${stats.nanCount} NaN, ${stats.infCount} Inf)`,
      }
      : { holds: false, value: 0, threshold: 0, text: `all ${total} elements are finite again` };
  },
};

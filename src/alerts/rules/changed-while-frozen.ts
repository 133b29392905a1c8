import { formatNumber, formatPercent } from '../format-number';
import type { WeightRule } from '../rule';
import { frozenReason, isDeclaredFrozen } from '../weight-roles';

/**
 * `changed-while-frozen`: a weight declared non-trainable changed anyway
 * (`drift.changedFraction > 0`), e.g. other code wrote it with `setWeights`. Moving statistics
 * change by design and are never checked.
 *
 * @example
 * // "d1/kernel: is not trainable (its layer `d1` has trainable: false) but 50% of its elements
 * //  changed (relative drift 0.01): something other than the optimizer wrote it, e.g.
 * //  `setWeights` or `assign` (epoch 2)"
 */
export const changedWhileFrozenRule: WeightRule = {
  kind: 'changed-while-frozen',
  appliesTo: isDeclaredFrozen,
  check({ record, stats, progressed }) {
    const changed = stats.drift?.changedFraction ?? null;
    if (!progressed || changed === null || record === undefined) return null;
    if (changed === 0) {
      return { holds: false, value: 0, threshold: 0, text: 'is not trainable and has stopped changing' };
    }
    const relative = stats.drift?.relative ?? null;
    const drift = relative === null ? '' : ` (relative drift ${formatNumber(relative)})`;
    return {
      holds: true,
      value: changed,
      threshold: 0,
      text: `is not trainable (${frozenReason(record)}) but ${formatPercent(changed)} of its elements `
        + `changed${drift}: something other than the optimizer wrote it, e.g. \`setWeights\` or \`assign\``,
    };
  },
};

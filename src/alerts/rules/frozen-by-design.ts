import type { WeightRecord } from '../../history-types';
import { measured, type MeasuredVerdict, type WeightRule } from '../rule';
import { frozenReason, isDeclaredFrozen } from '../weight-roles';
import { isUnchanged } from '../weight-state';

/**
 * `frozen-by-design` (info, once per weight): a weight declared non-trainable stayed still, as
 * it should. Reported the first time a snapshot shows no element changed, so that a frozen layer
 * is visible in the log without repeating a warning every epoch. Stillness here is exact
 * (`changedFraction` 0, no `frozenTolerance`), the counterpart of `changed-while-frozen`.
 *
 * @example
 * // "d1/kernel: is not trainable (its layer `d1` has trainable: false) and has not changed, as expected (epoch 1)"
 */
export const frozenByDesignRule: WeightRule<MeasuredVerdict> = {
  kind: 'frozen-by-design',
  once: true,
  appliesTo: isDeclaredFrozen,
  check({ record, stats, progressed }) {
    const unchanged = isUnchanged(stats.drift, 0);
    if (!progressed || unchanged === null || record === undefined) return null;
    return { holds: unchanged, value: stats.drift?.changedFraction ?? null, threshold: 0 };
  },
  explain(verdict, { record }) {
    return measured(verdict, verdict.holds
      ? `is not trainable (${frozenReason(record as WeightRecord)}) and has not changed, as expected`
      : 'is not trainable but changed');
  },
};

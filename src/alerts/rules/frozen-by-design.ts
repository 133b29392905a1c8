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
    if (!verdict.holds) return measured(verdict, 'is not trainable but changed');
    // Compiled while trainable, frozen since (a GAN's `discriminator.trainable = false`): the
    // optimizer's list has it, but `variableGrads` drops a non-trainable variable.
    const why = frozenReason(record as WeightRecord);
    return measured(verdict, record?.optimized === true
      ? `is not trainable (${why}) and has not changed: compile collected it for the optimizer, but it was made non-trainable since, and this model's training skips it`
      : `is not trainable (${why}) and has not changed, as expected`);
  },
};

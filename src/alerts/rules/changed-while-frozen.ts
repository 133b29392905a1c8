import { formatNumber, formatPercent } from '../format-number';
import type { WeightRecord } from '../../history-types';
import { measured, type MeasuredVerdict, type WeightRule } from '../rule';
import { frozenReason, isDeclaredFrozen } from '../weight-roles';

/** The verdict of every snapshot in which the weight did not change, shared: verdicts are never modified. */
const STOPPED: MeasuredVerdict = { holds: false, value: 0, threshold: 0 };

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
export const changedWhileFrozenRule: WeightRule<MeasuredVerdict> = {
  kind: 'changed-while-frozen',
  appliesTo: isDeclaredFrozen,
  check({ record, stats, progressed }) {
    const changed = stats.drift?.changedFraction ?? null;
    if (!progressed || changed === null || record === undefined) return null;
    return changed === 0 ? STOPPED : { holds: true, value: changed, threshold: 0 };
  },
  explain(verdict, { record, stats }) {
    if (!verdict.holds) return measured(verdict, 'is not trainable and has stopped changing');
    // `check` held, so there is a record and `value` is the changed fraction.
    const relative = stats.drift?.relative ?? null;
    const drift = relative === null ? '' : ` (relative drift ${formatNumber(relative)})`;
    return measured(verdict, `is not trainable (${frozenReason(record as WeightRecord)}) but `
      + `${formatPercent(verdict.value as number)} of its elements changed${drift}: something other than the optimizer `
      + 'wrote it, e.g. `setWeights` or `assign`');
  },
};

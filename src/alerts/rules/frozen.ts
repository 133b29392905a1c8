import { formatNumber, formatOption, formatPercent, formatSnapshots } from '../format-number';
import type { DriftStats } from '../../history-types';
import { measured, type MeasuredVerdict, type WeightRule } from '../rule';
import { isTrained } from '../weight-roles';
import { isUnchanged } from '../weight-state';

/**
 * `frozen`: a trained weight has not changed for `frozenPatience` snapshots in a row (no element
 * changed, or relative drift below `frozenTolerance`). When the weight is trainable but missing
 * from the optimizer's list (`optimized === false`: unfrozen after `compile`), the message says
 * to recompile. The value is the relative drift (0 when no element changed).
 *
 * @example
 * // "dense_Dense1/kernel: no element has changed for 3 snapshots in a row (frozenPatience 3) (epoch 3)"
 */
export const frozenRule: WeightRule<MeasuredVerdict> = {
  kind: 'frozen',
  appliesTo: isTrained,
  check({ stats, state, options, progressed }) {
    const drift = stats.drift;
    // NaN staying NaN is "unchanged", but a non-finite weight is `non-finite`'s business.
    if (!progressed || drift === undefined || stats.nanCount > 0 || stats.infCount > 0) return null;
    const unchanged = isUnchanged(drift, options.frozenTolerance);
    if (unchanged === null) return null;
    const value = drift.changedFraction === 0 ? (drift.relative ?? 0) : drift.relative;
    const holds = unchanged && state.unchangedStreak >= options.frozenPatience;
    return { holds, value, threshold: options.frozenTolerance };
  },
  explain(verdict, { record, stats, state, options }) {
    const { value } = verdict;
    const drift = stats.drift as DriftStats; // `check` gave a verdict, so there is a drift
    const threshold = options.frozenTolerance;
    const tolerance = `frozenTolerance ${formatOption(threshold)}`;
    if (!isUnchanged(drift, options.frozenTolerance)) {
      const moved = drift.relative === null
        ? `${formatPercent(drift.changedFraction ?? 0)} of its elements`
        : `relative drift ${formatNumber(drift.relative, threshold)}`;
      return measured(verdict, `changed again (${moved}, ${tolerance})`);
    }
    const streak = `for ${formatSnapshots(state.unchangedStreak)} in a row (frozenPatience ${options.frozenPatience})`;
    if (state.unchangedStreak < options.frozenPatience) return measured(verdict, `unchanged ${streak}`);
    const finding = drift.changedFraction === 0
      ? `no element has changed ${streak}`
      : `relative drift ${formatNumber(value ?? 0, threshold)} has stayed below ${tolerance} ${streak}`;
    const hint = record?.optimized === false
      ? '; it is trainable but not in the optimizer\'s list (unfrozen after compile?): '
        + 'recompile the model (`model.compile`) so the optimizer picks it up'
      : '';
    return measured(verdict, finding + hint);
  },
};

import { formatOption, formatPercent } from '../format-number';
import { deadShare } from '../gradient-state';
import { measured, type MeasuredVerdict, type WeightRule } from '../rule';
import { isTrained } from '../weight-roles';

/**
 * `dead-units` (option `gradients`): at least `deadUnitsThreshold` of a Dense or Conv kernel's
 * output units (its last axis) got an exactly zero gradient at every step since the previous
 * snapshot, at `gradientPatience` snapshots in a row: dead ReLUs, or units whose input is always
 * zero. The value is the share of dead units.
 *
 * @example
 * // "dense_Dense1/kernel: 30 of 32 units (94%) got no gradient since the previous snapshot (dead ReLU?), at or above deadUnitsThreshold 0.75, for 2 snapshots (epoch 2)"
 */
export const deadUnitsRule: WeightRule<MeasuredVerdict> = {
  kind: 'dead-units',
  appliesTo: isTrained,
  check({ gradient, state, options }) {
    const share = deadShare(gradient);
    if (share === null) return null;
    return { holds: share >= options.deadUnitsThreshold && state.deadUnitsStreak >= options.gradientPatience, value: share, threshold: options.deadUnitsThreshold };
  },
  explain(verdict, { gradient, state, options }) {
    const g = gradient!; // `check` gave a verdict: the gradient counts units
    const units = `${g.deadUnits} of ${g.units} units (${formatPercent(verdict.value as number)})`;
    const limit = `deadUnitsThreshold ${formatOption(options.deadUnitsThreshold)}`;
    if (!verdict.holds) return measured(verdict, `${units} got no gradient since the previous snapshot, below ${limit} again`);
    return measured(verdict, `${units} got no gradient since the previous snapshot (dead ReLU?), at or above ${limit}, for ${state.deadUnitsStreak} snapshots`);
  },
};

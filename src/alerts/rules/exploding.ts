import { formatNumber, formatOption } from '../format-number';
import { measured, type MeasuredVerdict, type WeightRule } from '../rule';
import { isTrained } from '../weight-roles';
import { inDriftWarmup } from '../weight-state';

/** What `explain` words: both measures, and the largest earlier l2Norm the growth is against. */
interface ExplodingVerdict extends MeasuredVerdict {
  magnitude: number | null;
  growth: number | null;
  previous: number | null;
}

/**
 * `exploding`: a trained weight's largest magnitude `max(|min|, |max|)` is above
 * `explodeThreshold`, or its l2Norm is more than `growthThreshold` x the largest l2Norm it had in
 * any earlier snapshot (not checked while that is 0, nor during the weight's `driftWarmup`).
 * Against the largest, not the previous, l2Norm: a small weight passing close to zero (a
 * one-element bias changing sign) regrows many times its previous norm on a healthy run. The
 * value is the magnitude or the growth factor, whichever fired (the magnitude when neither did).
 *
 * @example
 * // "dense_Dense1/kernel: max |w| 2100 is above explodeThreshold 1000 (epoch 6)"
 * // "dense_Dense1/kernel: l2Norm grew 12x its largest earlier l2Norm (3.1 -> 37.2), above growthThreshold 5 (epoch 5)"
 */
export const explodingRule: WeightRule<ExplodingVerdict> = {
  kind: 'exploding',
  appliesTo: isTrained,
  check({ stats, state, options, progressed }): ExplodingVerdict | null {
    const { explodeThreshold, growthThreshold } = options;
    const magnitude = stats.min === null || stats.max === null
      ? null : Math.max(Math.abs(stats.min), Math.abs(stats.max));
    const previous = state.largestL2;
    const current = stats.l2Norm;
    const growth = progressed && previous !== null && previous > 0 && current !== null
      && !inDriftWarmup(state, options) ? current / previous : null;
    if (magnitude === null && growth === null) return null;
    if (magnitude !== null && magnitude > explodeThreshold) {
      return { holds: true, value: magnitude, threshold: explodeThreshold, magnitude, growth, previous };
    }
    if (growth !== null && growth > growthThreshold) {
      return { holds: true, value: growth, threshold: growthThreshold, magnitude, growth, previous };
    }
    return magnitude === null
      ? { holds: false, value: growth, threshold: growthThreshold, magnitude, growth, previous }
      : { holds: false, value: magnitude, threshold: explodeThreshold, magnitude, growth, previous };
  },
  explain(verdict, { stats, options }) {
    const { magnitude, growth, previous } = verdict;
    const { explodeThreshold, growthThreshold } = options;
    const size = magnitude === null ? '' : `max |w| ${formatNumber(magnitude, explodeThreshold)}`;
    const explodeLimit = `explodeThreshold ${formatOption(explodeThreshold)}`;
    if (magnitude !== null && magnitude > explodeThreshold) return measured(verdict, `${size} is above ${explodeLimit}`);
    const grew = growth === null ? '' : `l2Norm grew ${formatNumber(growth, growthThreshold)}x its largest earlier l2Norm`;
    const growthLimit = `growthThreshold ${formatOption(growthThreshold)}`;
    if (growth !== null && growth > growthThreshold) {
      const change = `(${formatNumber(previous ?? 0)} -> ${formatNumber(stats.l2Norm ?? 0)})`;
      return measured(verdict, `${grew} ${change}, above ${growthLimit}`);
    }
    const fine = [size && `${size} is within ${explodeLimit}`, grew && `${grew}, within ${growthLimit}`];
    return measured(verdict, magnitude === null ? fine[1] : fine.filter(Boolean).join(' and '));
  },
};

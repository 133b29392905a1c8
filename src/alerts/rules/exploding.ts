import { formatNumber, formatOption } from '../format-number';
import type { Verdict, WeightRule } from '../rule';
import { isTrained } from '../weight-roles';
import { inDriftWarmup } from '../weight-state';

/**
 * `exploding`: a trained weight's largest magnitude `max(|min|, |max|)` is above
 * `explodeThreshold`, or its l2Norm grew by more than `growthThreshold` x since its previous
 * snapshot (not checked while the previous l2Norm is 0, nor during the weight's `driftWarmup`). The
 * value is the magnitude or the growth factor, whichever fired (the magnitude when neither did).
 *
 * @example
 * // "dense_Dense1/kernel: max |w| 2100 is above explodeThreshold 1000 (epoch 6)"
 * // "dense_Dense1/kernel: l2Norm grew 12x (3.1 -> 37.2), above growthThreshold 5 (epoch 5)"
 */
export const explodingRule: WeightRule = {
  kind: 'exploding',
  appliesTo: isTrained,
  check({ stats, state, options, progressed }): Verdict | null {
    const { explodeThreshold, growthThreshold } = options;
    const magnitude = stats.min === null || stats.max === null
      ? null : Math.max(Math.abs(stats.min), Math.abs(stats.max));
    const previous = state.previousL2;
    const current = stats.l2Norm;
    const growth = progressed && previous !== null && previous > 0 && current !== null
      && !inDriftWarmup(state, options) ? current / previous : null;
    if (magnitude === null && growth === null) return null;
    const size = magnitude === null ? '' : `max |w| ${formatNumber(magnitude, explodeThreshold)}`;
    const explodeLimit = `explodeThreshold ${formatOption(explodeThreshold)}`;
    if (magnitude !== null && magnitude > explodeThreshold) {
      return { holds: true, value: magnitude, threshold: explodeThreshold, text: `${size} is above ${explodeLimit}` };
    }
    const grew = growth === null ? '' : `l2Norm grew ${formatNumber(growth, growthThreshold)}x`;
    const growthLimit = `growthThreshold ${formatOption(growthThreshold)}`;
    if (growth !== null && growth > growthThreshold) {
      const change = `(${formatNumber(previous ?? 0)} -> ${formatNumber(current ?? 0)})`;
      return { holds: true, value: growth, threshold: growthThreshold, text: `${grew} ${change}, above ${growthLimit}` };
    }
    const fine = [size && `${size} is within ${explodeLimit}`, grew && `${grew}, within ${growthLimit}`];
    return magnitude === null
      ? { holds: false, value: growth, threshold: growthThreshold, text: fine[1] }
      : { holds: false, value: magnitude, threshold: explodeThreshold, text: fine.filter(Boolean).join(' and ') };
  },
};

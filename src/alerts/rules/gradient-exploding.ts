import { formatNumber, formatOption } from '../format-number';
import { measured, type MeasuredVerdict, type WeightRule } from '../rule';
import { isTrained } from '../weight-roles';

/** A jump is judged against the weight's own noise once it has this many earlier norms, as the drift spike is. */
const SPREAD_HISTORY = 5;

interface ExplodingVerdict extends MeasuredVerdict {
  median: number;
  history: number;
}

/**
 * `gradient-exploding` (option `gradients`): a trained weight's largest gradient norm since the
 * previous snapshot jumped above `gradientExplodeFactor` x the median of its earlier ones (from
 * `gradientExplodeMinHistory` earlier snapshots with a gradient on) and, once it has 5 or more,
 * above that median plus `gradientExplodeSpread` x their robust spread: judged against the
 * weight's own noise, as the drift spike is. A learning rate past the stability limit multiplies
 * the gradient norm at every step before the weights leave their healthy range. The value is the
 * norm, the threshold the limit it crossed.
 *
 * @example
 * // "dense_Dense1/kernel: gradient norm 358 is above gradientExplodeFactor 5 x the median 56.5 of its 2 earlier snapshots = 283 (epoch 0, batch 3)"
 */
export const gradientExplodingRule: WeightRule<ExplodingVerdict> = {
  kind: 'gradient-exploding',
  appliesTo: isTrained,
  check({ gradient, state, options }) {
    const norm = gradient?.maxNorm;
    const window = state.gradientNorms;
    if (norm == null || window.length < options.gradientExplodeMinHistory) return null;
    const median = window.median();
    const byFactor = options.gradientExplodeFactor * median;
    const limit = window.length >= SPREAD_HISTORY ? Math.max(byFactor, median + options.gradientExplodeSpread * window.robustSpread()) : byFactor;
    return { holds: median > 0 && norm > limit, value: norm, threshold: limit, median, history: window.length };
  },
  explain(verdict, { options }) {
    const norm = `gradient norm ${formatNumber(verdict.value as number)}`;
    const factor = `gradientExplodeFactor ${formatOption(options.gradientExplodeFactor)} x the median ${formatNumber(verdict.median)}`;
    const limit = verdict.history >= SPREAD_HISTORY
      ? `the larger of ${factor} and median + gradientExplodeSpread ${formatOption(options.gradientExplodeSpread)} x spread of its ${verdict.history} earlier snapshots = ${formatNumber(verdict.threshold as number)}`
      : `${factor} of its ${verdict.history} earlier snapshots = ${formatNumber(verdict.threshold as number)}`;
    return measured(verdict, `${norm} is ${verdict.holds ? 'above' : 'within'} ${limit}`);
  },
};

import { formatNumber, formatOption } from '../format-number';
import { judgeVanishing } from '../gradient-state';
import { measured, type MeasuredVerdict, type WeightRule } from '../rule';
import { isTrained } from '../weight-roles';

interface VanishingVerdict extends MeasuredVerdict {
  others: number | null;
}

/**
 * `gradient-vanishing` (option `gradients`): a trained weight's gradient scale (mean gradient L2
 * norm since the previous snapshot over the weight's L2 norm) is below `gradientVanishFloor`, or
 * below `gradientVanishRatio` x the median scale of the other weights, at `gradientPatience`
 * snapshots in a row. A layer of saturated sigmoids gets (almost) no gradient while the layers
 * after it learn: its weights still move a little (adam's momentum, other layers' effect on the
 * loss) but its gradient is 0 or 1e-12 of the others'. The value is the scale.
 *
 * @example
 * // "dense_Dense1/kernel: gradient scale 0 (mean gradient norm / weight norm) is below gradientVanishFloor 1e-8, for 2 snapshots (epoch 2)"
 * // "dense_Dense1/kernel: gradient scale 1.8e-12 is below gradientVanishRatio 1e-6 x the other weights' median 0.31, for 2 snapshots (epoch 2)"
 */
export const gradientVanishingRule: WeightRule<VanishingVerdict> = {
  kind: 'gradient-vanishing',
  appliesTo: isTrained,
  check({ stats, gradient, gradientScales, state, options, record }) {
    if (record?.optimized === false) return null;
    const judged = judgeVanishing(stats, gradient, gradientScales, options);
    if (judged === null) return null;
    const holds = judged.holds && state.vanishedStreak >= options.gradientPatience;
    const belowFloor = judged.scale < options.gradientVanishFloor;
    const threshold = belowFloor || judged.others === null ? options.gradientVanishFloor : options.gradientVanishRatio * judged.others;
    return { holds, value: judged.scale, threshold, others: judged.others };
  },
  explain(verdict, { state, options }) {
    const scale = `gradient scale ${formatNumber(verdict.value as number)} (mean gradient norm / weight norm)`;
    const floor = `gradientVanishFloor ${formatOption(options.gradientVanishFloor)}`;
    const ratio = verdict.others === null ? null
      : `gradientVanishRatio ${formatOption(options.gradientVanishRatio)} x the other weights' median ${formatNumber(verdict.others)}`;
    if (!verdict.holds) return measured(verdict, `${scale} is back above ${ratio === null ? floor : `${floor} and ${ratio}`}`);
    const limit = (verdict.value as number) < options.gradientVanishFloor || ratio === null ? floor : ratio;
    return measured(verdict, `${scale} is below ${limit}, for ${state.vanishedStreak} snapshots`);
  },
};

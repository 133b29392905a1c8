/**
 * What the gradient rules remember between snapshots (fields of `WeightState`): the streaks of
 * `gradient-vanishing` and `dead-units`, counted before the rules run, and the earlier gradient
 * norms `gradient-exploding` judges a jump against, kept after.
 */
import type { GradientStats, WeightStats } from '../history-types';
import { median } from './median';
import { gradientScale } from './gradient-scale';
import type { ResolvedAlertOptions } from './option-types';
import type { WeightState } from './weight-state';

/** Whether the gradient vanished, with the scale and the reference it was judged against. */
export interface Vanishing {
  holds: boolean;
  /** The weight's gradient scale. */
  scale: number;
  /** Median scale of the other weights, null when there is none to compare with. */
  others: number | null;
}

/**
 * The gradient scale of a weight against the floor and the other weights' median. `scales` holds
 * every watched weight's scale in this snapshot, this one's included (it is left out once).
 */
export function judgeVanishing(
  stats: WeightStats, gradient: GradientStats | undefined, scales: readonly number[], options: ResolvedAlertOptions,
): Vanishing | null {
  const scale = gradientScale(stats, gradient);
  if (scale === null) return null;
  const rest = scales.slice();
  const own = rest.indexOf(scale);
  if (own >= 0) rest.splice(own, 1);
  const others = rest.length > 0 ? median(rest) : null;
  const holds = scale < options.gradientVanishFloor || (others !== null && others > 0 && scale < options.gradientVanishRatio * others);
  return { holds, scale, others };
}

/** Share of a kernel's output units that got no gradient since the previous snapshot; null for other weights. */
export function deadShare(gradient: GradientStats | undefined): number | null {
  if (gradient?.deadUnits === undefined || !gradient.units) return null;
  return gradient.deadUnits / gradient.units;
}

/** Counts the current snapshot in the streaks; call before the rules run. */
export function noteGradient(
  state: WeightState, stats: WeightStats, gradient: GradientStats | undefined, scales: readonly number[], options: ResolvedAlertOptions,
): void {
  if (gradient === undefined) return;
  const vanishing = judgeVanishing(stats, gradient, scales, options);
  if (vanishing !== null) state.vanishedStreak = vanishing.holds ? state.vanishedStreak + 1 : 0;
  const share = deadShare(gradient);
  if (share !== null) state.deadUnitsStreak = share >= options.deadUnitsThreshold ? state.deadUnitsStreak + 1 : 0;
}

/** Remembers the gradient norm for the next snapshots; call after the rules ran. */
export function rememberGradient(state: WeightState, gradient: GradientStats | undefined): void {
  if (gradient?.maxNorm != null && Number.isFinite(gradient.maxNorm)) state.gradientNorms.push(gradient.maxNorm);
}

import type { GradientStats, WeightStats } from '../history-types';

/**
 * A weight's gradient scale: its mean gradient L2 norm over the steps since the previous snapshot,
 * over the weight's own L2 norm (how far one unscaled step would move it); null when either is
 * unknown or not finite, or the weight is zero.
 */
export function gradientScale(weight: WeightStats | undefined, gradient: GradientStats | undefined): number | null {
  const w = weight?.l2Norm;
  const g = gradient?.meanNorm;
  if (w == null || g == null || !(w > 0) || !Number.isFinite(w) || !Number.isFinite(g)) return null;
  return g / w;
}

/** The gradient scale of every watched weight of a snapshot that has one (order: the snapshot's). */
export function gradientScales(
  stats: Record<string, WeightStats>, gradients: Record<string, GradientStats>, watches: (name: string) => boolean,
): number[] {
  const scales: number[] = [];
  for (const name of Object.keys(gradients)) {
    if (!watches(name)) continue;
    const scale = gradientScale(stats[name], gradients[name]);
    if (scale !== null) scales.push(scale);
  }
  return scales;
}

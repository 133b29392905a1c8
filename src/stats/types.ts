/**
 * What both statistics engines share: their inputs and configuration, and the rules that do not
 * depend on how the numbers were computed (a 0-element weight, a relative change, shape checks).
 */
import type * as tf from '@tensorflow/tfjs';
import type { WeightStats } from '../history-types';

export interface StatsConfig {
  /** Histogram bins, 1 to 10,000. */
  bins: number;
  /** |x| <= zeroTolerance counts as zero. */
  zeroTolerance: number;
}

export interface StatsInput {
  /** Any shape; float32 or int32 (measured as float32). */
  value: tf.Tensor;
  /** Same shape: the previous snapshot's copy. Fills `drift`. */
  previous?: tf.Tensor;
  /** l2Norm of `previous` as measured then. */
  previousL2?: number | null;
  /** Same shape: the first snapshot's copy. Fills `fromStart`. */
  initial?: tf.Tensor;
  initialL2?: number | null;
  /**
   * The device engine may dispose `previous` once it has read it, before the snapshot is done, so
   * that its bytes are free for the histogram's intermediates (the snapshot store, which replaces
   * the copy after the snapshot anyway). Ignored by the host engine.
   */
  releasePrevious?: boolean;
}

/** `l2 / reference`: 0 when l2 is 0, null when l2 is null or the reference is not > 0. */
export function relativeTo(l2: number | null, reference: number | null | undefined): number | null {
  if (l2 === null) return null;
  if (l2 === 0) return 0;
  return reference != null && reference > 0 ? l2 / reference : null;
}

/** The statistics of a 0-element weight: counts 0, everything else null. */
export function emptyStats(drift: boolean, fromStart: boolean, bins: number): WeightStats {
  const stats: WeightStats = {
    count: 0, mean: null, std: null, min: null, max: null, absMean: null, l2Norm: null,
    zeroCount: 0, zeroFraction: null, nanCount: 0, infCount: 0,
    histogram: { min: null, max: null, counts: new Array<number>(bins).fill(0) },
  };
  if (drift) stats.drift = { l2: null, relative: null, maxAbs: null, changedFraction: null };
  if (fromStart) stats.fromStart = { relative: null };
  return stats;
}

/** Whether two shapes are equal (this module loads no tfjs at run time: the measuring worker imports it). */
export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Throws when a `previous` or `initial` copy does not have the value's shape. */
export function checkInput(input: StatsInput, i: number): void {
  for (const key of ['previous', 'initial'] as const) {
    const ref = input[key];
    if (ref && !sameShape(ref.shape, input.value.shape)) {
      throw new RangeError(`Input ${i}: \`${key}\` has shape [${ref.shape}] but the value has shape [${input.value.shape}].`);
    }
  }
}

/**
 * The largest float32 <= t (t >= 0), so that `|x| <= t` on float32 elements means the same as
 * in float64: rounding t to nearest could round it up, past elements that are above t
 * (`fround(1e-3)` is above 1e-3). Both engines compare with it.
 */
export function float32AtMost(t: number): number {
  const f = Math.fround(t);
  if (f <= t) return f;
  const view = new DataView(new ArrayBuffer(4));
  view.setFloat32(0, f);
  view.setInt32(0, view.getInt32(0) - 1); // t >= 0: one ulp down
  return view.getFloat32(0);
}

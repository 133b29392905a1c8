/**
 * The device engine's fast path (see ./device-engine.ts): float32 weights whose elements are all
 * finite, within 2^-30..2^40 in magnitude (or all 0), measured in two passes of reductions, each
 * full-size intermediate reduced and freed before the next is made. Between the passes the
 * engine downloads the first pass's scalars, so the second pass gets the mean, min and max as
 * plain numbers instead of computing them with scalar kernels, and the engine sends to the
 * general path (./device-general.ts) any weight where float32 could not be exact.
 *
 * 1. per weight: `Sum`, `Min`, `Max` of the weight; per copy, `SquaredDifference` and its `Sum`
 *    (and for the previous copy its `Max`: the largest change, squared). A sum that is not finite
 *    means a NaN, an infinity or an overflow: the general path.
 * 2. per weight: the squares centred on the mean (`SquaredDifference`, `Sum`); `Abs` and its `Sum`
 *    and the elements above the zero tolerance (on cpu and tensorflow at tolerance 0 up to 2^24
 *    elements, `Sign` of |x| and its `Sum`, else `LessEqual` and an int32 `Sum`); the histogram: `Sub`, `Multiply`, `Cast` to
 *    int32 and `Bincount` with bins + 1 slots (an element that rounds onto the top edge lands in
 *    the last slot, added to the last bin, so no clip is needed); against the previous copy the
 *    unchanged elements (`Equal` and an int32 `Sum`; also against the initial copy when its
 *    squared differences summed to under 2^-60, where they could have underflowed).
 *
 * Memory: the largest intermediate is the histogram's float positions and their int32 index
 * together, 2x the weight's bytes. When the store lets the engine release the previous copy
 * (`releasePrevious`, see ./types.ts), it is disposed as soon as the unchanged elements are
 * counted, before the histogram: from a weight's second snapshot on, the peak over what was held
 * before the snapshot is 1x the weight (tested with `tf.profile` in
 * test/stats/device-memory.test.ts).
 */
import * as tf from '@tensorflow/tfjs';
import type { WeightStats } from '../history-types';
import { exactSum, needsMeanCorrection, plainSumsExact } from './device-sums';
import { float32AtMost, relativeTo, StatsConfig, StatsInput } from './types';
import { maxOf, minOf } from './webgl-min-max';

/** Magnitudes the fast path takes: squares and their sums stay normal float32 numbers. */
const LARGEST = 2 ** 40;
const SMALLEST = 2 ** -30;
/** A squared difference at least this large cannot be a sum of underflowed squares. */
const RELIABLE_MAX_SQ = 2 ** -80;
const RELIABLE_SUM_SQ = 2 ** -60;
/** A float32 sum of 0s and 1s is exact up to here. */
const FLOAT_COUNT_MAX = 2 ** 24;

/** What the first pass found for one weight, as plain numbers. */
export interface FirstPass {
  sum: number;
  lo: number;
  hi: number;
  previousSq?: number;
  previousMaxSq?: number;
  initialSq?: number;
}

/** How many floats the first pass yields for this input. */
export function firstPassLength(input: StatsInput): number {
  return 3 + (input.previous ? 2 : 0) + (input.initial ? 1 : 0);
}

/** The first pass's scalars for one float32 weight (see the module comment). Call inside `tf.tidy`. */
export function firstPass(input: StatsInput): tf.Scalar[] {
  const x = input.value;
  const out: tf.Scalar[] = [exactSum(x), minOf(x), maxOf(x)];
  for (const ref of [input.previous, input.initial]) {
    if (!ref) continue;
    const sq = tf.squaredDifference(x, ref);
    out.push(exactSum(sq));
    if (ref === input.previous) out.push(tf.max(sq) as tf.Scalar);
    sq.dispose();
  }
  return out;
}

/** The first pass's numbers for one weight, or null when the general path must measure it. */
export function readFirstPass(input: StatsInput, v: ArrayLike<number>): FirstPass | null {
  let i = 0;
  const first: FirstPass = { sum: v[i++], lo: v[i++], hi: v[i++] };
  if (input.previous) {
    first.previousSq = v[i++];
    first.previousMaxSq = v[i++];
  }
  if (input.initial) first.initialSq = v[i++];
  const maxAbs = Math.max(Math.abs(first.lo), Math.abs(first.hi));
  const finite = [first.sum, first.lo, first.hi, first.previousSq ?? 0, first.initialSq ?? 0].every(Number.isFinite);
  if (!finite || maxAbs > LARGEST || (maxAbs > 0 && maxAbs < SMALLEST)) return null;
  return first;
}

/** The second pass's tensors for one weight: named float and int32 scalars, and the histogram. */
export interface SecondPass {
  floats: [string, tf.Scalar][];
  ints: [string, tf.Scalar][];
  histogram: tf.Tensor1D | null;
}

/** Whether the previous copy's squared differences may all have underflowed (then the unchanged count decides). */
function previousUncertain(first: FirstPass): boolean {
  return first.previousMaxSq !== undefined && first.previousMaxSq < RELIABLE_MAX_SQ;
}

function initialUncertain(first: FirstPass): boolean {
  return first.initialSq !== undefined && first.initialSq < RELIABLE_SUM_SQ;
}

/** Runs `fn` in a `tf.tidy`: what it creates but does not return is freed at once. */
function reduced<T extends tf.TensorContainer>(fn: () => T): T {
  return tf.tidy(fn);
}

/** An int32 count of the true elements of a bool tensor, then frees it. */
function countTrue(b: tf.Tensor): tf.Scalar {
  const count = reduced(() => tf.sum(b) as tf.Scalar);
  b.dispose();
  return count;
}

/**
 * The second pass for one weight (see the module comment). With `release`, disposes the previous
 * copy once it has been read (the caller replaces it), unless the general path may still need it.
 */
export function secondPass(input: StatsInput, first: FirstPass, config: StatsConfig, release: boolean): SecondPass {
  const x = input.value;
  const n = x.size;
  const out: SecondPass = { floats: [], ints: [], histogram: null };
  const { previous, initial } = input;
  if (previous) {
    const equal = reduced(() => tf.equal(x, previous));
    // Freed before its count's int32 cast and the histogram, which then fit in its bytes.
    if (release && !previousUncertain(first) && !initialUncertain(first)) previous.dispose();
    out.ints.push(['unchanged', countTrue(equal)]);
  }
  if (initial && initialUncertain(first)) out.ints.push(['initialUnchanged', countTrue(reduced(() => tf.equal(x, initial)))]);
  if (first.lo === first.hi) return out; // a constant: everything follows from lo (see readSecondPass)
  const centre = Math.fround(first.sum / n);
  out.floats.push(['centredSq', reduced(() => exactSum(tf.squaredDifference(x, centre)))]);
  if (needsMeanCorrection()) out.floats.push(['residual', reduced(() => exactSum(tf.sub(x, centre)))]);
  const tolerance = float32AtMost(config.zeroTolerance);
  // On cpu and tensorflow (tested): wasm's Sign gave 0 for some values of U(0, 1e-6).
  const nonZeroAsFloat = tolerance === 0 && n <= FLOAT_COUNT_MAX && plainSumsExact();
  const [absSum, nonZero, atMostTolerance] = reduced(() => {
    const a = tf.abs(x);
    const sum = exactSum(a);
    // The sign of |x| is 1 where x is not 0: its float sum counts them, exactly up to 2^24. (Step
    // would do too, but tfjs-node builds it from 7 kernels; Sign is one everywhere.)
    return nonZeroAsFloat ? [sum, tf.sum(tf.sign(a)), null] : [sum, null, tf.lessEqual(a, tolerance)];
  });
  out.floats.push(['absSum', absSum as tf.Scalar]);
  if (nonZero) out.floats.push(['nonZero', nonZero as tf.Scalar]);
  if (atMostTolerance) out.ints.push(['zeroCount', countTrue(atMostTolerance)]);
  out.histogram = histogram(x, first.lo, first.hi, config.bins);
  return out;
}

/**
 * Counts per bin, in bins + 1 slots: floor((x - lo) * bins / (hi - lo)) as an int32 index, where
 * an element at hi (or one rounding onto it) lands in slot `bins`, added to the last bin when read.
 */
function histogram(x: tf.Tensor, lo: number, hi: number, bins: number): tf.Tensor1D {
  return reduced(() => {
    const shifted = tf.sub(x, lo);
    const position = tf.mul(shifted, bins / (hi - lo));
    shifted.dispose();
    const index = tf.cast(position, 'int32'); // truncation: the floor, positions being >= 0
    position.dispose();
    // cpu's and tensorflow's Bincount count an index of any shape (tested); wasm's counts per row.
    const flat = index.rank === 1 || plainSumsExact() ? index : tf.reshape(index, [-1]);
    return tf.bincount(flat as tf.Tensor1D, tf.tensor1d([], 'int32'), bins + 1);
  });
}

/**
 * The statistics from both passes' numbers, or null when the general path must measure the
 * weight after all (differences from a copy too small for their squares to be summed).
 */
export function readSecondPass(input: StatsInput, first: FirstPass, floats: Map<string, number>, ints: Map<string, number>,
  histogramCounts: ArrayLike<number> | null, config: StatsConfig): WeightStats | null {
  const n = input.value.size;
  const unchanged = ints.get('unchanged');
  if (previousUncertain(first) && unchanged !== n) return null;
  const initialUnchanged = ints.get('initialUnchanged');
  if (initialUncertain(first) && initialUnchanged !== n) return null;
  const lo = first.lo + 0; // -0 reads as 0, as on the host engine
  const hi = first.hi + 0;
  const counts = new Array<number>(config.bins).fill(0);
  let mean: number;
  let std: number;
  let absSum: number;
  let zeroCount: number;
  if (lo === hi) {
    mean = lo;
    std = 0;
    absSum = n * Math.abs(lo);
    zeroCount = Math.abs(lo) <= float32AtMost(config.zeroTolerance) ? n : 0;
    counts[0] = n;
  } else {
    const centre = Math.fround(first.sum / n);
    const offset = floats.has('residual') ? floats.get('residual')! / n : first.sum / n - centre;
    mean = centre + offset;
    std = Math.sqrt(Math.max(0, floats.get('centredSq')! / n - offset * offset));
    absSum = floats.get('absSum')!;
    zeroCount = floats.has('nonZero') ? n - floats.get('nonZero')! : ints.get('zeroCount')!;
    for (let b = 0; b < config.bins; b++) counts[b] = histogramCounts![b];
    counts[config.bins - 1] += histogramCounts![config.bins];
  }
  const stats: WeightStats = {
    count: n, mean, std, min: lo, max: hi, absMean: absSum / n,
    l2Norm: Math.sqrt(n) * Math.hypot(mean, std),
    zeroCount, zeroFraction: zeroCount / n, nanCount: 0, infCount: 0,
    histogram: { min: lo, max: hi, counts },
  };
  if (input.previous) {
    const l2 = Math.sqrt(first.previousSq!);
    stats.drift = {
      l2, relative: relativeTo(l2, input.previousL2), maxAbs: Math.sqrt(first.previousMaxSq!), changedFraction: (n - unchanged!) / n,
    };
  }
  if (input.initial) stats.fromStart = { relative: relativeTo(Math.sqrt(first.initialSq!), input.initialL2) };
  return stats;
}

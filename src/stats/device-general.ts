/**
 * The device engine's general path (see ./device-engine.ts): weights the fast path of
 * ./device-fast.ts cannot measure exactly in float32, that is int32 weights, weights with NaN or
 * infinite elements, values beyond 2^40 (whose squares could overflow a float32 sum near 3e38)
 * or below 2^-30 (whose squares could underflow), and copies that differ from the weight by that
 * much. They are rare in training (a diverging run, a tiny or huge weight), and this path keeps
 * everything exact there: masks for the non-finite elements, sums in blocks of 256, values scaled
 * by an exact power of two before summing, differences taken on halves. It launches 124-268
 * kernels per weight and holds its intermediates until the weight is done (one `tf.tidy` per
 * weight), so its peak memory is tens of times the weight's bytes: the fast path exists because
 * of that.
 *
 * Kernels used (all registered by tfjs-node 4.22's `tensorflow` backend, checked by a test):
 * IsFinite, IsNan, Select, Sum, Min, Max, Abs, Maximum, Greater, LessEqual, Equal, LogicalAnd,
 * LogicalOr, Add, Sub, Multiply, RealDiv, Square, Floor, Ceil, Log, Pow, Neg, ClipByValue, Cast,
 * Slice, Reshape, Pack, Concat, FloorDiv, Bincount (never DenseBincount, which tfjs-node lacks) and Tile for
 * broadcasting.
 */
import * as tf from '@tensorflow/tfjs';
import type { DriftStats, WeightStats } from '../history-types';
import { float32AtMost, relativeTo, StatsConfig, StatsInput } from './types';
import { blockedSumOf } from './device-sums';
import { maxOf, minOf } from './webgl-min-max';

/** Counts travel as two float32 halves (hi * 2^16 + lo), exact up to 2^31, in the one download. */
const INT_SPLIT = 65536;
const FLOATS_PER_WEIGHT = 8;
const FLOATS_PER_DIFF = 3;
const INTS_PER_DIFF = 2;

/**
 * 2^-e for the power of two 2^e just above max(x), clamped to stay a normal float32. Multiplying
 * by it is exact, and brings every value into [-1, 1] so that no sum or square overflows near 3e38.
 */
function powerOfTwoScale(maxAbs: tf.Scalar): tf.Scalar {
  const exponent = tf.clipByValue(tf.ceil(tf.div(tf.log(safeDivisor(maxAbs)), Math.LN2)), -126, 126);
  return tf.pow(tf.scalar(2), tf.neg(exponent));
}

/** x where it is positive and finite, else 1: a divisor that never yields NaN. */
function safeDivisor(x: tf.Scalar): tf.Scalar {
  return tf.where(tf.logicalAnd(tf.greater(x, 0), tf.isFinite(x)), x, tf.onesLike(x));
}

function flatFloat(t: tf.Tensor): tf.Tensor1D {
  return tf.cast(tf.reshape(t, [-1]), 'float32') as tf.Tensor1D;
}

interface Parts {
  ints: tf.Tensor[];
  floats: tf.Scalar[];
}

/**
 * ||x - ref|| parts over the elements finite in both. Works on halves (x/2 - ref/2, exact for
 * normal numbers) so that two weights near +-3e38 cannot overflow their difference.
 */
function diffParts(x: tf.Tensor1D, xFinite: tf.Tensor, xNaN: tf.Tensor, ref: tf.Tensor, parts: Parts, withChanged: boolean): void {
  const r = flatFloat(ref);
  const both = tf.logicalAnd(xFinite, tf.isFinite(r));
  const half = tf.where(both, tf.sub(tf.mul(x, 0.5), tf.mul(r, 0.5)), tf.zerosLike(x)) as tf.Tensor1D;
  const halfMax = tf.max(tf.abs(half)) as tf.Scalar;
  const scale = powerOfTwoScale(halfMax);
  const sumSq = blockedSumOf(tf.square(tf.mul(half, scale)) as tf.Tensor1D);
  parts.floats.push(halfMax, scale, sumSq);
  const unchanged = withChanged
    ? tf.sum(tf.logicalOr(tf.equal(x, r), tf.logicalAnd(xNaN, tf.isNaN(r))))
    : tf.scalar(0, 'int32');
  parts.ints.push(tf.sum(both), unchanged);
}

/** The packed vector of one non-empty weight (call inside `tf.tidy`): int counts as hi/lo float pairs, then floats. */
export function packGeneral(input: StatsInput, config: StatsConfig): tf.Tensor1D {
  const x = flatFloat(input.value);
  const finite = tf.isFinite(x);
  const nan = tf.isNaN(x);
  const zeros = tf.zerosLike(x);
  const count = tf.sum(finite);
  const lo = minOf(tf.where(finite, x, tf.fill(x.shape, Infinity)));
  const hi = maxOf(tf.where(finite, x, tf.fill(x.shape, -Infinity)));
  // Sums run on values scaled into [-1, 1] by an exact power of two, so nothing overflows near 3e38.
  const scale = powerOfTwoScale(tf.maximum(tf.abs(lo), tf.abs(hi)));
  const n = tf.maximum(tf.cast(count, 'float32'), 1);
  const xz = tf.where(finite, x, zeros) as tf.Tensor1D;
  const half = tf.mul(xz, 0.5);
  // Mean in two passes: a rough mean, then the mean of the residuals around it, which cancels
  // the rounding of the first pass (the residual sum is small when the mean is far from zero).
  const roughHalf = tf.div(tf.mul(tf.div(blockedSumOf(tf.mul(xz, scale) as tf.Tensor1D), n), 0.5), scale) as tf.Scalar;
  const residual = tf.where(finite, tf.sub(half, roughHalf), zeros) as tf.Tensor1D;
  const correction = tf.div(blockedSumOf(tf.mul(residual, scale) as tf.Tensor1D), n) as tf.Scalar;
  const meanHalf = tf.add(roughHalf, tf.div(correction, scale));
  const centred = tf.where(finite, tf.sub(half, meanHalf), zeros) as tf.Tensor1D;
  const centredScale = powerOfTwoScale(tf.max(tf.abs(centred)) as tf.Scalar);
  const sumSq = blockedSumOf(tf.square(tf.mul(centred, centredScale)) as tf.Tensor1D);
  const absRatio = tf.div(blockedSumOf(tf.mul(tf.abs(xz), scale) as tf.Tensor1D), n) as tf.Scalar;
  const zeroCount = tf.sum(tf.lessEqual(tf.abs(x), float32AtMost(config.zeroTolerance)));

  // Histogram: bin = floor((x - lo) / (hi - lo) * bins), clipped so x == hi lands in the last
  // bin; non-finite elements get index `bins`, which Bincount ignores.
  const halfLo = tf.mul(lo, 0.5);
  const width = tf.sub(tf.mul(hi, 0.5), halfLo) as tf.Scalar;
  const position = tf.floor(tf.mul(tf.div(tf.sub(half, halfLo), safeDivisor(width)), config.bins));
  const bin = tf.where(finite, tf.clipByValue(position, 0, config.bins - 1), tf.fill(x.shape, config.bins));
  const histogram = tf.bincount(tf.cast(bin, 'int32') as tf.Tensor1D, tf.tensor1d([], 'int32'), config.bins);

  const parts: Parts = {
    ints: [tf.sum(nan), count, zeroCount],
    floats: [lo, hi, scale, roughHalf, correction, centredScale, sumSq, absRatio],
  };
  if (input.previous) diffParts(x, finite, nan, input.previous, parts, true);
  if (input.initial) diffParts(x, finite, nan, input.initial, parts, false);
  const ints = tf.concat([tf.stack(parts.ints), histogram]);
  // An int32 divisor keeps the split in int32 (a number divisor makes wasm work in float32); if
  // wasm's floorDiv is off by one, `low` is still exact and absorbs it.
  const split = tf.scalar(INT_SPLIT, 'int32');
  const high = tf.floorDiv(ints, split);
  const low = tf.sub(ints, tf.mul(high, split));
  return tf.concat([tf.cast(high, 'float32'), tf.cast(low, 'float32'), tf.stack(parts.floats)]) as tf.Tensor1D;
}

/** The packed vector's layout: its int pairs, and its length in floats. */
export function generalLength(input: StatsInput, bins: number): { ints: number; total: number } {
  const diffs = (input.previous ? 1 : 0) + (input.initial ? 1 : 0);
  const ints = 3 + diffs * INTS_PER_DIFF + bins;
  return { ints, total: 2 * ints + FLOATS_PER_WEIGHT + diffs * FLOATS_PER_DIFF };
}

/** Reads one packed vector back into plain numbers, in float64. */
export function decodeGeneral(input: StatsInput, v: Float32Array, config: StatsConfig): WeightStats {
  const size = input.value.size;
  const layout = generalLength(input, config.bins);
  const int = (i: number) => v[i] * INT_SPLIT + v[layout.ints + i];
  const float = (i: number) => v[2 * layout.ints + i];
  const [nanCount, count, zeroCount] = [int(0), int(1), int(2)];
  const diffCount = (input.previous ? 1 : 0) + (input.initial ? 1 : 0);
  const histStart = 3 + diffCount * INTS_PER_DIFF;
  const counts = Array.from({ length: config.bins }, (_, b) => int(histStart + b));
  const [lo, hi, scale, roughHalf, correction, centredScale, sumSq, absRatio] =
    Array.from({ length: FLOATS_PER_WEIGHT }, (_, i) => float(i));
  const finite = count > 0;
  const mean = finite ? 2 * (roughHalf + correction / scale) : null;
  const std = finite ? (2 * Math.sqrt(sumSq / count)) / centredScale : null;
  const stats: WeightStats = {
    count,
    mean,
    std,
    min: finite ? lo : null,
    max: finite ? hi : null,
    absMean: finite ? absRatio / scale : null,
    l2Norm: mean !== null && std !== null ? Math.sqrt(count) * Math.hypot(mean, std) : null,
    zeroCount,
    zeroFraction: finite ? zeroCount / count : null,
    nanCount,
    infCount: size - count - nanCount,
    histogram: { min: finite ? lo : null, max: finite ? hi : null, counts },
  };
  const diff = (k: number): { l2: number | null; maxAbs: number | null; unchanged: number } => {
    const both = int(3 + k * INTS_PER_DIFF);
    const [halfMax, scale, sq] = [0, 1, 2].map((j) => float(FLOATS_PER_WEIGHT + k * FLOATS_PER_DIFF + j));
    return {
      l2: both > 0 ? (2 * Math.sqrt(sq)) / scale : null,
      maxAbs: both > 0 ? 2 * halfMax : null,
      unchanged: int(3 + k * INTS_PER_DIFF + 1),
    };
  };
  let k = 0;
  if (input.previous) {
    const d = diff(k++);
    const drift: DriftStats = {
      l2: d.l2,
      relative: relativeTo(d.l2, input.previousL2),
      maxAbs: d.maxAbs,
      changedFraction: (size - d.unchanged) / size,
    };
    stats.drift = drift;
  }
  if (input.initial) stats.fromStart = { relative: relativeTo(diff(k).l2, input.initialL2) };
  return stats;
}

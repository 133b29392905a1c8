/**
 * Host-memory twin of `computeStats` (src/stats.ts) for the `cpu` and `wasm` backends, where the
 * weights already live in host memory. The tensor-op path launches dozens of kernels per weight
 * (~0.4-2 µs per element on these backends); here each weight is read once with `dataSync()` and
 * measured by fused loops over its `Float32Array`: three passes at most (moments, then centred
 * squares and histogram, then one per drift reference). Same inputs, same output, same semantics.
 *
 * Precision: every accumulator is a float64 JS number. A float32 element squared is exact in
 * float64 and cannot overflow (3.4e38^2 ~ 1.2e77), so no scaling is needed near ±3e38, and a naive
 * float64 sum of 10M float32 terms is within ~1e-9 relative: no compensated summation.
 *
 * Where the result differs from the device path, it is the more exact one (all well within the
 * tolerances of test/helpers/reference.ts):
 * - drift `maxAbs` and `l2` use the float64 difference `x - prev`, not its float32 rounding (which
 *   would overflow to Infinity for 3e38 - (-3e38); the device avoids that by halving);
 * - `l2Norm` is the square root of the float64 sum of squares, not `sqrt(count) * hypot(mean, std)`;
 * - `std` of a weight whose finite elements are all equal is exactly 0;
 * - histogram positions `(x - min) / (max - min) * bins` are computed in float64, not float32.
 *
 * Hot loops use no globals (in jest's vm context a global lookup costs ~50x a local one) and
 * test finiteness with `x - x === 0`, which is false exactly for NaN and ±Infinity.
 */
import * as tf from '@tensorflow/tfjs';
import type { WeightStats } from './history-types';
import { emptyStats, relativeTo, StatsConfig, StatsInput } from './stats';

const sqrt = Math.sqrt;

/** Pass-1 totals over the finite elements of one weight. */
interface Moments {
  count: number;
  nanCount: number;
  zeroCount: number;
  min: number;
  max: number;
  sum: number;
  absSum: number;
  sumSq: number;
}

/** ||x - ref|| parts over the elements finite in both, and the elements left unchanged. */
interface Difference {
  both: number;
  sumSq: number;
  maxAbs: number;
  unchanged: number;
}

/**
 * The tensor's elements as float32. `dataSync()` may return the cpu backend's own storage: it is
 * only read. int32 (and bool) data is rounded to float32 into a new array, as the device path
 * measures it (16777217 counts as 16777216).
 */
function float32Values(t: tf.Tensor): Float32Array {
  const data = t.dataSync();
  return data instanceof Float32Array ? data : new Float32Array(data);
}

function moments(x: Float32Array, zeroTolerance: number): Moments {
  const n = x.length;
  let count = 0;
  let nanCount = 0;
  let zeroCount = 0;
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let absSum = 0;
  let sumSq = 0;
  for (let i = 0; i < n; i++) {
    const v = x[i];
    if (v - v === 0) {
      const a = v < 0 ? -v : v;
      count++;
      sum += v;
      absSum += a;
      sumSq += v * v;
      if (a <= zeroTolerance) zeroCount++;
      if (v < min) min = v;
      if (v > max) max = v;
    } else if (v !== v) {
      nanCount++;
    }
  }
  return { count, nanCount, zeroCount, min, max, sum, absSum, sumSq };
}

/**
 * Sum of squared deviations from `mean` and the numpy-style histogram of the finite elements,
 * for min < max: bin floor((x - min) / (max - min) * bins), with x === max in the last bin.
 */
function spread(x: Float32Array, mean: number, min: number, max: number, counts: Float64Array): number {
  const n = x.length;
  const bins = counts.length;
  const last = bins - 1;
  const width = max - min; // float64: no overflow for ±3.4e38
  let dev = 0;
  for (let i = 0; i < n; i++) {
    const v = x[i];
    if (v - v !== 0) continue;
    const d = v - mean;
    dev += d * d;
    // (v - min) >= 0, so truncation is floor; bins <= 10,000 keeps it within int32.
    const k = (((v - min) / width) * bins) | 0;
    counts[k > last ? last : k]++;
  }
  return dev;
}

/** Difference of `x` and `ref`; `d - d === 0` holds exactly when both elements are finite. */
function difference(x: Float32Array, ref: Float32Array): Difference {
  const n = x.length;
  let both = 0;
  let sumSq = 0;
  let maxAbs = 0;
  let unchanged = 0;
  for (let i = 0; i < n; i++) {
    const a = x[i];
    const b = ref[i];
    if (a === b || (a !== a && b !== b)) unchanged++;
    const d = a - b;
    if (d - d === 0) {
      both++;
      sumSq += d * d;
      const ad = d < 0 ? -d : d;
      if (ad > maxAbs) maxAbs = ad;
    }
  }
  return { both, sumSq, maxAbs, unchanged };
}

function measure(input: StatsInput, config: StatsConfig): WeightStats {
  const size = input.value.size;
  if (size === 0) return emptyStats(input, config.bins);
  const x = float32Values(input.value);
  const m = moments(x, config.zeroTolerance);
  const finite = m.count > 0;
  const counts = new Float64Array(config.bins);
  let mean: number | null = null;
  let std: number | null = null;
  if (finite) {
    mean = m.sum / m.count;
    if (m.min === m.max) {
      counts[0] = m.count; // a constant weight: everything in the first bin, no spread
      std = 0;
    } else {
      std = sqrt(spread(x, mean, m.min, m.max, counts) / m.count);
    }
  }
  const stats: WeightStats = {
    count: m.count,
    mean,
    std,
    min: finite ? m.min : null,
    max: finite ? m.max : null,
    absMean: finite ? m.absSum / m.count : null,
    l2Norm: finite ? sqrt(m.sumSq) : null,
    zeroCount: m.zeroCount,
    zeroFraction: finite ? m.zeroCount / m.count : null,
    nanCount: m.nanCount,
    infCount: size - m.count - m.nanCount,
    histogram: { min: finite ? m.min : null, max: finite ? m.max : null, counts: Array.from(counts) },
  };
  if (input.previous) {
    const d = difference(x, float32Values(input.previous));
    const l2 = d.both > 0 ? sqrt(d.sumSq) : null;
    stats.drift = {
      l2,
      relative: relativeTo(l2, input.previousL2),
      maxAbs: d.both > 0 ? d.maxAbs : null,
      changedFraction: (size - d.unchanged) / size,
    };
  }
  if (input.initial) {
    const d = difference(x, float32Values(input.initial));
    stats.fromStart = { relative: relativeTo(d.both > 0 ? sqrt(d.sumSq) : null, input.initialL2) };
  }
  return stats;
}

function checkShapes(input: StatsInput, i: number): void {
  for (const key of ['previous', 'initial'] as const) {
    const ref = input[key];
    if (ref && !tf.util.arraysEqual(ref.shape, input.value.shape)) {
      throw new RangeError(`Input ${i}: \`${key}\` has shape [${ref.shape}] but the value has shape [${input.value.shape}].`);
    }
  }
}

/**
 * Statistics of several weights, computed in host memory: the same results as `computeStats`
 * (to float32 rounding, see the module comment), ~100x cheaper on the `cpu` and `wasm` backends.
 * On a GPU backend it would download every weight; use `computeStats` there. Creates no tensor
 * and never writes to the inputs.
 * @example
 * const [stats] = await computeStatsOnHost([{ value: kernel }], { bins: 30, zeroTolerance: 0 });
 * console.log(stats.mean, stats.std, stats.histogram.counts);
 */
export async function computeStatsOnHost(inputs: StatsInput[], config: StatsConfig): Promise<WeightStats[]> {
  inputs.forEach(checkShapes);
  return inputs.map((input) => measure(input, config));
}

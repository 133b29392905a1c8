/**
 * Host-memory twin of `computeStats` (src/stats.ts) for the `cpu` and `wasm` backends, where the
 * weights already live in host memory. The tensor-op path launches dozens of kernels per weight
 * (0.1-0.8 µs per element on these backends); here each weight is read once with `dataSync()` and
 * measured by fused loops over its `Float32Array`: moments, then centred squares and histogram,
 * then one pass per drift reference. Same inputs, same output, same semantics.
 *
 * Precision: every accumulator is a float64 JS number. A float32 element squared is exact in
 * float64 and cannot overflow (3.4e38^2 ~ 1.2e77), so no scaling is needed near ±3e38. Sums run
 * per 64K-element chunk, then across chunks: their rounding error is below 1e-11 of the sum of
 * |terms| (n * 2^-53 per level), far inside the 1e-4 tolerance, so no compensated summation.
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
import { checkInput, emptyStats, relativeTo, StatsConfig, StatsInput } from './stats';

const sqrt = Math.sqrt;
const abs = Math.abs; // inlined by V8 as one instruction; `v < 0 ? -v : v` compiles to a branch

/**
 * The loops run over chunks of 64K elements. V8 optimizes a function called many times far better
 * than one long loop, which it can only replace on the stack (measured ~4x slower per element on
 * Node 20), and the per-chunk partial sums round less than one long running sum.
 */
const CHUNK = 1 << 16;

/** Slots of the pass-1 accumulator, over the finite elements. */
const COUNT = 0;
const NAN_COUNT = 1;
const ZERO_COUNT = 2;
const MIN = 3;
const MAX = 4;
const SUM = 5;
const ABS_SUM = 6;
const SUM_SQ = 7;

/** Slots of a difference accumulator, over the elements finite in both. */
const BOTH = 0;
const DIFF_SUM_SQ = 1;
const DIFF_MAX_ABS = 2;
const UNCHANGED = 3; // over all elements

/**
 * The tensor's elements as float32. `dataSync()` may return the cpu backend's own storage: it is
 * only read. int32 (and bool) data is rounded to float32 into a new array, as the device path
 * measures it (16777217 counts as 16777216).
 */
function float32Values(t: tf.Tensor): Float32Array {
  const data = t.dataSync();
  return data instanceof Float32Array ? data : new Float32Array(data);
}

function momentsChunk(x: Float32Array, start: number, end: number, zeroTolerance: number, acc: Float64Array): void {
  let count = 0;
  let nanCount = 0;
  let zeroCount = 0;
  let min = acc[MIN];
  let max = acc[MAX];
  let sum = 0;
  let absSum = 0;
  let sumSq = 0;
  for (let i = start; i < end; i++) {
    const v = x[i];
    if (v - v === 0) {
      const a = abs(v);
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
  acc[COUNT] += count;
  acc[NAN_COUNT] += nanCount;
  acc[ZERO_COUNT] += zeroCount;
  acc[MIN] = min;
  acc[MAX] = max;
  acc[SUM] += sum;
  acc[ABS_SUM] += absSum;
  acc[SUM_SQ] += sumSq;
}

function moments(x: Float32Array, zeroTolerance: number): Float64Array {
  const acc = new Float64Array(8);
  acc[MIN] = Infinity;
  acc[MAX] = -Infinity;
  for (let start = 0; start < x.length; start += CHUNK) {
    momentsChunk(x, start, Math.min(start + CHUNK, x.length), zeroTolerance, acc);
  }
  return acc;
}

/**
 * Sum of squared deviations from `mean` of the finite elements in [start, end), and their
 * numpy-style histogram for min < max: bin floor((x - min) / (max - min) * bins), x === max in the
 * last bin. `(x - min) >= 0`, so truncation is floor; bins <= 10,000 keeps it within int32.
 */
function spreadChunk(x: Float32Array, start: number, end: number, mean: number, min: number, width: number,
  counts: Float64Array): number {
  const bins = counts.length;
  const last = bins - 1;
  let dev = 0;
  for (let i = start; i < end; i++) {
    const v = x[i];
    if (v - v !== 0) continue;
    const d = v - mean;
    dev += d * d;
    const k = (((v - min) / width) * bins) | 0;
    counts[k > last ? last : k]++;
  }
  return dev;
}

function spread(x: Float32Array, mean: number, min: number, max: number, counts: Float64Array): number {
  const width = max - min; // float64: no overflow for ±3.4e38
  let dev = 0;
  for (let start = 0; start < x.length; start += CHUNK) {
    dev += spreadChunk(x, start, Math.min(start + CHUNK, x.length), mean, min, width, counts);
  }
  return dev;
}

/** Difference of `x` and `ref`; `d - d === 0` holds exactly when both elements are finite. */
function differenceChunk(x: Float32Array, ref: Float32Array, start: number, end: number, acc: Float64Array): void {
  let both = 0;
  let sumSq = 0;
  let maxAbs = acc[DIFF_MAX_ABS];
  let unchanged = 0;
  for (let i = start; i < end; i++) {
    const a = x[i];
    const b = ref[i];
    if (a === b || (a !== a && b !== b)) unchanged++;
    const d = a - b;
    if (d - d === 0) {
      both++;
      sumSq += d * d;
      const ad = abs(d);
      if (ad > maxAbs) maxAbs = ad;
    }
  }
  acc[BOTH] += both;
  acc[DIFF_SUM_SQ] += sumSq;
  acc[DIFF_MAX_ABS] = maxAbs;
  acc[UNCHANGED] += unchanged;
}

function difference(x: Float32Array, ref: Float32Array): Float64Array {
  const acc = new Float64Array(4);
  for (let start = 0; start < x.length; start += CHUNK) {
    differenceChunk(x, ref, start, Math.min(start + CHUNK, x.length), acc);
  }
  return acc;
}

let warm = false;

/**
 * Runs each loop a few times on a small array holding every class of element before its first real
 * use. V8 collects type feedback only from a function's first few calls on: a loop first run over
 * millions of elements is compiled mid-loop with no feedback for the code after it, and on Node 20
 * that code then deoptimizes on every later call (measured 2-4x slower per element).
 */
function warmUp(): void {
  if (warm) return;
  warm = true;
  const x = Float32Array.of(1, -2, 0, NaN, Infinity, -Infinity, 0.5, -0, 3);
  const ref = Float32Array.of(1, -1, 0, NaN, NaN, Infinity, 0.25, 0, -Infinity);
  const counts = new Float64Array(4);
  for (let i = 0; i < 20; i++) {
    moments(x, 0.5);
    spread(x, 0.5, -2, 3, counts);
    difference(x, ref);
  }
}

function measure(input: StatsInput, config: StatsConfig): WeightStats {
  const size = input.value.size;
  if (size === 0) return emptyStats(input, config.bins);
  const x = float32Values(input.value);
  const m = moments(x, config.zeroTolerance);
  const count = m[COUNT];
  const finite = count > 0;
  const min = finite ? m[MIN] : null;
  const max = finite ? m[MAX] : null;
  const counts = new Float64Array(config.bins);
  let mean: number | null = null;
  let std: number | null = null;
  if (min !== null && max !== null) {
    mean = m[SUM] / count;
    if (min === max) {
      counts[0] = count; // a constant weight: everything in the first bin, no spread
      std = 0;
    } else {
      std = sqrt(spread(x, mean, min, max, counts) / count);
    }
  }
  const stats: WeightStats = {
    count,
    mean,
    std,
    min,
    max,
    absMean: finite ? m[ABS_SUM] / count : null,
    l2Norm: finite ? sqrt(m[SUM_SQ]) : null,
    zeroCount: m[ZERO_COUNT],
    zeroFraction: finite ? m[ZERO_COUNT] / count : null,
    nanCount: m[NAN_COUNT],
    infCount: size - count - m[NAN_COUNT],
    histogram: { min, max, counts: Array.from(counts) },
  };
  if (input.previous) {
    const d = difference(x, float32Values(input.previous));
    const l2 = d[BOTH] > 0 ? sqrt(d[DIFF_SUM_SQ]) : null;
    stats.drift = {
      l2,
      relative: relativeTo(l2, input.previousL2),
      maxAbs: d[BOTH] > 0 ? d[DIFF_MAX_ABS] : null,
      changedFraction: (size - d[UNCHANGED]) / size,
    };
  }
  if (input.initial) {
    const d = difference(x, float32Values(input.initial));
    stats.fromStart = { relative: relativeTo(d[BOTH] > 0 ? sqrt(d[DIFF_SUM_SQ]) : null, input.initialL2) };
  }
  return stats;
}

/**
 * Statistics of several weights, computed in host memory: the same results as `computeStats`
 * (to float32 rounding, see the module comment), ~8-10 ns per element: 35-60x cheaper than it on
 * the `cpu` backend, 6-9x on `wasm`. On a GPU backend it would download every weight; use
 * `computeStats` there. Works synchronously, creates no tensor and never writes to the inputs.
 * @example
 * const [stats] = await computeStatsOnHost([{ value: kernel }], { bins: 30, zeroTolerance: 0 });
 * console.log(stats.mean, stats.std, stats.histogram.counts);
 */
export async function computeStatsOnHost(inputs: StatsInput[], config: StatsConfig): Promise<WeightStats[]> {
  inputs.forEach(checkInput);
  warmUp();
  return inputs.map((input) => measure(input, config));
}

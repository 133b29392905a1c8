/**
 * The host engine: the device engine's twin (./device-engine.ts) for backends whose tensors live
 * in host memory (`cpu`, `wasm`, tfjs-node's CPU). The device engine launches dozens of kernels
 * per weight (0.1-0.8 µs per element on these backends); here each weight is read once with
 * `dataSync()` (or as a view of the wasm backend's heap) and measured in two passes
 * (./wasm-passes.ts, WebAssembly SIMD): one fused pass over the weight and both references, then
 * one for the centred squares and the histogram. The snapshot store keeps its previous and
 * initial copies in the passes' own memory (./host-copies.ts); `computeStatsOnHost` takes
 * tensors, for one-off measurements.
 *
 * Precision: every accumulator is a float64 JS number. A float32 element squared is exact in
 * float64 and cannot overflow (3.4e38^2 ~ 1.2e77), so no scaling is needed near ±3e38. Sums run
 * per lane and per 16K-element chunk, then across chunks: their rounding error is below 1e-11 of
 * the sum of |terms| (n * 2^-53 per level), far inside the 1e-4 tolerance, so no compensated
 * summation.
 *
 * Where the result differs from the device engine, it is the more exact one (both well within the
 * tolerances of test/helpers/reference.ts):
 * - drift `maxAbs` and `l2` use the float64 difference `x - prev`, not its float32 rounding (which
 *   would overflow to Infinity for 3e38 - (-3e38); the device avoids that by halving);
 * - `l2Norm` is the square root of the float64 sum of squares, not `sqrt(count) * hypot(mean, std)`;
 * - `std` of a weight whose finite elements are all equal is exactly 0;
 * - histogram positions `(x - min) * bins / (max - min)` are computed in float64, not float32.
 */
import * as tf from '@tensorflow/tfjs';
import type { WeightStats } from '../history-types';
import {
  ABS_SUM, COUNT, INIT_BOTH, INIT_SUM_SQ, MAX, MIN, NAN_COUNT, PREV_BOTH, PREV_MAX_ABS, PREV_SUM_SQ, PREV_UNCHANGED,
  SUM, SUM_SQ, ZERO_COUNT,
} from './host-loops';
import { checkInput, emptyStats, relativeTo, StatsConfig, StatsInput } from './types';
import { Reference, WasmPasses } from './wasm-passes';

const sqrt = Math.sqrt;

/** One weight in host memory, with its copies (same length) and their norms. */
export interface HostInput {
  value: Float32Array;
  previous?: Float32Array;
  previousL2?: number | null;
  initial?: Float32Array;
  initialL2?: number | null;
}

/** What the passes read besides the weight, and where to keep it. */
export interface PassInputs {
  previous: Reference;
  previousL2?: number | null;
  initial: Reference;
  initialL2?: number | null;
  /** A float index in the passes' memory to copy the weight to (the kept previous copy), or null. */
  keep: number | null;
}

/** The histogram counts, reused by every call (the engine is synchronous). */
let scratchCounts = new Float64Array(30);

/** The first `bins` counts as a plain array, by a loop: `Array.from` of a typed array of 30 took 2.5 µs, 20x more. */
function countsArray(counts: Float64Array, bins: number): number[] {
  const out = new Array<number>(bins);
  for (let i = 0; i < bins; i++) out[i] = counts[i];
  return out;
}

/** Passes for one-off measurements of host arrays (three scratch chunks, no copies). */
let shared: WasmPasses | null = null;

/**
 * The statistics of one weight. Allocates only its result; never writes to its inputs.
 * @example
 * const stats = measureOnHost({ value: Float32Array.of(1, 2, 3) }, { bins: 3, zeroTolerance: 0 });
 */
export function measureOnHost(input: HostInput, config: StatsConfig): WeightStats {
  if (!shared?.fits(config.bins, input.value.length, 2)) {
    const bins = Math.max(config.bins, shared?.bins ?? 0); // one instance serves every bins value seen
    shared = new WasmPasses({ bins, largest: input.value.length, scratchChunks: 3, copyElements: 0 });
  }
  return measureWithPasses(shared, input.value, {
    previous: input.previous ?? null, previousL2: input.previousL2,
    initial: input.initial ?? null, initialL2: input.initialL2, keep: null,
  }, config);
}

/**
 * The statistics of one weight, `x`, measured by `passes` against the inputs' references. With
 * `keep`, `x` is copied there as it is read; the passes must fit it (`WasmPasses.fits`).
 */
export function measureWithPasses(passes: WasmPasses, x: Float32Array, inputs: PassInputs,
  config: StatsConfig): WeightStats {
  const size = x.length;
  const { previous, initial, keep } = inputs;
  if (size === 0) return emptyStats(previous !== null, initial !== null, config.bins);
  passes.first(x, previous ?? initial, initial, config.zeroTolerance, keep);
  const acc = passes.acc;
  const count = acc[COUNT];
  const nanCount = acc[NAN_COUNT];
  const zeroCount = acc[ZERO_COUNT];
  const finite = count > 0;
  // + 0: -0 becomes 0 (which of -0 and 0 a SIMD lane meets first is not the scan order)
  const min = finite ? acc[MIN] + 0 : null;
  const max = finite ? acc[MAX] + 0 : null;
  if (scratchCounts.length !== config.bins) scratchCounts = new Float64Array(config.bins);
  const counts = scratchCounts;
  counts.fill(0);
  let mean: number | null = null;
  let std: number | null = null;
  if (min !== null && max !== null) {
    mean = acc[SUM] / count;
    if (min === max) {
      counts[0] = count; // a constant weight: everything in the first bin, no spread
      std = 0;
    } else {
      std = sqrt(passes.spread(keep ?? x, size, mean, min, max, counts, count === size) / count);
    }
  }
  const stats: WeightStats = {
    count,
    mean,
    std,
    min,
    max,
    absMean: finite ? acc[ABS_SUM] / count : null,
    l2Norm: finite ? sqrt(acc[SUM_SQ]) : null,
    zeroCount,
    zeroFraction: finite ? zeroCount / count : null,
    nanCount,
    infCount: size - count - nanCount,
    histogram: { min, max, counts: countsArray(counts, config.bins) },
  };
  if (previous !== null) {
    const l2 = acc[PREV_BOTH] > 0 ? sqrt(acc[PREV_SUM_SQ]) : null;
    stats.drift = {
      l2,
      relative: relativeTo(l2, inputs.previousL2),
      maxAbs: acc[PREV_BOTH] > 0 ? acc[PREV_MAX_ABS] : null,
      changedFraction: (size - acc[PREV_UNCHANGED]) / size,
    };
  }
  if (initial !== null) {
    stats.fromStart = { relative: relativeTo(acc[INIT_BOTH] > 0 ? sqrt(acc[INIT_SUM_SQ]) : null, inputs.initialL2) };
  }
  return stats;
}

/** The wasm backend's view of a tensor in its heap (a public method of `BackendWasm`, used by its kernels). */
interface HeapBackend {
  typedArrayFromHeap?: (tensor: { shape: number[]; dtype: string; dataId: object }) => ArrayLike<number>;
}

/**
 * The tensor's elements as float32, to be read only. On `wasm`, a view of the tensor in the wasm
 * heap: `dataSync()` would allocate and fill a copy of every weight at every snapshot. The view is
 * valid until the heap grows, which reading another backend's tensor can make it do: a caller that
 * holds several views checks their lengths (see computeStatsOnHost). Elsewhere `dataSync()`,
 * which on `cpu` returns the backend's own storage. int32 (and bool) data is rounded to float32
 * into a new array, as the device engine measures it (16777217 counts as 16777216).
 */
export function float32Values(t: tf.Tensor): Float32Array {
  let data: ArrayLike<number> | null = null;
  if (tf.getBackend() === 'wasm') {
    const backend = tf.backend() as unknown as HeapBackend;
    try {
      data = backend.typedArrayFromHeap ? backend.typedArrayFromHeap(t) : null;
    } catch {
      data = null; // not a tensor of this backend: dataSync() moves it here
    }
  }
  data ??= t.dataSync();
  return data instanceof Float32Array ? data : new Float32Array(data as ArrayLike<number>);
}

/**
 * Statistics of several weights, computed in host memory: the same results as `computeStats`
 * (to float32 rounding, see the module comment). On a GPU backend it would download every weight;
 * use `computeStats` there. Works synchronously, creates no tensor and never writes to the inputs.
 * @example
 * const [stats] = await computeStatsOnHost([{ value: kernel }], { bins: 30, zeroTolerance: 0 });
 * console.log(stats.mean, stats.std, stats.histogram.counts);
 */
export async function computeStatsOnHost(inputs: StatsInput[], config: StatsConfig): Promise<WeightStats[]> {
  inputs.forEach(checkInput);
  return inputs.map((input) => {
    const tensors = [input.value, input.previous, input.initial];
    // Reading a tensor that lives on another backend moves it into the wasm heap, which may grow
    // and detach the views taken before it: read all three, and again if any came out detached
    // (the second time nothing moves).
    let [value, previous, initial] = tensors.map((t) => t && float32Values(t));
    if (tensors.some((t, i) => t && [value, previous, initial][i]!.length !== t.size)) {
      [value, previous, initial] = tensors.map((t) => t && float32Values(t));
    }
    return measureOnHost({ value: value!, previous, previousL2: input.previousL2, initial, initialL2: input.initialL2 }, config);
  });
}

/**
 * The host engine: the device engine's twin (./device-engine.ts) for backends whose tensors live
 * in host memory (`cpu`, `wasm`, tfjs-node's CPU). The device engine launches dozens of kernels
 * per weight (0.1-0.8 µs per element on these backends); here each weight is read once with
 * `dataSync()` (or as a view of the wasm backend's heap) and measured in two passes
 * (./wasm-passes.ts, WebAssembly SIMD): one fused pass over the weight and both references, then
 * one for the centred squares and the histogram (./host-measure.ts). The snapshot store keeps its previous and
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
import { measureOnHost } from './host-measure';
import { checkInput, StatsConfig, StatsInput } from './types';

/** The wasm backend's view of a tensor in its heap (a public method of `BackendWasm`, used by its kernels). */
interface HeapBackend {
  typedArrayFromHeap?: (tensor: { shape: number[]; dtype: string; dataId: object }) => ArrayLike<number>;
}

/**
 * The tensor's elements as float32, to be read only. On `wasm`, a view of the tensor in the wasm
 * heap: `dataSync()` would allocate and fill a copy of every weight at every snapshot. The view is
 * valid until the heap grows, which reading another backend's tensor can make it do: a caller that
 * holds several views reads them with `float32ValuesOfAll`. Elsewhere `dataSync()`,
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
 * `float32Values` of several tensors (undefined for none), all valid together. Reading a tensor
 * that lives on another backend moves it into the wasm heap, which may grow and detach the views
 * taken before it: all are read again if one came out detached (the second time nothing moves).
 */
export function float32ValuesOfAll(tensors: (tf.Tensor | undefined)[]): (Float32Array | undefined)[] {
  const read = () => tensors.map((t) => t && float32Values(t));
  const values = read();
  return tensors.some((t, i) => t && values[i]!.length !== t.size) ? read() : values;
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
    const [value, previous, initial] = float32ValuesOfAll([input.value, input.previous, input.initial]);
    return measureOnHost({ value: value!, previous, previousL2: input.previousL2, initial, initialL2: input.initialL2 }, config);
  });
}

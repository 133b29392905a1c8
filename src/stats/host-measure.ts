/**
 * The host engine's measurement of one weight in host memory (a Float32Array), by the two passes
 * of ./wasm-passes.ts. It needs no tfjs, so the measuring worker (./measure-worker.ts) loads it
 * without loading tfjs; ./host-engine.ts reads tensors into host arrays and calls it. See
 * ./host-engine.ts for the precision and where the results differ from the device engine.
 */
import type { WeightStats } from '../history-types';
import {
  ABS_SUM, COUNT, INIT_BOTH, INIT_SUM_SQ, MAX, MIN, NAN_COUNT, PREV_BOTH, PREV_MAX_ABS, PREV_SUM_SQ, PREV_UNCHANGED,
  SUM, SUM_SQ, ZERO_COUNT,
} from './host-loops';
import { emptyStats, relativeTo, StatsConfig } from './types';
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

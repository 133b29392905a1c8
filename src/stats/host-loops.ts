/**
 * The host engine's passes in JavaScript, over a weight's `Float32Array` with float64
 * accumulators, for the elements the SIMD passes (./wasm-passes.ts) decline: a chunk holding a
 * NaN or an infinity, and a chunk's last elements past a multiple of 4. They define what each
 * slot means; the SIMD passes compute the same numbers (sums in another order):
 * 1. one fused pass that reads the weight and both references together: count, NaN, zeros, min,
 *    max, sum, sum of |x|, sum of squares, and per reference the elements finite in both, the sum
 *    of squared differences (plus, against the previous copy, the largest difference and the
 *    unchanged elements);
 * 2. the squares of deviations from the mean, and the histogram.
 *
 * Callers run them per chunk of at most 16K elements: V8 optimizes a function called many times
 * far better than one long loop, which it can only replace on the stack (measured ~4x slower per
 * element on Node 20), and per-chunk partial sums round less than one long running sum. Hot loops
 * use no globals (in jest's vm context a global lookup costs ~50x a local one) and test finiteness
 * with `v - v === 0`, false exactly for NaN and ±Infinity; for a difference `d = a - b` of float32
 * values (exact or nearly so in float64, and never overflowing) `d - d === 0` holds exactly when
 * both are finite.
 */

const abs = Math.abs; // inlined by V8 as one instruction; `v < 0 ? -v : v` compiles to a branch

/** Slots of the pass-1 accumulator. Moments are over the finite elements of the weight. */
export const COUNT = 0;
export const NAN_COUNT = 1;
export const ZERO_COUNT = 2;
export const MIN = 3;
export const MAX = 4;
export const SUM = 5;
export const ABS_SUM = 6;
export const SUM_SQ = 7;
/** Against the previous copy, over the elements finite in both (unchanged: over all elements). */
export const PREV_BOTH = 8;
export const PREV_SUM_SQ = 9;
export const PREV_MAX_ABS = 10;
export const PREV_UNCHANGED = 11;
/** Against the initial copy, over the elements finite in both. */
export const INIT_BOTH = 12;
export const INIT_SUM_SQ = 13;
export const SLOTS = 14;

export function resetAccumulator(acc: Float64Array): void {
  acc.fill(0);
  acc[MIN] = Infinity;
  acc[MAX] = -Infinity;
}

/** Pass 1 over [start, end) for any elements: moments over the finite ones, differences over both finite. */
export function checkedChunk(x: Float32Array, p: Float32Array, q: Float32Array, start: number, end: number, tol: number,
  acc: Float64Array): void {
  let count = 0, nanCount = 0, zeroCount = 0, sum = 0, absSum = 0, sumSq = 0;
  let min = acc[MIN], max = acc[MAX];
  let both = 0, dSq = 0, dMax = acc[PREV_MAX_ABS], unchanged = 0;
  let bothInit = 0, eSq = 0;
  for (let i = start; i < end; i++) {
    const v = x[i];
    const r = p[i];
    if (v - v === 0) {
      const a = abs(v);
      count++;
      sum += v;
      absSum += a;
      sumSq += v * v;
      if (a <= tol) zeroCount++;
      if (v < min) min = v;
      if (v > max) max = v;
    } else if (v !== v) {
      nanCount++;
    }
    if (v === r || (v !== v && r !== r)) unchanged++;
    const d = v - r;
    if (d - d === 0) {
      both++;
      dSq += d * d;
      const ad = abs(d);
      if (ad > dMax) dMax = ad;
    }
    const e = v - q[i];
    if (e - e === 0) {
      bothInit++;
      eSq += e * e;
    }
  }
  acc[COUNT] += count; acc[NAN_COUNT] += nanCount; acc[ZERO_COUNT] += zeroCount;
  acc[MIN] = min; acc[MAX] = max;
  acc[SUM] += sum; acc[ABS_SUM] += absSum; acc[SUM_SQ] += sumSq;
  acc[PREV_BOTH] += both; acc[PREV_SUM_SQ] += dSq; acc[PREV_MAX_ABS] = dMax; acc[PREV_UNCHANGED] += unchanged;
  acc[INIT_BOTH] += bothInit; acc[INIT_SUM_SQ] += eSq;
}

/**
 * Squared deviations from `mean` of the finite elements in [start, end), and their numpy-style
 * histogram for min < max: bin floor((x - min) * bins / (max - min)), x === max in the last bin.
 * `(x - min) >= 0`, so truncation is floor; bins <= 10,000 keeps it within int32.
 */
export function checkedSpreadChunk(x: Float32Array, start: number, end: number, mean: number, min: number, scale: number,
  counts: Float64Array): number {
  const last = counts.length - 1;
  let dev = 0;
  for (let i = start; i < end; i++) {
    const v = x[i];
    if (v - v !== 0) continue;
    const d = v - mean;
    dev += d * d;
    const k = ((v - min) * scale) | 0;
    counts[k < last ? k : last]++;
  }
  return dev;
}

let warm = false;

/**
 * Runs each loop a few times on a small array holding every class of element before its first real
 * use. V8 collects type feedback only from a function's first few calls on: a loop first run over
 * millions of elements is compiled mid-loop with no feedback for the code after it, and on Node 20
 * that code then deoptimizes on every later call (measured 2-4x slower per element).
 */
export function warmUp(): void {
  if (warm) return;
  warm = true;
  // Every branch taken: equal and unequal, zero and not, new min and max, growing differences.
  const finite = Float32Array.of(1, -2, 0, 0.5, -0, 3, -7, 2);
  const p = Float32Array.of(1, -1, 0, 0.25, 0, 4, -7, 1);
  const mixed = Float32Array.of(1, -2, 0, NaN, Infinity, -Infinity, 0.5, -0, 3);
  const mixedP = Float32Array.of(1, -1, 0, NaN, NaN, Infinity, 0.25, 0, -Infinity);
  const acc = new Float64Array(SLOTS);
  const counts = new Float64Array(4);
  for (let i = 0; i < 20; i++) {
    for (const [x, r] of [[finite, p], [mixed, mixedP]]) {
      resetAccumulator(acc);
      checkedChunk(x, r, x, 0, x.length, 0.5, acc);
      checkedChunk(x, x, r, 1, x.length, 0.5, acc);
      checkedSpreadChunk(x, 0, x.length, 0.5, -7, 0.4, counts);
    }
  }
}

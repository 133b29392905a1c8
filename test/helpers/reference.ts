/**
 * Independent float64 reference for the statistics engines (`src/stats/`), a comparator with
 * documented tolerances, and a seeded RNG. Plain loops over numbers: no tfjs, no code from src/.
 */
import type { DriftStats, FromStartStats, WeightStats } from '../../src/history-types';

// Jest runs a test file in a vm context, where every lookup of a global (Math, Number) costs ~50x
// a local one: over 10M elements that is minutes. Hot loops use these module-level copies.
const { abs, ceil, cos, floor, imul, log, sin, sqrt, PI } = Math;
const maxOf = Math.max;
const minOf = Math.min;
const isFiniteNumber = Number.isFinite;
const isNaNNumber = Number.isNaN;

// ---------------------------------------------------------------------------------------------
// Seeded random numbers

/** mulberry32: a tiny seeded PRNG, uniform in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = imul(t ^ (t >>> 15), t | 1);
    t ^= t + imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `n` float32 draws of `mean + std * N(0, 1)` (Box-Muller). */
export function randomNormal(n: number, seed: number, mean = 0, std = 1): Float32Array {
  const rand = mulberry32(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    const r = sqrt(-2 * log(1 - rand()));
    const theta = 2 * PI * rand();
    out[i] = mean + std * r * cos(theta);
    if (i + 1 < n) out[i + 1] = mean + std * r * sin(theta);
  }
  return out;
}

/** `n` float32 draws uniform in [lo, hi). */
export function randomUniform(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  const rand = mulberry32(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * rand();
  return out;
}

// ---------------------------------------------------------------------------------------------
// Reference statistics

export interface ReferenceConfig {
  bins: number;
  zeroTolerance: number;
}

export interface ReferenceInput {
  /** The weight's elements as the engine measures them (int32 already rounded to float32). */
  value: ArrayLike<number>;
  previous?: ArrayLike<number>;
  previousL2?: number | null;
  initial?: ArrayLike<number>;
  initialL2?: number | null;
}

export interface Reference {
  /** The statistics the engine should return. */
  stats: WeightStats;
  /** max |w| over the finite elements (0 if none): the scale of the absolute tolerances. */
  maxAbs: number;
  /** max |w| over the finite elements of `value`, `previous` and `initial` together. */
  maxAbsAll: number;
  /** Per histogram edge (bins + 1 of them): elements within {@link EDGE_TOLERANCE} of it. */
  edgeSlack: number[];
  /** Element count of the weight, finite or not. */
  elements: number;
  /** The `previousL2` / `initialL2` given, to scale the tolerance of a 0 `relative`. */
  previousL2: number | null;
  initialL2: number | null;
}

/**
 * Half-width, relative to max(|min|, |max|), of the band around a histogram edge where float32
 * arithmetic may put an element on the other side of the edge than float64 does (~8 float32 ulps).
 */
export const EDGE_TOLERANCE = 1e-6;

/** Neumaier-compensated float64 accumulator: exact enough for 10M float32 terms. */
class Sum {
  private s = 0;
  private c = 0;
  add(x: number): void {
    const t = this.s + x;
    this.c += abs(this.s) >= abs(x) ? (this.s - t) + x : (x - t) + this.s;
    this.s = t;
  }
  get value(): number {
    return this.s + this.c;
  }
}

/** Rounds int32 (or any) data to float32, the precision the engine measures in. */
export function asFloat32(data: ArrayLike<number>): Float32Array {
  return Float32Array.from(data);
}

/** `l2 / norm` with the spec's special cases: 0 when l2 is 0, null when norm is 0/null and l2 > 0. */
function relativeTo(l2: number | null, norm: number | null | undefined): number | null {
  if (l2 === null) return null;
  if (l2 === 0) return 0;
  if (norm === null || norm === undefined || norm === 0) return null;
  return l2 / norm;
}

/** ||a - b|| and max |a - b| over the elements finite in both; null when there is none. */
function difference(a: ArrayLike<number>, b: ArrayLike<number>):
  { l2: number | null; maxAbs: number | null; changed: number } {
  if (a.length !== b.length) throw new Error(`length mismatch ${a.length} vs ${b.length}`);
  const sq = new Sum();
  let maxAbs = 0;
  let both = 0;
  let changed = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (!(x === y || (isNaNNumber(x) && isNaNNumber(y)))) changed++;
    if (isFiniteNumber(x) && isFiniteNumber(y)) {
      const d = x - y;
      sq.add(d * d);
      maxAbs = maxOf(maxAbs, abs(d));
      both++;
    }
  }
  if (both === 0) return { l2: null, maxAbs: null, changed };
  return { l2: sqrt(sq.value), maxAbs, changed };
}

function finiteMaxAbs(data: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < data.length; i++) {
    if (isFiniteNumber(data[i])) m = maxOf(m, abs(data[i]));
  }
  return m;
}

/** Computes in float64 what the engine should return for one weight. */
export function referenceStats(input: ReferenceInput, config: ReferenceConfig): Reference {
  const v = input.value;
  const { bins, zeroTolerance } = config;
  let count = 0;
  let nanCount = 0;
  let infCount = 0;
  let zeroCount = 0;
  let min = Infinity;
  let max = -Infinity;
  const sum = new Sum();
  const absSum = new Sum();
  const sqSum = new Sum();
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (isNaNNumber(x)) { nanCount++; continue; }
    if (!isFiniteNumber(x)) { infCount++; continue; }
    count++;
    sum.add(x);
    absSum.add(abs(x));
    sqSum.add(x * x); // exact in float64 for a float32 x
    if (abs(x) <= zeroTolerance) zeroCount++;
    if (x < min) min = x;
    if (x > max) max = x;
  }

  const counts = new Array<number>(bins).fill(0);
  const slackDiff = new Array<number>(bins + 2).fill(0);
  let stats: WeightStats;
  if (count === 0) {
    stats = {
      count, mean: null, std: null, min: null, max: null, absMean: null, l2Norm: null,
      zeroCount, zeroFraction: null, nanCount, infCount,
      histogram: { min: null, max: null, counts },
    };
  } else {
    const mean = sum.value / count;
    const dev = new Sum(); // two-pass variance: no cancellation
    for (let i = 0; i < v.length; i++) {
      if (isFiniteNumber(v[i])) dev.add((v[i] - mean) * (v[i] - mean));
    }
    fillHistogram(v, min, max, counts, slackDiff);
    stats = {
      count, mean, std: sqrt(dev.value / count), min, max,
      absMean: absSum.value / count, l2Norm: sqrt(sqSum.value),
      zeroCount, zeroFraction: zeroCount / count, nanCount, infCount,
      histogram: { min, max, counts },
    };
  }

  let maxAbsAll = finiteMaxAbs(v);
  if (input.previous !== undefined) {
    const d = difference(v, input.previous);
    const drift: DriftStats = {
      l2: d.l2,
      relative: relativeTo(d.l2, input.previousL2),
      maxAbs: d.maxAbs,
      changedFraction: v.length === 0 ? null : d.changed / v.length,
    };
    stats.drift = drift;
    maxAbsAll = maxOf(maxAbsAll, finiteMaxAbs(input.previous));
  }
  if (input.initial !== undefined) {
    const d = difference(v, input.initial);
    const fromStart: FromStartStats = { relative: relativeTo(d.l2, input.initialL2) };
    stats.fromStart = fromStart;
    maxAbsAll = maxOf(maxAbsAll, finiteMaxAbs(input.initial));
  }

  const edgeSlack: number[] = [];
  let running = 0;
  for (let e = 0; e <= bins; e++) {
    running += slackDiff[e];
    edgeSlack.push(running);
  }
  return {
    stats, maxAbs: finiteMaxAbs(v), maxAbsAll, edgeSlack, elements: v.length,
    previousL2: input.previousL2 ?? null, initialL2: input.initialL2 ?? null,
  };
}

/**
 * numpy.histogram over [min, max] in float64: edges `min + (max - min) * i / bins`, bin i holds
 * edges[i] <= x < edges[i + 1], the last bin also holds x === max. A constant weight puts every
 * element in the first bin (the spec; numpy would widen the range instead). Also marks, in the
 * difference array `slackDiff`, the edges within EDGE_TOLERANCE of each element.
 */
function fillHistogram(v: ArrayLike<number>, min: number, max: number,
  counts: number[], slackDiff: number[]): void {
  const bins = counts.length;
  const finite = (x: number) => isFiniteNumber(x);
  if (min === max) {
    for (let i = 0; i < v.length; i++) if (finite(v[i])) counts[0]++;
    return;
  }
  const width = max - min; // float64: no overflow even for ±3.4e38
  const edges: number[] = [];
  for (let i = 0; i <= bins; i++) edges.push(i === bins ? max : min + (width * i) / bins);
  const tol = EDGE_TOLERANCE * maxOf(abs(min), abs(max));
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (!finite(x)) continue;
    let k = minOf(bins - 1, maxOf(0, floor(((x - min) / width) * bins)));
    while (k > 0 && x < edges[k]) k--;
    while (k < bins - 1 && x >= edges[k + 1]) k++;
    counts[k]++;
    // Edges within tol of x: the index range [lo, hi], found from the float64 edge positions.
    let lo = minOf(bins, maxOf(0, ceil(((x - tol - min) / width) * bins)));
    while (lo > 0 && edges[lo - 1] >= x - tol) lo--;
    while (lo <= bins && edges[lo] < x - tol) lo++;
    let hi = minOf(bins, maxOf(0, floor(((x + tol - min) / width) * bins)));
    while (hi < bins && edges[hi + 1] <= x + tol) hi++;
    while (hi >= 0 && edges[hi] > x + tol) hi--;
    if (lo <= hi) {
      slackDiff[lo]++;
      slackDiff[hi + 1]--;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Comparison

/**
 * Tolerances (all documented here, used by {@link compareStats}), as strict as the README's claim:
 * - integer fields (count, zeroCount, nanCount, infCount, histogram counts' sum): exact;
 * - min, max (and histogram.min/max): exact, since each is one of the float32 elements;
 * - zeroFraction, changedFraction: exact, since each is a ratio of exact counts;
 * - mean: |error| <= 1e-5 * max|w|, the only absolute floor (a relative error is meaningless for a
 *   mean near 0, and float32 rounding of the elements is of that order);
 * - std, absMean, l2Norm, drift.l2, drift.maxAbs, drift.relative, fromStart.relative: relative
 *   error < 1e-4, with no absolute floor: a reference of 0 must be met exactly;
 * - histogram counts: at every edge e, |cumulative actual - cumulative reference| <=
 *   edgeSlack[e], the elements within EDGE_TOLERANCE of e; the last edge (the total) is exact.
 * Returns one message per mismatch; an empty array means the engine agrees.
 */
export function compareStats(actual: WeightStats, ref: Reference): string[] {
  const out: string[] = [];
  const exp = ref.stats;
  // `!==`: null matches null, 0 matches -0, and NaN never matches.
  const exact = (name: string, a: unknown, r: unknown) => {
    if (a !== r) out.push(`${name}: got ${a}, expected ${r}`);
  };
  /** |a - r| < rel * |r|, or <= absFloor; a null reference wants null. */
  const close = (name: string, a: number | null | undefined, r: number | null, rel: number, absFloor = 0) => {
    if (r === null) {
      if (a !== null) out.push(`${name}: got ${a}, expected null`);
      return;
    }
    if (typeof a !== 'number' || !isFiniteNumber(a)) {
      out.push(`${name}: got ${a}, expected ${r}`);
      return;
    }
    const err = abs(a - r);
    const ok = err < rel * abs(r) || err <= absFloor;
    if (!ok) out.push(`${name}: got ${a}, expected ${r} (error ${err.toExponential(2)}, relative ${(err / abs(r)).toExponential(2)})`);
  };
  const relative = (name: string, a: number | null | undefined, r: number | null) => close(name, a, r, RELATIVE_TOLERANCE);

  for (const k of ['count', 'zeroCount', 'nanCount', 'infCount', 'min', 'max', 'zeroFraction'] as const) {
    exact(k, actual[k], exp[k]);
  }
  close('mean', actual.mean, exp.mean, 0, MEAN_TOLERANCE * ref.maxAbs);
  relative('std', actual.std, exp.std);
  relative('absMean', actual.absMean, exp.absMean);
  relative('l2Norm', actual.l2Norm, exp.l2Norm);
  compareHistogram(actual, ref, out);

  if (exp.drift === undefined) {
    if (actual.drift !== undefined) out.push(`drift: got ${JSON.stringify(actual.drift)}, expected absent`);
  } else if (actual.drift === undefined) {
    out.push('drift: absent, expected present');
  } else {
    const a = actual.drift;
    const r = exp.drift;
    relative('drift.l2', a.l2, r.l2);
    relative('drift.maxAbs', a.maxAbs, r.maxAbs);
    relative('drift.relative', a.relative, r.relative);
    exact('drift.changedFraction', a.changedFraction, r.changedFraction);
  }
  if (exp.fromStart === undefined) {
    if (actual.fromStart !== undefined) {
      out.push(`fromStart: got ${JSON.stringify(actual.fromStart)}, expected absent`);
    }
  } else if (actual.fromStart === undefined) {
    out.push('fromStart: absent, expected present');
  } else {
    relative('fromStart.relative', actual.fromStart.relative, exp.fromStart.relative);
  }
  return out;
}

/** The relative tolerance of every real-valued statistic but the mean. */
export const RELATIVE_TOLERANCE = 1e-4;
/** The mean's absolute tolerance, as a share of max|w|. */
export const MEAN_TOLERANCE = 1e-5;

function compareHistogram(actual: WeightStats, ref: Reference, out: string[]): void {
  const a = actual.histogram;
  const r = ref.stats.histogram;
  if (a === undefined || a === null) {
    out.push('histogram: missing');
    return;
  }
  if (a.min !== r.min) out.push(`histogram.min: got ${a.min}, expected ${r.min}`);
  if (a.max !== r.max) out.push(`histogram.max: got ${a.max}, expected ${r.max}`);
  if (!Array.isArray(a.counts) || a.counts.length !== r.counts.length) {
    out.push(`histogram.counts: length ${a.counts?.length}, expected ${r.counts.length}`);
    return;
  }
  if (!a.counts.every((c) => Number.isInteger(c) && c >= 0)) {
    out.push(`histogram.counts: not all non-negative integers: ${a.counts.slice(0, 20)}`);
    return;
  }
  let cumA = 0;
  let cumR = 0;
  let reported = 0;
  for (let e = 1; e <= r.counts.length; e++) {
    cumA += a.counts[e - 1];
    cumR += r.counts[e - 1];
    const slack = e === r.counts.length ? 0 : ref.edgeSlack[e];
    if (abs(cumA - cumR) > slack && reported++ < 5) {
      out.push(`histogram: cumulative count below edge ${e} is ${cumA}, expected ${cumR}` +
        ` (allowed ±${slack}); counts got [${a.counts.slice(maxOf(0, e - 3), e + 2)}],` +
        ` expected [${r.counts.slice(maxOf(0, e - 3), e + 2)}] around it`);
    }
  }
}

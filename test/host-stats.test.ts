/**
 * `computeStatsOnHost` (src/host-stats.ts), on the cpu and wasm backends:
 * 1. against the float64 reference in helpers/reference.ts, on the cases of test/stats.test.ts
 *    (large weights at one size, 3M elements);
 * 2. against `computeStats`, the device path it stands in for: the two agree to float32 rounding;
 * 3. it creates no tensor, disposes none of its inputs and never writes to them.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import type { WeightStats } from '../src/history-types';
import { computeStatsOnHost } from '../src/host-stats';
import { computeStats, StatsConfig, StatsInput } from '../src/stats';
import {
  asFloat32, compareStats, mulberry32, randomNormal, randomUniform, Reference, referenceStats,
} from './helpers/reference';
import { expectNoLeaks, withNoLeaks } from './helpers/tensor-leaks';

// Locals: a global lookup (Math, Object) costs ~50x a local one in jest's vm context.
const { abs, floor, max: maxOf } = Math;
const sameValue = Object.is;

type Data = Float32Array | Int32Array;

/** One weight to measure: its data and, optionally, its previous and initial copies. */
interface Case {
  name: string;
  shape: number[];
  value: Data;
  dtype?: 'float32' | 'int32';
  previous?: Data;
  /** `'measured'`: the reference l2Norm of `previous` (what the monitor would pass). */
  previousL2?: number | null | 'measured';
  initial?: Data;
  initialL2?: number | null | 'measured';
}

const DEFAULT_CONFIG: StatsConfig = { bins: 10, zeroTolerance: 0 };

function resolveL2(given: Case['previousL2'], data: Data | undefined): number | null | undefined {
  if (given !== 'measured' || data === undefined) return given as number | null | undefined;
  return referenceStats({ value: asFloat32(data) }, { bins: 1, zeroTolerance: 0 }).stats.l2Norm;
}

function referenceOf(c: Case, config: StatsConfig): Reference {
  return referenceStats({
    value: asFloat32(c.value),
    previous: c.previous && asFloat32(c.previous),
    previousL2: resolveL2(c.previousL2, c.previous),
    initial: c.initial && asFloat32(c.initial),
    initialL2: resolveL2(c.initialL2, c.initial),
  }, config);
}

/**
 * Builds the cases' tensors, runs `run` on them, checks that it created no lasting tensor, left
 * every input alive and unchanged (on cpu `dataSync()` is the tensor's own storage), then
 * disposes them. Returns `run`'s result.
 */
async function withInputs<T>(cases: Case[], run: (inputs: StatsInput[]) => Promise<T>): Promise<T> {
  const created: Array<{ tensor: tf.Tensor; data: Data }> = [];
  const make = (data: Data, c: Case) => {
    const tensor = tf.tensor(data.slice(), c.shape, c.dtype ?? 'float32');
    created.push({ tensor, data });
    return tensor;
  };
  try {
    const inputs = cases.map((c) => {
      const input: StatsInput = { value: make(c.value, c) };
      if (c.previous !== undefined) input.previous = make(c.previous, c);
      if (c.previousL2 !== undefined) input.previousL2 = resolveL2(c.previousL2, c.previous);
      if (c.initial !== undefined) input.initial = make(c.initial, c);
      if (c.initialL2 !== undefined) input.initialL2 = resolveL2(c.initialL2, c.initial);
      return input;
    });
    const result = await withNoLeaks(() => run(inputs));
    expect(created.filter(({ tensor }) => tensor.isDisposed)).toEqual([]);
    const written = created.filter(({ tensor, data }) => !sameData(tensor.dataSync(), data));
    expect(written.map(({ tensor }) => tensor.id)).toEqual([]);
    return result;
  } finally {
    created.forEach(({ tensor }) => tensor.dispose());
  }
}

function sameData(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!sameValue(a[i], b[i])) return false;
  return true;
}

/** Runs `computeStatsOnHost` on all cases in one call and compares each result with the reference. */
async function check(cases: Case[], config: StatsConfig = DEFAULT_CONFIG): Promise<WeightStats[]> {
  const results = await withInputs(cases, (inputs) => computeStatsOnHost(inputs, config));
  expect(results).toHaveLength(cases.length);
  cases.forEach((c, i) => {
    expect({ case: c.name, notPlainJson: notPlainJson(results[i]) }).toEqual({ case: c.name, notPlainJson: [] });
    expect({ case: c.name, mismatches: compareStats(results[i], referenceOf(c, config)) })
      .toEqual({ case: c.name, mismatches: [] });
  });
  return results;
}

/** Paths of the values in `x` that JSON cannot carry: NaN, ±Infinity, anything but plain data. */
function notPlainJson(x: unknown, path = '$'): string[] {
  if (x === null || typeof x === 'string' || typeof x === 'boolean') return [];
  if (typeof x === 'number') return Number.isFinite(x) ? [] : [`${path} = ${x}`];
  if (Array.isArray(x)) return x.flatMap((v, i) => notPlainJson(v, `${path}[${i}]`));
  if (typeof x === 'object' && Object.getPrototypeOf(x) === Object.prototype) {
    return Object.entries(x as Record<string, unknown>).flatMap(([k, v]) => notPlainJson(v, `${path}.${k}`));
  }
  return [`${path} is a ${typeof x} (${Object.prototype.toString.call(x)})`];
}

/**
 * Mismatches between the host and device results of one weight. Integers, min, max and the
 * fractions (ratios of exact counts) are exact; every other number agrees to 1e-5 relative or, for
 * values float32 rounding leaves near 0 (a mean near 0, a constant's std), to 1e-6 * max|w|.
 * Histogram counts may differ by the elements within the reference's edge slack of each edge.
 */
function disagreement(host: WeightStats, device: WeightStats, ref: Reference): string[] {
  const out: string[] = [];
  const exact = (name: string, h: unknown, d: unknown) => {
    if (h !== d) out.push(`${name}: host ${h}, device ${d}`);
  };
  const close = (name: string, h: number | null | undefined, d: number | null | undefined, floor: number) => {
    if (h === null || d === null || h === undefined || d === undefined) return exact(name, h, d);
    if (!(abs(h - d) <= 1e-5 * maxOf(abs(h), abs(d)) || abs(h - d) <= floor)) {
      out.push(`${name}: host ${h}, device ${d} (difference ${abs(h - d).toExponential(2)})`);
    }
  };
  const floorOf = (scale: number) => 1e-6 * scale;
  for (const k of ['count', 'zeroCount', 'nanCount', 'infCount', 'min', 'max', 'zeroFraction'] as const) {
    exact(k, host[k], device[k]);
  }
  for (const k of ['mean', 'std', 'absMean', 'l2Norm'] as const) close(k, host[k], device[k], floorOf(ref.maxAbs));
  exact('histogram.min', host.histogram.min, device.histogram.min);
  exact('histogram.max', host.histogram.max, device.histogram.max);
  let cumHost = 0;
  let cumDevice = 0;
  host.histogram.counts.forEach((c, b) => {
    cumHost += c;
    cumDevice += device.histogram.counts[b];
    const slack = b === host.histogram.counts.length - 1 ? 0 : ref.edgeSlack[b + 1];
    if (abs(cumHost - cumDevice) > slack) out.push(`histogram below edge ${b + 1}: host ${cumHost}, device ${cumDevice}`);
  });
  exact('histogram.counts.length', host.histogram.counts.length, device.histogram.counts.length);
  exact('drift present', host.drift !== undefined, device.drift !== undefined);
  exact('fromStart present', host.fromStart !== undefined, device.fromStart !== undefined);
  const all = floorOf(ref.maxAbsAll);
  if (host.drift && device.drift) {
    close('drift.l2', host.drift.l2, device.drift.l2, all);
    close('drift.maxAbs', host.drift.maxAbs, device.drift.maxAbs, all);
    close('drift.relative', host.drift.relative, device.drift.relative, ref.previousL2 ? all / ref.previousL2 : 0);
    exact('drift.changedFraction', host.drift.changedFraction, device.drift.changedFraction);
  }
  if (host.fromStart && device.fromStart) {
    close('fromStart.relative', host.fromStart.relative, device.fromStart.relative,
      ref.initialL2 ? all / ref.initialL2 : 0);
  }
  return out;
}

/** Runs both paths on the same tensors and expects them to agree, case by case. */
async function agree(cases: Case[], config: StatsConfig = DEFAULT_CONFIG): Promise<void> {
  const [host, device] = await withInputs(cases, async (inputs) =>
    [await computeStatsOnHost(inputs, config), await computeStats(inputs, config)]);
  cases.forEach((c, i) => {
    expect({ case: c.name, disagreement: disagreement(host[i], device[i], referenceOf(c, config)) })
      .toEqual({ case: c.name, disagreement: [] });
  });
}

function sizeOf(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** `data` with NaN, +Inf and -Inf written at seeded positions (about `share` of each). */
function withNonFinite(data: Float32Array, seed: number, share: number): Float32Array {
  const out = data.slice();
  const rand = mulberry32(seed);
  for (let i = 0; i < out.length; i++) {
    const r = rand();
    if (r < share) out[i] = NaN;
    else if (r < 2 * share) out[i] = Infinity;
    else if (r < 3 * share) out[i] = -Infinity;
  }
  return out;
}

/** `base` plus N(0, scale) noise: a plausible next snapshot. */
function nudged(base: Float32Array, seed: number, scale: number): Float32Array {
  const noise = randomNormal(base.length, seed, 0, scale);
  const out = new Float32Array(base.length);
  for (let i = 0; i < base.length; i++) out[i] = base[i] + noise[i];
  return out;
}

/** ±magnitude with seeded signs. */
function signs(n: number, seed: number, magnitude: number): Float32Array {
  const rand = mulberry32(seed);
  return Float32Array.from({ length: n }, () => (rand() < 0.5 ? -magnitude : magnitude));
}

function ints(n: number, seed: number, lo: number, hi: number): Int32Array {
  const rand = mulberry32(seed);
  return Int32Array.from({ length: n }, () => lo + floor(rand() * (hi - lo + 1)));
}

/** The 3M-element inputs (and their reference) are built once and shared by both backends. */
let big: { cases: Case[]; config: StatsConfig; refs: Reference[] } | undefined;
function big3M(): NonNullable<typeof big> {
  if (big) return big;
  const value = randomUniform(3_000_000, 102, 999, 1001);
  const cases: Case[] = [{ name: '1000 + U(-1,1)', shape: [1500, 2000], value,
    previous: nudged(value, 104, 0.01), previousL2: 'measured', initial: withNonFinite(value, 105, 0.01),
    initialL2: 'measured' }];
  const config = { bins: 100, zeroTolerance: 999.5 };
  big = { cases, config, refs: cases.map((c) => referenceOf(c, config)) };
  return big;
}

describe.each(['cpu', 'wasm'])('computeStatsOnHost on the %s backend', (backend) => {
  beforeAll(async () => {
    expect(await tf.setBackend(backend)).toBe(true);
    await tf.ready();
    expect(tf.getBackend()).toBe(backend);
  });
  expectNoLeaks();

  describe('against the float64 reference', () => {
    it('measures a small mixed tensor exactly as computed by hand', async () => {
      const value = Float32Array.from([3, -1, NaN, 1, Infinity, -Infinity, 0, 1]);
      const previous = Float32Array.from([3, -2, NaN, NaN, Infinity, Infinity, 0.5, 1]);
      const [stats] = await check([{ name: 'hand', shape: [2, 4], value, previous, previousL2: 2 }],
        { bins: 2, zeroTolerance: 0 });
      expect(stats).toEqual({
        count: 5, mean: 0.8, std: expect.closeTo(Math.sqrt(1.76), 12), min: -1, max: 3, absMean: 1.2,
        l2Norm: Math.sqrt(12), zeroCount: 1, zeroFraction: 0.2, nanCount: 1, infCount: 2,
        histogram: { min: -1, max: 3, counts: [2, 3] },
        drift: { l2: Math.sqrt(1.25), relative: Math.sqrt(1.25) / 2, maxAbs: 1, changedFraction: 0.5 },
      });
    });

    it('puts elements lying exactly on an edge in the upper bin, and max in the last', async () => {
      const [stats] = await check([{ name: '0..8', shape: [9], value: Float32Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8]) }],
        { bins: 4, zeroTolerance: 0 });
      expect(stats.histogram).toEqual({ min: 0, max: 8, counts: [2, 2, 2, 3] });
    });

    it('returns an empty array for no inputs', async () => {
      await expect(withNoLeaks(() => computeStatsOnHost([], DEFAULT_CONFIG))).resolves.toEqual([]);
    });

    it('rejects a previous copy of another shape, naming it', async () => {
      const [a, b] = [tf.zeros([2, 3]), tf.zeros([3, 2])];
      await expect(computeStatsOnHost([{ value: a, previous: b }], DEFAULT_CONFIG))
        .rejects.toThrow(/Input 0: `previous` has shape \[3,2\] but the value has shape \[2,3\]/);
      tf.dispose([a, b]);
    });

    const distributions: Array<[string, (n: number, seed: number) => Float32Array]> = [
      ['N(0, 1)', (n, s) => randomNormal(n, s)],
      ['N(0.3, 0.05)', (n, s) => randomNormal(n, s, 0.3, 0.05)],
      ['N(-2, 1e-3)', (n, s) => randomNormal(n, s, -2, 1e-3)],
      ['U(-1, 1)', (n, s) => randomUniform(n, s)],
      ['U(-100, 300)', (n, s) => randomUniform(n, s, -100, 300)],
      ['U(0, 1e-6)', (n, s) => randomUniform(n, s, 0, 1e-6)],
    ];
    it.each(distributions)('random %s in shapes from [1] to [64, 33]', async (_name, draw) => {
      const shapes = [[1], [17], [8, 8], [3, 5, 7], [2, 3, 4, 5], [64, 33]];
      const cases = shapes.map((shape, i) => ({ name: `[${shape}]`, shape, value: draw(sizeOf(shape), 1000 + i) }));
      await check(cases);
      await check(cases, { bins: 30, zeroTolerance: 0 });
    });

    it.each([
      ['all zeros', [4, 5], new Float32Array(20)],
      ['all -0', [3], Float32Array.from([-0, -0, -0])],
      ['constant 0.37', [1000], new Float32Array(1000).fill(0.37)],
      ['constant -2.5', [7, 3], new Float32Array(21).fill(-2.5)],
      ['one element', [1], Float32Array.from([-4.25])],
      ['a scalar', [], Float32Array.from([0.1])],
      ['two values', [2], Float32Array.from([1, 1 + 2 ** -20])],
    ])('degenerate: %s', async (name, shape, value) => {
      const [stats] = await check([{ name, shape, value }]);
      expect(stats.histogram.counts[0]).toBe(name === 'two values' ? 1 : value.length);
      if (name !== 'two values') expect(stats.std).toBe(0);
    });

    it('counts NaN and Inf apart from the finite elements', async () => {
      const base = randomNormal(5000, 21);
      await check([
        { name: '2% each', shape: [50, 100], value: withNonFinite(base, 22, 0.02) },
        { name: '30% each', shape: [5000], value: withNonFinite(base, 23, 0.3) },
        { name: 'only +Inf', shape: [2, 2], value: Float32Array.from([1, Infinity, 2, 3]) },
        { name: 'all NaN', shape: [4], value: Float32Array.from([NaN, NaN, NaN, NaN]) },
        { name: 'all Inf', shape: [4], value: Float32Array.from([Infinity, -Infinity, Infinity, Infinity]) },
        { name: 'one finite', shape: [4], value: Float32Array.from([NaN, 2.5, Infinity, NaN]) },
      ]);
    });

    it('does not overflow near the float32 maximum', async () => {
      const pm3e38 = signs(1000, 35, 3e38);
      await check([
        { name: '±3e38', shape: [10, 100], value: signs(1000, 31, 3e38) },
        { name: 'U(-3.4e38, 3.4e38)', shape: [1000], value: randomUniform(1000, 32, -3.4e38, 3.4e38) },
        { name: '±3e38 and N(0,1)', shape: [200], value: Float32Array.from([...signs(100, 33, 3e38), ...randomNormal(100, 34)]) },
        { name: 'all 3.4e38', shape: [64], value: new Float32Array(64).fill(3.4e38) },
        { name: '3e38 and 2.9e38', shape: [2], value: Float32Array.from([3e38, 2.9e38]) },
        { name: 'negated (differences of 6e38)', shape: [1000], value: pm3e38, previous: pm3e38.map((x) => -x),
          previousL2: 'measured', initial: pm3e38.map((x) => -x), initialL2: 'measured' },
      ]);
    });

    it('measures int32 weights as float32', async () => {
      const value = ints(3000, 41, -1000, 1000);
      const [, , , large] = await check([
        { name: 'U{-1000..1000}', shape: [30, 100], dtype: 'int32', value },
        { name: 'U{-3..3}', shape: [500], dtype: 'int32', value: ints(500, 42, -3, 3) },
        { name: 'constant 7', shape: [9], dtype: 'int32', value: new Int32Array(9).fill(7) },
        { name: 'large', shape: [4], dtype: 'int32', value: Int32Array.from([16777217, -2147483648, 2147483647, 3]) },
      ], { bins: 7, zeroTolerance: 0 });
      expect([large.min, large.max]).toEqual([-2147483648, 2147483648]);
      await check([{ name: 'drift', shape: [3000], dtype: 'int32', value,
        previous: value.map((x, i) => (i % 3 === 0 ? x + 1 : x)), previousL2: 'measured',
        initial: ints(3000, 43, -1000, 1000), initialL2: 'measured' }]);
    });

    it.each([[[0]], [[3, 0]], [[0, 4, 2]]])('0-element shape %j, among others', async (shape) => {
      const empty = new Float32Array(0);
      const results = await check([
        { name: 'before', shape: [5], value: randomNormal(5, 51) },
        { name: 'empty', shape, value: empty, previous: empty, previousL2: 0, initial: empty, initialL2: null },
        { name: 'after', shape: [6], value: randomNormal(6, 52), previous: randomNormal(6, 53), previousL2: 'measured' },
      ], { bins: 5, zeroTolerance: 0 });
      expect(results[1]).toEqual({
        count: 0, mean: null, std: null, min: null, max: null, absMean: null, l2Norm: null,
        zeroCount: 0, zeroFraction: null, nanCount: 0, infCount: 0,
        histogram: { min: null, max: null, counts: [0, 0, 0, 0, 0] },
        drift: { l2: null, relative: null, maxAbs: null, changedFraction: null }, fromStart: { relative: null },
      });
    });

    it('counts |x| <= zeroTolerance as zero, compared with the tolerance itself', async () => {
      const value = randomNormal(10000, 61, 0, 0.01);
      for (const zeroTolerance of [1e-3, 0.01, 0.05, 1]) {
        await check([{ name: `tol ${zeroTolerance}`, shape: [100, 100], value }], { bins: 10, zeroTolerance });
      }
      const [boundary] = await check([{ name: 'boundary', shape: [8],
        value: Float32Array.from([0.5, -0.5, 0.5000001, -0.50000006, 0, -0, 0.25, 3]) }], { bins: 10, zeroTolerance: 0.5 });
      expect(boundary.zeroCount).toBe(5);
      // Math.fround(1e-3) > 1e-3: an element of that value is above a tolerance of 1e-3.
      const [fround] = await check([{ name: 'fround(1e-3)', shape: [4],
        value: Float32Array.from([Math.fround(1e-3), -Math.fround(1e-3), 1e-4, 0.5]) }], { bins: 10, zeroTolerance: 1e-3 });
      expect(fround.zeroCount).toBe(1);
    });

    it.each([1, 2, 3, 50, 1000, 10_000])('bins = %d', async (bins) => {
      const [stats] = await check([
        { name: 'N(0,1)', shape: [400, 500], value: randomNormal(200_000, 71) },
        { name: 'U(-1,1) in 7 elements', shape: [7], value: randomUniform(7, 72) },
        { name: 'integers 0..100', shape: [101], value: Float32Array.from({ length: 101 }, (_, i) => i) },
      ], { bins, zeroTolerance: 0 });
      expect(stats.histogram.counts).toHaveLength(bins);
    });

    it('measures the change since the previous and the initial snapshot, with NaN and Inf', async () => {
      const value = randomNormal(3000, 81);
      const previous = nudged(value, 82, 0.01);
      const withNaN = withNonFinite(previous, 84, 0.05);
      const zeros = new Float32Array(3000);
      const results = await check([
        { name: 'nudged', shape: [30, 100], value, previous, previousL2: 'measured',
          initial: randomNormal(3000, 83), initialL2: 'measured' },
        { name: 'half changed', shape: [3000], value, previous: value.map((x, i) => (i % 2 ? x : x * 1.5)),
          previousL2: 'measured' },
        { name: 'identical', shape: [3000], value, previous: value.slice(), previousL2: 'measured',
          initial: value.slice(), initialL2: 'measured' },
        { name: 'NaN in previous', shape: [3000], value, previous: withNaN, previousL2: 'measured',
          initial: withNaN, initialL2: 'measured' },
        { name: 'NaN in both', shape: [3000], value: withNonFinite(value, 85, 0.05), previous: withNaN,
          previousL2: 'measured' },
        { name: 'same NaN and Inf', shape: [3000], value: withNaN, previous: withNaN.slice(), previousL2: 'measured' },
        { name: 'all NaN to numbers', shape: [3000], value, previous: new Float32Array(3000).fill(NaN),
          previousL2: null, initial: new Float32Array(3000).fill(NaN), initialL2: null },
        { name: 'moved from 0', shape: [3000], value, previous: zeros, previousL2: 0, initial: zeros, initialL2: 0 },
        { name: 'stayed 0', shape: [3000], value: zeros, previous: zeros.slice(), previousL2: 0,
          initial: zeros.slice(), initialL2: 0 },
        { name: 'previousL2 absent', shape: [3000], value, previous, initial: previous },
      ]);
      expect(results[2].drift).toEqual({ l2: 0, relative: 0, maxAbs: 0, changedFraction: 0 });
      expect(results[5].drift?.changedFraction).toBe(0);
      expect(results.slice(7).map((s) => [s.drift?.relative, s.fromStart?.relative, s.drift?.changedFraction]))
        .toEqual([[null, null, 1], [0, 0, 0], [null, null, 1]]);
    });

    it('3M elements of 1000 + U(-1, 1), with drift and NaN/Inf in the initial copy', async () => {
      const { cases, config, refs } = big3M();
      const results = await withInputs(cases, (inputs) => computeStatsOnHost(inputs, config));
      expect(compareStats(results[0], refs[0])).toEqual([]);
    });
  });

  describe('against the device path (computeStats)', () => {
    const value = randomNormal(100_000, 201);
    const withNaN = withNonFinite(value, 202, 0.01);
    const pm3e38 = signs(2000, 203, 3e38);
    it.each<[string, Case[]]>([
      ['random data', [
        { name: 'N(0,1) 100k', shape: [100, 1000], value },
        { name: 'N(-2, 1e-3)', shape: [64, 33], value: randomNormal(2112, 204, -2, 1e-3) },
        { name: 'U(-100, 300)', shape: [5000], value: randomUniform(5000, 205, -100, 300) },
        { name: 'N(0, 0.01) near the zero tolerance', shape: [10000], value: randomNormal(10000, 206, 0, 0.01) },
        { name: 'constant 0.37', shape: [1000], value: new Float32Array(1000).fill(0.37) },
      ]],
      ['NaN and Inf mixes', [
        { name: '1% each', shape: [100_000], value: withNaN },
        { name: '30% each', shape: [5000], value: withNonFinite(value.subarray(0, 5000), 207, 0.3) },
        { name: 'all NaN', shape: [3], value: Float32Array.from([NaN, NaN, NaN]) },
        { name: 'Inf and one finite', shape: [3], value: Float32Array.from([Infinity, -7, -Infinity]) },
      ]],
      ['±3e38', [
        { name: '±3e38', shape: [2000], value: pm3e38 },
        { name: 'U(-3.4e38, 3.4e38)', shape: [2000], value: randomUniform(2000, 208, -3.4e38, 3.4e38) },
        { name: 'negated', shape: [2000], value: pm3e38, previous: pm3e38.map((x) => -x), previousL2: 'measured',
          initial: randomNormal(2000, 209), initialL2: 'measured' },
      ]],
      ['int32', [
        { name: 'U{-1000..1000}', shape: [3000], dtype: 'int32', value: ints(3000, 210, -1000, 1000),
          previous: ints(3000, 211, -1000, 1000), previousL2: 'measured' },
        { name: 'large', shape: [4], dtype: 'int32', value: Int32Array.from([16777217, -2147483648, 2147483647, 3]) },
      ]],
      ['empty', [
        { name: '[0, 3]', shape: [0, 3], value: new Float32Array(0), previous: new Float32Array(0), previousL2: 0 },
        { name: 'after it', shape: [2], value: Float32Array.from([1, 2]) },
      ]],
      ['drift', [
        { name: 'nudged', shape: [100_000], value, previous: nudged(value, 212, 0.01), previousL2: 'measured',
          initial: randomNormal(100_000, 213), initialL2: 'measured' },
        { name: 'NaN in both', shape: [100_000], value: withNaN, previous: withNonFinite(value, 214, 0.01),
          previousL2: 'measured', initial: withNaN.slice(), initialL2: 'measured' },
        { name: 'identical', shape: [100_000], value, previous: value.slice(), previousL2: 'measured' },
        { name: 'moved from 0', shape: [100_000], value, previous: new Float32Array(100_000), previousL2: 0 },
      ]],
    ])('agree on %s', async (_name, cases) => {
      await agree(cases, { bins: 30, zeroTolerance: 1e-3 });
    });
  });
});

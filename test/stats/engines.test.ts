/**
 * Correctness of both statistics engines against the float64 reference in helpers/reference.ts,
 * on the cpu and wasm backends: `computeStats` (tensor ops) and `computeStatsOnHost` (loops over
 * the host copy) run the same cases, through `check` of helpers/stat-cases.ts, and are compared
 * field by field with the tolerances documented in `compareStats`, at every size (up to 2^24 + 3
 * elements). What is particular to the host engine, and its agreement with `computeStats`, is in
 * host-engines.test.ts.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import type { DriftStats } from '../../src/history-types';
import { computeStatsOnHost } from '../../src/stats/host-engine';
import { computeStats } from '../../src/stats/device-engine';
import {
  compareStats, mulberry32, randomNormal, randomUniform, referenceStats,
} from '../helpers/reference';
import {
  Case, check, DEFAULT_CONFIG, ints, memo, nudged, onBackend, signs, sizeOf, withNonFinite,
} from '../helpers/stat-cases';
import { withNoLeaks } from '../helpers/tensor-leaks';
import { TEST_BACKENDS } from '../helpers/backends';

/**
 * The engines that run every reference case. `float64`: the engine accumulates in float64, so it
 * returns hand-computed values themselves and a constant's std is exactly 0 (src/stats/host-engine.ts);
 * `computeStats` works in float32 and meets those only within the reference's tolerances.
 */
const ENGINES = [
  { name: 'computeStats', engine: computeStats, float64: false },
  { name: 'computeStatsOnHost', engine: computeStatsOnHost, float64: true },
];

const big1M = memo(() => randomNormal(1 << 20, 101, 5, 1));
const big3M = memo(() => randomUniform(3_000_000, 102, 999, 1001));
/** 5 + N(0, 1) with two NaN: 2^24 + 1 finite elements, a count float32 cannot hold. */
const bigOver2p24 = memo(() => {
  const data = randomNormal(2 ** 24 + 3, 103, 5, 1);
  data[12345] = Number.NaN;
  data[data.length - 1] = Number.NaN;
  return data;
});
// Cases, not only data, are shared by both backends: their references are then computed once.
const big1MCase = memo((): Case => ({ name: '5 + N(0,1)', shape: [1024, 1024], value: big1M() }));
const big3MCase = memo((): Case => ({ name: '1000 + U(-1,1)', shape: [1500, 2000], value: big3M(),
  previous: nudged(big3M(), 104, 0.01), previousL2: 'measured' }));

describe('the float64 reference and its comparator', () => {
  beforeAll(async () => {
    expect(await tf.setBackend('cpu')).toBe(true); // tf.memory() needs a backend
  });

  it('matches numpy.histogram on known inputs', () => {
    const counts = (v: number[], bins: number) =>
      referenceStats({ value: Float32Array.from(v) }, { bins, zeroTolerance: 0 }).stats.histogram.counts;
    expect(counts([0, 1, 2, 3, 4], 4)).toEqual([1, 1, 1, 2]); // np.histogram([0,1,2,3,4], 4)
    expect(counts([1, 2, 3], 2)).toEqual([1, 2]);
    expect(counts([2, 2, 2], 3)).toEqual([3, 0, 0]); // constant: first bin (the spec, not numpy)
    expect(counts([NaN, Infinity], 2)).toEqual([0, 0]);
  });

  it('rejects a mean summed naively in float32 (the failure the engine must avoid)', () => {
    const data = big3M();
    const fround = Math.fround; // a local: global lookups are slow in jest's vm context
    let naive = 0;
    for (let i = 0; i < data.length; i++) naive = fround(naive + data[i]);
    const ref = referenceStats({ value: data }, DEFAULT_CONFIG);
    const wrong = { ...ref.stats, mean: Math.fround(naive / data.length) };
    expect(compareStats(ref.stats, ref)).toEqual([]);
    expect(compareStats(wrong, ref)).toEqual([expect.stringMatching(/^mean: got/)]);
  });

  it('rejects a 2% error in std on N(-2, 1e-3), which an absolute floor of 1e-5 * max|w| let pass', () => {
    const ref = referenceStats({ value: randomNormal(2112, 204, -2, 1e-3) }, DEFAULT_CONFIG);
    const std = ref.stats.std as number;
    expect(compareStats({ ...ref.stats, std: std * 1.00009 }, ref)).toEqual([]);
    expect(compareStats({ ...ref.stats, std: std * 1.02 }, ref)).toEqual([expect.stringMatching(/^std: got/)]);
  });

  it('rejects a changedFraction off by one element of 3M, and a drift of 0 measured as a residue', () => {
    const value = big3M();
    const previous = value.slice();
    for (let i = 0; i < 250; i++) previous[i * 1000] += 1;
    const ref = referenceStats({ value, previous, previousL2: 1 }, DEFAULT_CONFIG);
    const drift = ref.stats.drift as DriftStats;
    expect(drift.changedFraction).toBe(250 / 3e6);
    const offByOne = { ...drift, changedFraction: 251 / 3e6 };
    expect(compareStats({ ...ref.stats, drift: offByOne }, ref)).toEqual([expect.stringMatching(/^drift.changedFraction: got/)]);
    const still = referenceStats({ value, previous: value, previousL2: 1 }, DEFAULT_CONFIG);
    const residue = { ...(still.stats.drift as DriftStats), l2: 1e-9 };
    expect(compareStats({ ...still.stats, drift: residue }, still)).toEqual([expect.stringMatching(/^drift.l2: got 1e-9, expected 0/)]);
  });

  it('withNoLeaks reports a tensor left behind', async () => {
    let leaked: tf.Tensor | undefined;
    await expect(withNoLeaks(() => { leaked = tf.scalar(1); })).rejects.toThrow(/Tensor leak: 1 tensor/);
    expect(leaked?.isDisposed).toBe(false);
    leaked?.dispose();
  });

  it('rejects a histogram with one element moved across an edge far from it', () => {
    const ref = referenceStats({ value: randomUniform(1000, 7) }, DEFAULT_CONFIG);
    const counts = ref.stats.histogram.counts.slice();
    counts[3]--;
    counts[4]++;
    const wrong = { ...ref.stats, histogram: { ...ref.stats.histogram, counts } };
    expect(compareStats(wrong, ref)).toEqual([expect.stringMatching(/^histogram: cumulative/)]);
  });
});

describe.each(TEST_BACKENDS)('on the %s backend', (backend) => {
  onBackend(backend);

  describe.each(ENGINES)('$name', ({ engine, float64 }) => {
    describe('known answers', () => {
      it('measures a small mixed tensor exactly as computed by hand', async () => {
        const value = Float32Array.from([3, -1, NaN, 1, Infinity, -Infinity, 0, 1]);
        const previous = Float32Array.from([3, -2, NaN, NaN, Infinity, Infinity, 0.5, 1]);
        const [stats] = await check(engine, [{ name: 'hand', shape: [2, 4], value, previous, previousL2: 2 }],
          { bins: 2, zeroTolerance: 0 });
        const near = (x: number) => (float64 ? x : expect.closeTo(x, 6));
        // finite: 3, -1, 1, 0, 1. Finite in both: diffs 0, 1, -0.5, 0.
        // changed: -1 (was -2), 1 (was NaN), -Inf (was +Inf), 0 (was 0.5) -> 4 of 8.
        expect(stats).toEqual({
          count: 5, mean: near(0.8), std: expect.closeTo(Math.sqrt(1.76), float64 ? 12 : 6),
          min: -1, max: 3, absMean: near(1.2), l2Norm: near(Math.sqrt(12)),
          zeroCount: 1, zeroFraction: near(0.2), nanCount: 1, infCount: 2,
          histogram: { min: -1, max: 3, counts: [2, 3] },
          drift: {
            l2: near(Math.sqrt(1.25)), relative: near(Math.sqrt(1.25) / 2),
            maxAbs: 1, changedFraction: 0.5,
          },
        });
      });

      it('puts elements lying exactly on an edge in the upper bin, and max in the last', async () => {
        const value = Float32Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8]);
        const [stats] = await check(engine, [{ name: '0..8', shape: [9], value }], { bins: 4, zeroTolerance: 0 });
        expect(stats.histogram).toEqual({ min: 0, max: 8, counts: [2, 2, 2, 3] });
      });

      it('returns an empty array for no inputs', async () => {
        await expect(withNoLeaks(() => engine([], DEFAULT_CONFIG))).resolves.toEqual([]);
      });

      it('rejects a previous copy of another shape, naming it', async () => {
        const [a, b] = [tf.zeros([2, 3]), tf.zeros([3, 2])];
        await expect(engine([{ value: a, previous: b }], DEFAULT_CONFIG))
          .rejects.toThrow(/Input 0: `previous` has shape \[3,2\] but the value has shape \[2,3\]/);
        tf.dispose([a, b]);
      });
    });

    describe('random normal and uniform tensors', () => {
      const shapes = [[1], [17], [8, 8], [3, 5, 7], [2, 3, 4, 5], [64, 33]];
      const distributions: Array<[string, (n: number, seed: number) => Float32Array]> = [
        ['N(0, 1)', (n, s) => randomNormal(n, s)],
        ['N(0.3, 0.05)', (n, s) => randomNormal(n, s, 0.3, 0.05)],
        ['N(-2, 1e-3)', (n, s) => randomNormal(n, s, -2, 1e-3)],
        ['U(-1, 1)', (n, s) => randomUniform(n, s)],
        ['U(-100, 300)', (n, s) => randomUniform(n, s, -100, 300)],
        ['U(0, 1e-6)', (n, s) => randomUniform(n, s, 0, 1e-6)],
      ];
      it.each(distributions)('%s, shapes %#', async (_name, draw) => {
        const cases = shapes.map((shape, i) => ({
          name: `[${shape}]`, shape, value: draw(sizeOf(shape), 1000 + i),
        }));
        await check(engine, cases);
        await check(engine, cases, { bins: 30, zeroTolerance: 0 });
      });
    });

    describe('degenerate values', () => {
      it.each([
        ['all zeros', [4, 5], new Float32Array(20)],
        ['all -0', [3], Float32Array.from([-0, -0, -0])],
        ['constant 0.37', [1000], new Float32Array(1000).fill(0.37)],
        ['constant -2.5', [7, 3], new Float32Array(21).fill(-2.5)],
        ['one element', [1], Float32Array.from([-4.25])],
        ['a scalar', [], Float32Array.from([0.1])],
        ['one element in [1, 1, 1]', [1, 1, 1], Float32Array.from([123456.789])],
        ['two values', [2], Float32Array.from([1, 1 + 2 ** -20])],
      ])('%s', async (name, shape, value) => {
        const [stats] = await check(engine, [{ name, shape, value }]);
        expect(stats.histogram.counts[0]).toBe(name === 'two values' ? 1 : value.length);
        if (float64 && name !== 'two values') expect(stats.std).toBe(0);
      });
    });

    describe('NaN and Inf elements', () => {
      it('counts them apart from random finite elements', async () => {
        const base = randomNormal(5000, 21);
        await check(engine, [
          { name: '2% each', shape: [50, 100], value: withNonFinite(base, 22, 0.02) },
          { name: '30% each', shape: [5000], value: withNonFinite(base, 23, 0.3) },
          { name: 'only +Inf', shape: [2, 2], value: Float32Array.from([1, Infinity, 2, 3]) },
          { name: 'only -Inf', shape: [4], value: Float32Array.from([-Infinity, -1, 0, 5]) },
        ]);
      });

      it.each([
        ['all NaN', Float32Array.from([NaN, NaN, NaN, NaN])],
        ['all Inf', Float32Array.from([Infinity, -Infinity, Infinity, Infinity])],
        ['NaN and Inf only', Float32Array.from([NaN, Infinity, -Infinity, NaN])],
        ['one finite among them', Float32Array.from([NaN, 2.5, Infinity, NaN])],
      ])('%s', async (name, value) => {
        const [stats] = await check(engine, [{ name, shape: [4], value }]);
        expect(stats.nanCount + stats.infCount + stats.count).toBe(4);
      });
    });

    describe('values near the float32 maximum', () => {
      it('±3e38 mixed, whose sums and squares overflow float32', async () => {
        const value = signs(1000, 31, 3e38);
        const spread = randomUniform(1000, 32, -3.4e38, 3.4e38);
        const mixed = Float32Array.from([...signs(100, 33, 3e38), ...randomNormal(100, 34)]);
        await check(engine, [
          { name: '±3e38', shape: [10, 100], value },
          { name: 'U(-3.4e38, 3.4e38)', shape: [1000], value: spread },
          { name: '±3e38 and N(0,1)', shape: [200], value: mixed },
          { name: 'all 3.4e38', shape: [64], value: new Float32Array(64).fill(3.4e38) },
          { name: 'all +3e38', shape: [1000], value: new Float32Array(1000).fill(3e38) },
          { name: '3e38 and 2.9e38', shape: [2], value: Float32Array.from([3e38, 2.9e38]) },
        ]);
      });

      it('drift between ±3e38 and its negation (differences of 6e38)', async () => {
        const value = signs(1000, 35, 3e38);
        const previous = value.map((x) => -x);
        await check(engine, [{
          name: 'negated', shape: [1000], value, previous, previousL2: 'measured',
          initial: previous, initialL2: 'measured',
        }]);
      });
    });

    describe('int32 weights', () => {
      it('are measured as float32', async () => {
        const value = ints(3000, 41, -1000, 1000);
        const [, , , large] = await check(engine, [
          { name: 'U{-1000..1000}', shape: [30, 100], dtype: 'int32', value },
          { name: 'U{-3..3}', shape: [500], dtype: 'int32', value: ints(500, 42, -3, 3) },
          { name: 'constant 7', shape: [9], dtype: 'int32', value: new Int32Array(9).fill(7) },
          // Beyond 2^24 float32 rounds: 16777217 is measured as 16777216.
          { name: 'large', shape: [4], dtype: 'int32',
            value: Int32Array.from([16777217, -2147483648, 2147483647, 3]) },
        ], { bins: 7, zeroTolerance: 0 });
        expect([large.min, large.max]).toEqual([-2147483648, 2147483648]);
        await check(engine, [{ name: 'drift', shape: [3000], dtype: 'int32', value,
          previous: value.map((x, i) => (i % 3 === 0 ? x + 1 : x)), previousL2: 'measured',
          initial: ints(3000, 43, -1000, 1000), initialL2: 'measured' }]);
      });
    });

    describe('0-element weights', () => {
      it.each([[[0]], [[3, 0]], [[0, 4, 2]]])('shape %j, alone and with others', async (shape) => {
        const empty = new Float32Array(0);
        const nothing = {
          count: 0, mean: null, std: null, min: null, max: null, absMean: null, l2Norm: null,
          zeroCount: 0, zeroFraction: null, nanCount: 0, infCount: 0,
          histogram: { min: null, max: null, counts: [0, 0, 0, 0, 0] },
        };
        const [alone] = await check(engine, [{ name: 'alone', shape, value: empty }], { bins: 5, zeroTolerance: 0 });
        expect(alone).toEqual(nothing);
        const results = await check(engine, [
          { name: 'before', shape: [5], value: randomNormal(5, 51) },
          { name: 'empty with previous', shape, value: empty, previous: empty, previousL2: 0,
            initial: empty, initialL2: null },
          { name: 'after', shape: [6], value: randomNormal(6, 52), previous: randomNormal(6, 53),
            previousL2: 'measured' },
        ], { bins: 5, zeroTolerance: 0 });
        expect(results[1]).toEqual({
          ...nothing,
          drift: { l2: null, relative: null, maxAbs: null, changedFraction: null }, fromStart: { relative: null },
        });
      });
    });

    describe('zeroTolerance', () => {
      it('counts |x| <= zeroTolerance as zero', async () => {
        const value = randomNormal(10000, 61, 0, 0.01);
        for (const zeroTolerance of [1e-3, 0.01, 0.05, 1]) {
          await check(engine, [{ name: `tol ${zeroTolerance}`, shape: [100, 100], value }],
            { bins: 10, zeroTolerance });
        }
      });

      it('counts an element equal to the tolerance, and ±0', async () => {
        const value = Float32Array.from([0.5, -0.5, 0.5000001, -0.50000006, 0, -0, 0.25, 3]);
        const [stats] = await check(engine, [{ name: 'boundary', shape: [8], value }],
          { bins: 10, zeroTolerance: 0.5 });
        expect(stats.zeroCount).toBe(5);
      });

      it('compares with the tolerance itself, not its float32 rounding', async () => {
        // Math.fround(1e-3) = 0.0010000000475 > 1e-3: an element of that value is above the tolerance.
        const value = Float32Array.from([Math.fround(1e-3), -Math.fround(1e-3), 1e-4, 0.5]);
        const [stats] = await check(engine, [{ name: 'fround(1e-3)', shape: [4], value }],
          { bins: 10, zeroTolerance: 1e-3 });
        expect(stats.zeroCount).toBe(1);
      });
    });

    describe('bins', () => {
      const value = randomNormal(200_000, 71);
      it.each([1, 2, 3, 50, 1000, 10_000])('bins = %d', async (bins) => {
        const [stats] = await check(engine, [
          { name: 'N(0,1)', shape: [400, 500], value },
          { name: 'U(-1,1) in 7 elements', shape: [7], value: randomUniform(7, 72) },
          { name: 'integers 0..100', shape: [101], value: Float32Array.from({ length: 101 }, (_, i) => i) },
        ], { bins, zeroTolerance: 0 });
        expect(stats.histogram.counts).toHaveLength(bins);
      });
    });

    describe('many weights of every class in one call', () => {
      it('keeps each result apart and in order', async () => {
        const empty = new Float32Array(0);
        const value = randomNormal(600, 91);
        await check(engine, [
          { name: 'normal', shape: [20, 30], value, previous: nudged(value, 92, 0.1),
            previousL2: 'measured' },
          { name: 'empty', shape: [0, 3], value: empty, previous: empty, previousL2: null },
          { name: 'int32', shape: [3, 3], dtype: 'int32',
            value: Int32Array.from([1, 2, 3, 0, 0, -7, 9, 9, 9]), initial: new Int32Array(9), initialL2: 0 },
          { name: 'NaN and Inf', shape: [5],
            value: Float32Array.from([Number.NaN, 1, Infinity, 2, -Infinity]) },
          { name: 'all NaN', shape: [2], value: Float32Array.from([Number.NaN, Number.NaN]) },
          { name: 'constant', shape: [4], value: new Float32Array(4).fill(2) },
          { name: '±3e38', shape: [3], value: Float32Array.from([3e38, -3e38, 3e38]),
            previous: Float32Array.from([-3e38, 3e38, 3e38]), previousL2: 'measured',
            initial: Float32Array.from([1, 2, 3]), initialL2: 'measured' },
          { name: 'uniform', shape: [7, 11], value: randomUniform(77, 93, -5, 5) },
        ], { bins: 7, zeroTolerance: 0.01 });
      });
    });

    describe('drift and fromStart', () => {
      const value = randomNormal(3000, 81);
      const previous = nudged(value, 82, 0.01);
      const initial = randomNormal(3000, 83);

      it('measures the change since the previous and the initial snapshot', async () => {
        await check(engine, [
          { name: 'nudged', shape: [30, 100], value, previous, previousL2: 'measured',
            initial, initialL2: 'measured' },
          { name: 'previous only', shape: [3000], value, previous, previousL2: 'measured' },
          { name: 'initial only', shape: [3000], value, initial, initialL2: 'measured' },
          { name: 'half changed', shape: [3000], value,
            previous: value.map((x, i) => (i % 2 ? x : x * 1.5)), previousL2: 'measured' },
        ]);
      });

      it('is 0 with nothing changed, for identical tensors', async () => {
        const [stats] = await check(engine, [{ name: 'identical', shape: [3000], value, previous: value.slice(),
          previousL2: 'measured', initial: value.slice(), initialL2: 'measured' }]);
        expect(stats.drift).toEqual({ l2: 0, relative: 0, maxAbs: 0, changedFraction: 0 });
        expect(stats.fromStart).toEqual({ relative: 0 });
      });

      it('handles NaN and Inf in previous and value', async () => {
        const withNaN = withNonFinite(previous, 84, 0.05);
        const results = await check(engine, [
          { name: 'NaN in previous', shape: [3000], value, previous: withNaN, previousL2: 'measured',
            initial: withNaN, initialL2: 'measured' },
          { name: 'NaN in both', shape: [3000], value: withNonFinite(value, 85, 0.05), previous: withNaN,
            previousL2: 'measured' },
          { name: 'same NaN and Inf', shape: [3000], value: withNaN, previous: withNaN.slice(),
            previousL2: 'measured' },
          { name: 'all NaN to numbers', shape: [3000], value, previous: new Float32Array(3000).fill(NaN),
            previousL2: null, initial: new Float32Array(3000).fill(NaN), initialL2: null },
        ]);
        expect(results[2].drift?.changedFraction).toBe(0);
      });

      it('follows the previousL2 = 0 / null rules', async () => {
        const zeros = new Float32Array(3000);
        const results = await check(engine, [
          { name: 'moved from 0', shape: [3000], value, previous: zeros, previousL2: 0,
            initial: zeros, initialL2: 0 },
          { name: 'stayed 0', shape: [3000], value: zeros, previous: zeros.slice(), previousL2: 0,
            initial: zeros.slice(), initialL2: 0 },
          { name: 'previousL2 null, moved', shape: [3000], value, previous, previousL2: null,
            initial, initialL2: null },
          { name: 'previousL2 absent, moved', shape: [3000], value, previous, initial },
          { name: 'previousL2 absent, initial = previous', shape: [3000], value, previous, initial: previous },
        ]);
        expect(results.map((s) => [s.drift?.relative, s.fromStart?.relative, s.drift?.changedFraction]))
          .toEqual([[null, null, 1], [0, 0, 0], [null, null, 1], [null, null, 1], [null, null, 1]]);
      });
    });
  });

  describe.each(ENGINES)('large weights with a mean far from zero, on $name', ({ engine }) => {
    it('1M elements of 5 + N(0, 1)', async () => {
      await check(engine, [big1MCase()]);
    });
    it('3M elements of 1000 + U(-1, 1), with drift', async () => {
      await check(engine, [big3MCase()], { bins: 100, zeroTolerance: 0 });
    });
    // 16.7M elements take 73 s on the cpu backend's device engine and 4 s on wasm or tensorflow; the
    // packing of counts is the same code on all, and wasm is where a float32 rounding of it was found.
    const affordable = backend !== 'cpu' || engine !== computeStats ? it : it.skip;
    affordable('2^24 + 3 elements of 5 + N(0, 1), two NaN: counts that float32 cannot hold', async () => {
      // 2^24 + 1 finite elements, all within the zero tolerance and in the one bin: every count
      // is odd and above 2^24, so one rounded to float32 anywhere on the way is off by one.
      const value = bigOver2p24();
      const [stats] = await check(engine, [{ name: '2^24 + 3', shape: [value.length], value }],
        { bins: 1, zeroTolerance: 100 });
      expect([stats.count, stats.zeroCount, stats.nanCount, stats.histogram.counts])
        .toEqual([2 ** 24 + 1, 2 ** 24 + 1, 2, [2 ** 24 + 1]]);
    });
  });
});

/**
 * What is particular to `computeStatsOnHost` (src/stats/host-engine.ts), on the cpu and wasm backends.
 * The reference cases it shares with `computeStats` run against both engines in engines.test.ts,
 * where `check` (helpers/stat-cases.ts) also expects it to create no tensor and to neither
 * dispose of nor write to its inputs. Here:
 * 1. its large case with NaN/Inf in the initial copy against the float64 reference (3M elements);
 * 2. against `computeStats`, the device path it stands in for: the two agree to float32 rounding;
 * 3. how it reads a weight: a view of the wasm heap, the cpu backend's own storage, no copy.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import type { WeightStats } from '../../src/history-types';
import { computeStatsOnHost, float32Values } from '../../src/stats/host-engine';
import { computeStats } from '../../src/stats/device-engine';
import type { StatsConfig } from '../../src/stats/types';
import { randomNormal, randomUniform, Reference } from '../helpers/reference';
import { expectNoLeaks } from '../helpers/tensor-leaks';
import {
  Case, check, DEFAULT_CONFIG, ints, memo, nudged, onBackend, referenceOf, signs, withInputs, withNonFinite,
} from '../helpers/stat-cases';
import { TEST_BACKENDS } from '../helpers/backends';

// Locals: a global lookup (Math) costs ~50x a local one in jest's vm context.
const { abs, max: maxOf } = Math;

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

/** The 3M-element case is built once and shared by both backends (so is its reference). */
const big3M = memo((): Case => {
  const value = randomUniform(3_000_000, 102, 999, 1001);
  return { name: '1000 + U(-1,1)', shape: [1500, 2000], value, previous: nudged(value, 104, 0.01),
    previousL2: 'measured', initial: withNonFinite(value, 105, 0.01), initialL2: 'measured' };
});

describe.each(TEST_BACKENDS)('computeStatsOnHost on the %s backend', (backend) => {
  onBackend(backend);

  describe('against the float64 reference', () => {
    it('3M elements of 1000 + U(-1, 1), with drift and NaN/Inf in the initial copy', async () => {
      await check(computeStatsOnHost, [big3M()], { bins: 100, zeroTolerance: 999.5 });
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

describe('reading a weight without copying it', () => {
  afterAll(async () => {
    await tf.setBackend('cpu');
  });
  expectNoLeaks();

  it('on wasm, views the wasm heap; a tensor of another backend is moved there and read', async () => {
    await tf.setBackend('cpu');
    const elsewhere = tf.tensor1d([1, 2, 3]);
    await tf.setBackend('wasm');
    const [a, b] = [tf.tensor1d([1, 2, 3]), tf.tensor1d([4, 5])];
    const [va, vb] = [float32Values(a), float32Values(b)];
    expect([Array.from(va), Array.from(vb)]).toEqual([[1, 2, 3], [4, 5]]);
    expect(va.buffer).toBe(vb.buffer); // both views of the one heap, not copies
    expect(va.buffer.byteLength).toBeGreaterThan(1 << 20);
    expect(Array.from(float32Values(elsewhere))).toEqual([1, 2, 3]);
    tf.dispose([a, b, elsewhere]);
  });

  it('on cpu, reads the backend\'s own storage; int32 is rounded to float32 in a new array', async () => {
    await tf.setBackend('cpu');
    const [a, i] = [tf.tensor1d([1, 2, 3]), tf.tensor1d([16777217, -2], 'int32')];
    expect(float32Values(a)).toBe(a.dataSync());
    expect(Array.from(float32Values(i))).toEqual([16777216, -2]);
    tf.dispose([a, i]);
  });
});

/**
 * Cases and the check machinery shared by the tests of the two statistics engines,
 * `computeStats` (src/stats/device-engine.ts, tensor ops on the backend) and `computeStatsOnHost`
 * (src/stats/host-engine.ts, loops over the host copy). A {@link Case} describes one weight as plain
 * data; {@link check} builds its tensors, runs an engine on them and compares every result with
 * the float64 reference of reference.ts; {@link onBackend} sets up each backend's `describe`.
 */
import * as tf from '@tensorflow/tfjs';
import type { WeightStats } from '../../src/history-types';
import type { StatsConfig, StatsInput } from '../../src/stats/types';
import {
  asFloat32, compareStats, mulberry32, randomNormal, Reference, referenceStats,
} from './reference';
import { expectNoLeaks, withNoLeaks } from './tensor-leaks';

// Locals: a global lookup (Math, Object) costs ~50x a local one in jest's vm context.
const { floor } = Math;
const sameValue = Object.is;

export type Data = Float32Array | Int32Array;

/** One weight to measure: its data and, optionally, its previous and initial copies. */
export interface Case {
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

/**
 * Registers a `beforeAll` that switches to `backend` (and checks it took), then
 * `expectNoLeaks()` on it. Call it first in each backend's `describe`.
 */
export function onBackend(backend: string): void {
  beforeAll(async () => {
    expect(await tf.setBackend(backend)).toBe(true);
    await tf.ready();
    expect(tf.getBackend()).toBe(backend);
  });
  expectNoLeaks();
}

/** A statistics engine: `computeStats` or `computeStatsOnHost`. */
export type Engine = (inputs: StatsInput[], config: StatsConfig) => Promise<WeightStats[]>;

export const DEFAULT_CONFIG: StatsConfig = { bins: 10, zeroTolerance: 0 };

// Computed once per data array / case object: the big cases are shared by both backends, and a
// reference over millions of elements takes seconds.
const measuredL2 = new WeakMap<Data, number | null>();
const references = new WeakMap<Case, Map<string, Reference>>();

function resolveL2(given: Case['previousL2'], data: Data | undefined): number | null | undefined {
  if (given !== 'measured' || data === undefined) return given as number | null | undefined;
  if (!measuredL2.has(data)) {
    measuredL2.set(data, referenceStats({ value: asFloat32(data) }, { bins: 1, zeroTolerance: 0 }).stats.l2Norm);
  }
  return measuredL2.get(data) as number | null;
}

/** The float64 reference of one case. */
export function referenceOf(c: Case, config: StatsConfig): Reference {
  const key = `${config.bins} ${config.zeroTolerance}`;
  let byConfig = references.get(c);
  if (byConfig === undefined) references.set(c, (byConfig = new Map()));
  let ref = byConfig.get(key);
  if (ref === undefined) {
    ref = referenceStats({
      value: asFloat32(c.value),
      previous: c.previous && asFloat32(c.previous),
      previousL2: resolveL2(c.previousL2, c.previous),
      initial: c.initial && asFloat32(c.initial),
      initialL2: resolveL2(c.initialL2, c.initial),
    }, config);
    byConfig.set(key, ref);
  }
  return ref;
}

/**
 * Builds the cases' tensors, runs `run` on them, checks that it created no lasting tensor, left
 * every input alive and unchanged (on cpu `dataSync()` is the tensor's own storage), then
 * disposes them. Returns `run`'s result.
 */
export async function withInputs<T>(cases: Case[], run: (inputs: StatsInput[]) => Promise<T>): Promise<T> {
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

/**
 * Runs `engine` on all cases in one call (through {@link withInputs}: no leak, inputs alive and
 * unwritten), then expects each result to be plain JSON and to match the reference.
 * Returns the engine's results.
 *
 * @example
 * const [stats] = await check(computeStats, [{ name: 'one', shape: [1], value: Float32Array.of(2) }]);
 */
export async function check(engine: Engine, cases: Case[], config: StatsConfig = DEFAULT_CONFIG):
  Promise<WeightStats[]> {
  const results = await withInputs(cases, (inputs) => engine(inputs, config));
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

export function sizeOf(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** `data` with NaN, +Inf and -Inf written at seeded positions (about `share` of each). */
export function withNonFinite(data: Float32Array, seed: number, share: number): Float32Array {
  const out = data.slice();
  const rand = mulberry32(seed);
  const [nan, inf] = [Number.NaN, Number.POSITIVE_INFINITY];
  for (let i = 0; i < out.length; i++) {
    const r = rand();
    if (r < share) out[i] = nan;
    else if (r < 2 * share) out[i] = inf;
    else if (r < 3 * share) out[i] = -inf;
  }
  return out;
}

/** `base` plus N(0, scale) noise: a plausible next snapshot. */
export function nudged(base: Float32Array, seed: number, scale: number): Float32Array {
  const noise = randomNormal(base.length, seed, 0, scale);
  const out = new Float32Array(base.length);
  for (let i = 0; i < base.length; i++) out[i] = base[i] + noise[i];
  return out;
}

/** ±magnitude with seeded signs. */
export function signs(n: number, seed: number, magnitude: number): Float32Array {
  const rand = mulberry32(seed);
  return Float32Array.from({ length: n }, () => (rand() < 0.5 ? -magnitude : magnitude));
}

/** `n` seeded integers uniform in [lo, hi]. */
export function ints(n: number, seed: number, lo: number, hi: number): Int32Array {
  const rand = mulberry32(seed);
  return Int32Array.from({ length: n }, () => lo + floor(rand() * (hi - lo + 1)));
}

/** `make()`, run on the first call only: big inputs are built once and shared by both backends. */
export function memo<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= make());
}

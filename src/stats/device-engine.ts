/**
 * The device engine, the only module that does tensor math: every statistic is computed with
 * tensor ops on the backend that holds the weights (so on tfjs-node-gpu the work stays on the
 * GPU), and only plain numbers leave it. A snapshot runs in two passes over all its weights, each
 * ending in one download of small vectors (two `data()` calls issued together: floats and int32
 * counts):
 *
 * 1. a few reductions per weight (./device-fast.ts): the sum, min and max, and the squared
 *    differences from the copies;
 * 2. with those as plain numbers, the centred squares, |x|, the zero count, the histogram and the
 *    unchanged elements of the weights the fast path can measure exactly in float32, and the
 *    general path (./device-general.ts) for the rest: int32 weights, NaN or infinite elements,
 *    magnitudes beyond 2^-30..2^40.
 *
 * A weight whose differences from a copy were too small to square without underflow is measured
 * again by the general path in a third pass (in practice never: it takes every change below
 * 2^-40). Each intermediate is freed as soon as it is reduced; see ./device-fast.ts for the
 * kernels and the memory, and docs/statistics.md for the counts pinned by the tests.
 */
import * as tf from '@tensorflow/tfjs';
import type { WeightStats } from '../history-types';
import { FirstPass, firstPass, firstPassLength, readFirstPass, readSecondPass, SecondPass, secondPass } from './device-fast';
import { decodeGeneral, generalLength, packGeneral } from './device-general';
import { checkInput, emptyStats, StatsConfig, StatsInput } from './types';
import { checkDeviceFloats } from './webgl-floats';

/** Stacks scalars and concatenates vectors of one dtype into one tensor (null for none), freeing nothing. */
function pack(scalars: tf.Scalar[], vectors: tf.Tensor1D[]): tf.Tensor1D | null {
  if (scalars.length === 0 && vectors.length === 0) return null;
  return tf.tidy(() => {
    const parts: tf.Tensor1D[] = scalars.length > 0 ? [tf.stack(scalars) as tf.Tensor1D, ...vectors] : vectors;
    return parts.length === 1 ? (scalars.length > 0 ? parts[0] : tf.clone(parts[0])) : tf.concat(parts);
  });
}

async function read(t: tf.Tensor1D | null): Promise<ArrayLike<number>> {
  return t === null ? new Float32Array(0) : t.data();
}

/** The general path for these inputs, in one download. */
async function measureGeneral(inputs: StatsInput[], config: StatsConfig): Promise<WeightStats[]> {
  const vectors: tf.Tensor1D[] = [];
  let all: tf.Tensor1D | null = null;
  try {
    for (const input of inputs) vectors.push(tf.tidy(() => packGeneral(input, config)));
    all = vectors.length === 1 ? vectors[0] : pack([], vectors);
    const values = (await read(all)) as Float32Array;
    let offset = 0;
    return inputs.map((input) => {
      const length = generalLength(input, config.bins).total;
      offset += length;
      return decodeGeneral(input, values.subarray(offset - length, offset), config);
    });
  } finally {
    tf.dispose(vectors);
    if (all) all.dispose();
  }
}

/** Pass 1 for the float32 weights: their numbers, or null where the general path must measure. */
async function measureFirstPass(inputs: StatsInput[]): Promise<(FirstPass | null)[]> {
  const scalars: tf.Scalar[] = [];
  let all: tf.Tensor1D | null = null;
  try {
    for (const input of inputs) scalars.push(...tf.tidy(() => firstPass(input)));
    all = pack(scalars, []);
    const values = await read(all);
    let offset = 0;
    return inputs.map((input) => {
      const length = firstPassLength(input);
      offset += length;
      return readFirstPass(input, Array.prototype.slice.call(values, offset - length, offset));
    });
  } finally {
    tf.dispose(scalars);
    if (all) all.dispose();
  }
}

/** Pass 2 for the weights the fast path takes; null where the general path must measure after all. */
async function measureSecondPass(inputs: StatsInput[], firsts: FirstPass[], config: StatsConfig): Promise<(WeightStats | null)[]> {
  const passes: SecondPass[] = [];
  let floats: tf.Tensor1D | null = null;
  let ints: tf.Tensor1D | null = null;
  try {
    inputs.forEach((input, i) => passes.push(secondPass(input, firsts[i], config, input.releasePrevious === true)));
    floats = pack(passes.flatMap((p) => p.floats.map(([, t]) => t)), []);
    ints = pack(passes.flatMap((p) => p.ints.map(([, t]) => t)), passes.flatMap((p) => (p.histogram ? [p.histogram] : [])));
    const [floatValues, intValues] = await Promise.all([read(floats), read(ints)]);
    let f = 0;
    let k = passes.reduce((total, p) => total + p.ints.length, 0); // the histograms follow the int scalars
    let j = 0;
    return passes.map((p, i) => {
      const floatMap = new Map(p.floats.map(([name]) => [name, floatValues[f++]]));
      const intMap = new Map(p.ints.map(([name]) => [name, intValues[j++]]));
      let counts: ArrayLike<number> | null = null;
      if (p.histogram) {
        counts = Array.prototype.slice.call(intValues, k, k + config.bins + 1);
        k += config.bins + 1;
      }
      return readSecondPass(inputs[i], firsts[i], floatMap, intMap, counts, config);
    });
  } finally {
    for (const p of passes) tf.dispose([...p.floats.map(([, t]) => t), ...p.ints.map(([, t]) => t), ...(p.histogram ? [p.histogram] : [])]);
    if (floats) floats.dispose();
    if (ints) ints.dispose();
  }
}

/**
 * Statistics of several weights, computed on their backend (see the module comment). Creates no
 * tensor that outlives the call; disposes an input's `previous` when it sets `releasePrevious`.
 * @example
 * const [stats] = await computeStats([{ value: kernel }], { bins: 30, zeroTolerance: 0 });
 */
export async function computeStats(inputs: StatsInput[], config: StatsConfig): Promise<WeightStats[]> {
  inputs.forEach(checkInput);
  checkDeviceFloats();
  const results: (WeightStats | null)[] = inputs.map((input) =>
    input.value.size === 0 ? emptyStats(!!input.previous, !!input.initial, config.bins) : null);
  const floatIndexes = inputs.flatMap((input, i) => (results[i] === null && input.value.dtype === 'float32' ? [i] : []));
  const firsts = await measureFirstPass(floatIndexes.map((i) => inputs[i]));
  const fastIndexes = floatIndexes.filter((_, j) => firsts[j] !== null);
  const fastFirsts = firsts.filter((f): f is FirstPass => f !== null);
  const fast = await measureSecondPass(fastIndexes.map((i) => inputs[i]), fastFirsts, config);
  fastIndexes.forEach((i, j) => { results[i] = fast[j]; });
  const generalIndexes = results.flatMap((r, i) => (r === null ? [i] : []));
  if (generalIndexes.length > 0) {
    const general = await measureGeneral(generalIndexes.map((i) => inputs[i]), config);
    generalIndexes.forEach((i, j) => { results[i] = general[j]; });
  }
  return results as WeightStats[];
}

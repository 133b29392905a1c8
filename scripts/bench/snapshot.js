// Cost of one snapshot, of many small weights, of the peers' methods, and the memory held.
'use strict';
const tf = require('@tensorflow/tfjs');
const { SnapshotStore } = require('../../dist/stats/snapshot-store');
const { floorPass, medianMs, normalArray, pairedMs } = require('./timing');

const CONFIG = { bins: 30, zeroTolerance: 0 };

/** A weight of n elements and a nudged next value of it, as tensors on the current backend. */
function weightPair(n, seed) {
  const a = normalArray(n, seed, 0, 0.05);
  const b = a.slice();
  const noise = normalArray(n, seed + 1, 0, 1e-3);
  for (let i = 0; i < n; i += 1) b[i] += noise[i];
  return [tf.tensor1d(a), tf.tensor1d(b)];
}

/**
 * A full snapshot of one n-element weight (every statistic, histogram, drift and fromStart)
 * through the snapshot store, alternating two values so that every snapshot sees a change, timed
 * round by round against the floor pass over a Float32Array of the same size:
 * { floorMs, ms, ratio } (ratio: median of the per-round ratios).
 */
async function snapshotVsFloor(n, statsOn, reps = 9) {
  const [a, b] = weightPair(n, 11);
  const x = normalArray(n, 7, 0, 0.05);
  const store = new SnapshotStore(CONFIG, statsOn);
  await store.measure([{ name: 'w', value: a }]);
  let flip = false;
  const snap = () => {
    flip = !flip;
    return store.measure([{ name: 'w', value: flip ? b : a }]);
  };
  const timing = await pairedMs(() => floorPass(x), snap, { reps });
  store.dispose();
  tf.dispose([a, b]);
  return { floorMs: timing.a, ms: timing.b, ratio: timing.ratio };
}

/** A store and a snapshot function over `count` weights of `size` elements (two values alternating). */
function storeOf(count, size) {
  const pairs = Array.from({ length: count }, (_, i) => weightPair(size, 100 + 2 * i));
  const store = new SnapshotStore(CONFIG, 'auto');
  const names = pairs.map((_, i) => `w${i}`);
  const [first, second] = [0, 1].map((k) => pairs.map((pair, i) => ({ name: names[i], value: pair[k] })));
  let flip = false;
  const snap = () => {
    flip = !flip;
    return store.measure(flip ? second : first);
  };
  const dispose = () => {
    store.dispose();
    tf.dispose(pairs.flat());
  };
  return { snap, dispose };
}

/**
 * Per-weight overhead: a snapshot of 1,000 weights of 1k elements against one of a single 1M
 * weight, timed alternately round by round: { oneOf1MMs, thousandOf1kMs, ratio } (ratio: median of
 * the per-round ratios).
 */
async function perWeightOverhead() {
  const one = storeOf(1, 1e6);
  const many = storeOf(1000, 1000);
  await one.snap();
  await many.snap();
  const timing = await pairedMs(one.snap, many.snap, { reps: 9 });
  one.dispose();
  many.dispose();
  return { oneOf1MMs: timing.a, thousandOf1kMs: timing.b, ratio: timing.ratio };
}

/** Time and peak tensor bytes (tf.profile) of one call. */
async function profiled(fn) {
  const ms = await medianMs(fn, { reps: 3, warm: 1, minMs: 0 });
  const info = await tf.profile(async () => {
    await fn();
    return [];
  });
  return { ms, peakBytes: info.peakBytes };
}

/** tfjs-vis `show.layer`'s statistics (its tensorStats): min, max, zeros on the backend, NaN/Inf on the host. */
async function tfjsVisStats(w) {
  const [min, max, zeros] = tf.tidy(() => [w.min(), w.max(), w.equal(tf.scalar(0, w.dtype)).sum()]);
  const [values, lo, hi, z] = await Promise.all([w.data(), min.data(), max.data(), zeros.data()]);
  let nans = 0;
  let infs = 0;
  for (let i = 0; i < values.length; i += 1) {
    if (Number.isNaN(values[i])) nans += 1;
    else if (!Number.isFinite(values[i])) infs += 1;
  }
  tf.dispose([min, max, zeros]); // tfjs-vis leaves these three behind
  return { numVals: values.length, numZeros: z[0], numNans: nans, numInfs: infs, min: lo[0], max: hi[0] };
}

/** tfjs-node's TensorBoard histogram (NodeJSKernelBackend.buckets): an N x bins one-hot, summed. */
async function tensorBoardBuckets(w, bucketCount = 30) {
  const buckets = tf.tidy(() => {
    const data = w.flatten().cast('float32');
    const min = data.min();
    const max = data.max();
    const range = max.sub(min);
    const indices = data.sub(min).floorDiv(range.div(bucketCount)).cast('int32');
    const clamped = tf.minimum(indices, bucketCount - 1).cast('int32');
    const counts = tf.oneHot(clamped, bucketCount).sum(0).cast('int32');
    let edges = tf.linspace(min.arraySync(), max.arraySync(), bucketCount + 1);
    edges = tf.concat([edges.slice(0, bucketCount), max.reshape([1])], 0);
    return tf.stack([edges.slice(0, bucketCount), edges.slice(1, bucketCount), counts.cast('float32')]).transpose();
  });
  await buckets.data();
  buckets.dispose();
}

/** The peers' methods on an n-element weight. */
async function peers(n) {
  const [w, prev] = weightPair(n, 31);
  const vis = await profiled(() => tfjsVisStats(w));
  const board = n <= 1e6 ? await profiled(() => tensorBoardBuckets(w)) : null;
  tf.dispose([w, prev]);
  return { tfjsVis: vis, tensorBoard: board };
}

/**
 * Bytes the store holds after 3 snapshots of the given weights, with and without fromStart, with
 * the host engine on the calling thread (the top-level fields, as before) and on the measuring
 * worker (`worker`, which adds `staging`: the memory the weights are copied into for it).
 */
async function memoryHeld(weights) {
  const result = {};
  for (const thread of ['main', 'worker']) {
    const into = thread === 'main' ? result : (result.worker = {});
    for (const fromStart of [true, false]) {
      const store = new SnapshotStore(CONFIG, 'auto', { fromStart, thread });
      for (let k = 0; k < 3; k += 1) await store.measure(weights.map((value, i) => ({ name: `w${i}`, value })));
      into[fromStart ? 'fromStart' : 'noFromStart'] = store.hostBytes;
      // The whole WebAssembly memory: the copies, one scratch chunk and the counts, in 64 KiB pages
      // (on the worker: its memory, as of its last answer, and any left on this thread).
      into[fromStart ? 'fromStartMemory' : 'noFromStartMemory'] = store.hostMemoryBytes;
      if (thread === 'worker') into.staging = store.stagingBytes; // the same with or without fromStart
      store.dispose();
    }
  }
  return result;
}

module.exports = { snapshotVsFloor, perWeightOverhead, peers, memoryHeld };

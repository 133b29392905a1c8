/**
 * Sums for the device engine that stay at float32 rounding on every backend, with as few kernels
 * as the backend allows. Measured (scripts in the commit that added this file; 2^24 + 3 elements
 * of mean 5, 3M of mean 1000): `cpu` accumulates a reduction in a float64 JavaScript number and
 * tfjs-node's `tensorflow` backend in Eigen's tree reduction, both within 1e-9 of the float64 sum,
 * so one `Sum` kernel is exact enough there. The `wasm` backend accumulates in one float32 running
 * sum (over 100x the tolerance on 3M elements of mean 5): there sums run in blocks of 256. Other
 * backends (webgl, webgpu) reduce in windows of float32 partial sums; there, and on wasm, the mean
 * takes a second pass over the residuals (`needsMeanCorrection`).
 */
import * as tf from '@tensorflow/tfjs';

const PLAIN_SUM_MAX = 1024;
const BLOCK = 256;

/** Whether one `Sum` kernel is as exact as the tolerances ask on the current backend (see the module comment). */
export function plainSumsExact(): boolean {
  const name = tf.getBackend();
  return name === 'cpu' || name === 'tensorflow';
}

/** Whether the mean needs a second pass over the residuals (every backend but cpu and tensorflow). */
export function needsMeanCorrection(): boolean {
  return !plainSumsExact();
}

/**
 * Sum of a 1-D float32 tensor in blocks of 256, recursively (three levels for 10M elements).
 * Slices, not padding: PadV2 is the slowest kernel on the cpu backend.
 */
function blockedSum(v: tf.Tensor1D): tf.Scalar {
  const n = v.size;
  if (n <= PLAIN_SUM_MAX) return tf.sum(v);
  const rows = Math.floor(n / BLOCK);
  const body = rows * BLOCK === n ? v : tf.slice(v, 0, rows * BLOCK);
  const partials = tf.sum(tf.reshape(body, [rows, BLOCK]), 1) as tf.Tensor1D;
  const total = blockedSum(partials);
  return rows * BLOCK === n ? total : tf.add(total, tf.sum(tf.slice(v, rows * BLOCK)));
}

/**
 * The sum of every element of a float32 tensor, at float32 rounding: one kernel on `cpu` and
 * `tensorflow`, and on wasm sums in blocks (see the module comment). Call inside `tf.tidy`.
 */
export function exactSum(t: tf.Tensor): tf.Scalar {
  if (tf.getBackend() !== 'wasm' || t.size <= PLAIN_SUM_MAX) return tf.sum(t);
  return blockedSum(t.rank === 1 ? t as tf.Tensor1D : tf.reshape(t, [-1]));
}

/** `blockedSum` for the general path, which works on every backend as before. */
export function blockedSumOf(v: tf.Tensor1D): tf.Scalar {
  return blockedSum(v);
}

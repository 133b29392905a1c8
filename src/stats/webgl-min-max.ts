/**
 * Min and Max reductions that are exact on tfjs's `webgl` backend too. Its Min and Max kernels
 * start from ±1e20, not ±Infinity (tfjs-backend-webgl 4.22, reduce_gpu.js: `1.0 / 1e-20`, because
 * Firefox on Linux cannot compile 1/0), so on webgl the min of values all above 1e20 comes out as
 * 1e20, and the max of values all below -1e20 as -1e20. There, a second reduction over the values
 * times 2^-64 (exact: every value is then above 2^64 in magnitude) is taken when the first one
 * lands beyond ±2^64. Other backends reduce from ±Infinity and get the plain reduction.
 */
import * as tf from '@tensorflow/tfjs';

/** 2^64: below 1e20, and every float32 above it times 2^-64 stays a normal float32 below 1e20. */
const SHIFT = 2 ** 64;

function exact(x: tf.Tensor, reduce: typeof tf.min, beyond: (r: tf.Tensor) => tf.Tensor): tf.Scalar {
  const plain = reduce(x) as tf.Scalar;
  if (tf.getBackend() !== 'webgl') return plain;
  const shifted = tf.mul(reduce(tf.mul(x, 1 / SHIFT)), SHIFT);
  return tf.where(beyond(plain), shifted, plain) as tf.Scalar;
}

/** `tf.min(x)` over a whole tensor, exact on webgl (see the module comment). */
export function minOf(x: tf.Tensor): tf.Scalar {
  return exact(x, tf.min, (r) => tf.greaterEqual(r, SHIFT));
}

/** `tf.max(x)` over a whole tensor, exact on webgl (see the module comment). */
export function maxOf(x: tf.Tensor): tf.Scalar {
  return exact(x, tf.max, (r) => tf.lessEqual(r, -SHIFT));
}

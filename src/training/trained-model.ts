/**
 * Which model the monitor watches: the `model` option, else the one tfjs hands to its callbacks;
 * and, when there is neither, an error that says why tfjs did not hand it over and how to fix it.
 */
import type * as tf from '@tensorflow/tfjs';

const MISSING_MODEL =
  'tfjs-param-monitor: training started but tfjs did not hand the model to the monitor. tfjs passes the ' +
  'model only to callbacks that are instances of its own Callback class: either the first entry of ' +
  '`callbacks` is a plain object (as tfvis.show.fitCallbacks() returns), so tfjs wrapped every entry as a ' +
  'config object, or two copies of @tensorflow/tfjs are installed side by side (check `npm ls @tensorflow/tfjs`). ' +
  'Fix: pass the model explicitly, paramMonitor({ model }), which works in any position of `callbacks`.';

/**
 * @param option the `model` option
 * @param handed the callback's `model`, set by tfjs when training starts
 * @throws {Error} when there is neither
 */
export function trainedModel(option: tf.LayersModel | undefined, handed: tf.LayersModel | undefined): tf.LayersModel {
  const model = option ?? handed;
  if (!model) throw new Error(MISSING_MODEL);
  return model;
}

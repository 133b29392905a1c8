/**
 * The monitor's side of a custom training loop: which optimizer `attach()` hooks, and the copy of
 * the watched weights taken inside an optimizer step, measured after it.
 */
import * as tf from '@tensorflow/tfjs';
import type { TrainingPosition } from '../alerts/alert-message';
import type { WatchedWeight } from '../census';
import { describeValue as show } from '../describe-value';
import type { CapturedSnapshot } from './step-driver';

/** The watched weights at one step: kept copies (a `tf.clone` shares the variable's buffer, which `assign` never writes). */
export interface CapturedWeights extends CapturedSnapshot {
  readonly at: TrainingPosition;
  readonly weights: { name: string; value: tf.Tensor }[];
}

/**
 * Copies the watched weights as they are now. Called inside `applyGradients`, possibly inside the
 * loop's `tf.tidy`: `tf.keep` takes the copies out of it; `discard()` frees them (idempotent).
 */
export function captureWeights(watched: readonly WatchedWeight[], at: TrainingPosition): CapturedWeights {
  const weights = watched.map((w) => ({ name: w.record.name, value: tf.keep(tf.clone(w.variable.read())) }));
  let freed = false;
  return {
    at,
    weights,
    discard() {
      if (freed) return;
      freed = true;
      tf.dispose(weights.map((w) => w.value));
    },
  };
}

/** The optimizer `attach()` hooks: the one given, else the model's own (set by `compile`). */
export function resolveOptimizer(model: tf.LayersModel | undefined, optimizer: tf.Optimizer | undefined): tf.Optimizer {
  if (model === undefined) {
    throw new TypeError('attach() needs the model: create the monitor with paramMonitor({ model }) (the `model` option), then call attach().');
  }
  if (optimizer !== undefined) {
    if (optimizer === null || typeof (optimizer as { applyGradients?: unknown }).applyGradients !== 'function') {
      throw new TypeError(`attach() takes a tfjs optimizer (e.g. tf.train.adam()), but got ${show(optimizer)}.`);
    }
    return optimizer;
  }
  const own = (model as { optimizer?: tf.Optimizer }).optimizer;
  if (own == null) {
    throw new TypeError(`attach() with no argument attaches to the model's optimizer, but model ${show(model.name)} has none: compile it, or pass the optimizer your loop steps, attach(optimizer).`);
  }
  return own;
}

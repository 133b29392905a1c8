/**
 * Shared weights: a layer that belongs to the watched model and to other models (a GAN's
 * `combined` model holds the discriminator). A weight frozen in the watched model may still be
 * trained through another model's optimizer; the monitor is told which models with the
 * `sharedWith` option, and records such a weight as shared instead of raising
 * `changed-while-frozen` when it changes.
 */
import type * as tf from '@tensorflow/tfjs';
import { trainedVariableIds } from '../census';

/**
 * For every variable one of `models` trains (see `trainedVariableIds`), the names of the models
 * that train it. Read at each census, so it follows `compile` calls and `trainable` changes.
 *
 * @example
 * sharedTrainers([discriminator]).get(variable.id); // ['discriminator'] when its training updates it
 */
export function sharedTrainers(models: readonly tf.LayersModel[]): Map<number, string[]> {
  const trainers = new Map<number, string[]>();
  for (const model of models) {
    for (const id of trainedVariableIds(model)) {
      const names = trainers.get(id);
      if (names === undefined) trainers.set(id, [model.name]);
      else if (!names.includes(model.name)) names.push(model.name);
    }
  }
  return trainers;
}

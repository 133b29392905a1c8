/** Options of `paramMonitor()` for custom training loops (`attach()`) and shared layers. */
import type * as tf from '@tensorflow/tfjs';
import { describeValue as show } from '../describe-value';

export interface StepOptions {
  /**
   * In a custom training loop (after `monitor.attach()`), take a snapshot every N optimizer steps
   * (`applyGradients` calls, including those `trainOnBatch` makes), plus one at `attach()` and
   * one at `detach()`. Each snapshot records `step`. Cannot be combined with `everyEpochs` or
   * `everyBatches`, which are for `fit`.
   * @default 1 (every step)
   * @example
   * const monitor = paramMonitor({ model: discriminator, everySteps: 10 });
   * monitor.attach();
   */
  everySteps?: number;
  /**
   * Other models that share layers with the watched model and are trained on their own (a GAN:
   * watching `combined`, whose discriminator layers are frozen there, pass
   * `sharedWith: [discriminator]`). A weight frozen in the watched model but trained by one of
   * these models (collected by its `compile`, or trainable in it before compile) is recorded as
   * shared (`WeightRecord.sharedWith`): its changes raise no `changed-while-frozen`. A weight that
   * no listed model trains is still checked: a `setWeights` on it is caught.
   * @default []
   * @example
   * const monitor = paramMonitor({ model: combined, sharedWith: [discriminator] });
   */
  sharedWith?: tf.LayersModel[];
}

export interface ResolvedStepOptions {
  everySteps: number;
  /** Whether `everySteps` was given (it rules out `everyEpochs` and `everyBatches`). */
  everyStepsGiven: boolean;
  sharedWith: tf.LayersModel[];
}

export const STEP_KEYS = ['everySteps', 'sharedWith'] as const;

const isModel = (m: unknown): m is tf.LayersModel => m !== null && typeof m === 'object'
  && typeof (m as { getWeights?: unknown }).getWeights === 'function' && Array.isArray((m as { layers?: unknown }).layers);

export function validateStepOptions(options: StepOptions & { everyEpochs?: unknown; everyBatches?: unknown; model?: unknown }): ResolvedStepOptions {
  const { everySteps, sharedWith, everyEpochs, everyBatches, model } = options;
  if (everySteps !== undefined) {
    if (typeof everySteps !== 'number') throw new TypeError(`The \`everySteps\` option must be an integer, but got ${show(everySteps)}.`);
    if (!Number.isInteger(everySteps) || everySteps < 1 || everySteps > Number.MAX_SAFE_INTEGER) {
      throw new RangeError(`The \`everySteps\` option must be an integer from 1 to ${Number.MAX_SAFE_INTEGER}, but got ${show(everySteps)}.`);
    }
    const other = everyEpochs !== undefined ? 'everyEpochs' : everyBatches !== undefined ? 'everyBatches' : null;
    if (other !== null) {
      throw new TypeError(`The \`everySteps\` and \`${other}\` options cannot be combined (\`everySteps\` is for custom loops with attach(), \`${other}\` for fit), but got everySteps ${show(everySteps)} and ${other} ${show(options[other])}.`);
    }
  }
  if (sharedWith !== undefined) {
    if (!Array.isArray(sharedWith)) throw new TypeError(`The \`sharedWith\` option must be an array of tf.LayersModel, but got ${show(sharedWith)}.`);
    sharedWith.forEach((m, i) => {
      if (!isModel(m)) throw new TypeError(`The \`sharedWith\` option must be an array of tf.LayersModel, but entry ${i} is ${show(m)}.`);
      if (m === model) throw new RangeError(`The \`sharedWith\` option lists the watched model itself (entry ${i}, ${show(m.name)}): list only the other models that share its layers.`);
    });
  }
  return { everySteps: everySteps ?? 1, everyStepsGiven: everySteps !== undefined, sharedWith: [...(sharedWith ?? [])] };
}

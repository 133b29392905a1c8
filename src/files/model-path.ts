/**
 * `{model}` in an `output` or `logFile` path, replaced by the watched model's name, so that
 * monitors side by side (a GAN's discriminator and combined model) can share one set of options
 * and still each write its own files: `runs/gan/{model}.json`.
 */
import type * as tf from '@tensorflow/tfjs';
import { describeValue as show } from '../describe-value';

export const MODEL_PLACEHOLDER = '{model}';

/**
 * The path with `{model}` replaced by the model's name (characters other than letters, digits,
 * `.`, `_` and `-` become `_`, so a name never adds a folder). Throws a RangeError naming the
 * option when the path has `{model}` and there is no `model` option.
 *
 * @example
 * namedAfterModel('output', 'runs/{model}.json', discriminator); // 'runs/discriminator.json'
 */
export function namedAfterModel(option: string, file: string | undefined, model: tf.LayersModel | undefined): string | undefined {
  if (file === undefined || !file.includes(MODEL_PLACEHOLDER)) return file;
  if (model === undefined) {
    throw new RangeError(`The \`${option}\` option ${show(file)} names its file after the model with ${MODEL_PLACEHOLDER}, but there is no \`model\` option: pass paramMonitor({ model, ${option} }).`);
  }
  return file.split(MODEL_PLACEHOLDER).join(model.name.replace(/[^A-Za-z0-9._-]/g, '_'));
}

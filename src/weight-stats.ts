/** Public one-off measurement of a tensor, with the same engine the monitor uses. */
import type * as tf from '@tensorflow/tfjs';
import type { WeightStats } from './history-types';
import type { StatsOn } from './stats/engine-choice';
import { measureWith } from './stats/engine-choice';
import { show, validateCoreOptions } from './validate-options';

const KEYS = ['bins', 'zeroTolerance', 'previous', 'statsOn'];

export interface WeightStatsOptions {
  /** @default 30 */
  bins?: number;
  /** @default 0 */
  zeroTolerance?: number;
  /** A previous value of the same shape: fills `drift` (and `fromStart`, against the same tensor). */
  previous?: tf.Tensor;
  /** Where to compute, as the monitor's `statsOn` option. @default 'auto' */
  statsOn?: StatsOn;
}

/**
 * Statistics of one tensor (count, mean, std, min, max, absMean, l2Norm, zeros, NaN, Inf,
 * histogram), computed on its backend. Leaves no tensor behind.
 * @example
 * const stats = await weightStats(model.getWeights()[0], { bins: 10 });
 * console.log(stats.mean, stats.std, stats.histogram.counts);
 */
export async function weightStats(tensor: tf.Tensor, options: WeightStatsOptions = {}): Promise<WeightStats> {
  if (options === null || typeof options !== 'object') throw new TypeError(`The options of weightStats() must be an object, but got ${show(options)}.`);
  const unknown = Object.keys(options).find((key) => !KEYS.includes(key));
  if (unknown !== undefined) throw new TypeError(`Unknown option \`${unknown}\` of weightStats(). Known options: ${KEYS.join(', ')}.`);
  const { bins, zeroTolerance, statsOn } = validateCoreOptions({ bins: options.bins, zeroTolerance: options.zeroTolerance, statsOn: options.statsOn });
  if (tensor === null || typeof tensor !== 'object' || typeof (tensor as { dataSync?: unknown }).dataSync !== 'function') {
    throw new TypeError(`weightStats() takes a tf.Tensor, but got ${show(tensor)}.`);
  }
  const { previous } = options;
  if (!previous) return (await measureWith(statsOn, [{ value: tensor }], { bins, zeroTolerance }))[0];
  // The previous value's norm first (one bin: nothing else of it is needed), then one drift pass.
  const [reference] = await measureWith(statsOn, [{ value: previous }], { bins: 1, zeroTolerance });
  const [stats] = await measureWith(statsOn, [{ value: tensor, previous, previousL2: reference.l2Norm }], { bins, zeroTolerance });
  return { ...stats, fromStart: { relative: stats.drift?.relative ?? null } };
}

/** Public one-off measurement of a tensor, with the same engine the monitor uses. */
import type * as tf from '@tensorflow/tfjs';
import type { WeightStats } from './history-types';
import type { StatsOn } from './stats-path';
import { measureWith } from './stats-path';
import { validateCoreOptions } from './validate-options';

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
  const { bins, zeroTolerance, statsOn } = validateCoreOptions({ bins: options.bins, zeroTolerance: options.zeroTolerance, statsOn: options.statsOn });
  if (tensor === null || typeof tensor !== 'object' || typeof (tensor as { dataSync?: unknown }).dataSync !== 'function') {
    throw new TypeError(`weightStats() takes a tf.Tensor, but got ${String(tensor)}.`);
  }
  const { previous } = options;
  const [reference] = previous ? await measureWith(statsOn, [{ value: previous }], { bins: 1, zeroTolerance }) : [null];
  const l2 = reference ? reference.l2Norm : undefined;
  const [stats] = await measureWith(
    statsOn,
    [previous ? { value: tensor, previous, previousL2: l2, initial: previous, initialL2: l2 } : { value: tensor }],
    { bins, zeroTolerance },
  );
  return stats;
}

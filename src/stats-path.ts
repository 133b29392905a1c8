/**
 * Which of the two equivalent engines measures the weights: tensor ops on the backend
 * (`computeStats`, the only choice on a GPU: only small vectors cross to the host) or fused loops
 * in host memory (`computeStatsOnHost`), where the backend keeps tensors in host memory anyway.
 * `npm run bench` measures both; on this project's machine the host path is about 40x faster on
 * `cpu` and 5x on `wasm`, hence the `auto` choice.
 */
import * as tf from '@tensorflow/tfjs';
import type { WeightStats } from './history-types';
import { computeStatsOnHost } from './host-stats';
import { computeStats, StatsConfig, StatsInput } from './stats';

export type StatsOn = 'auto' | 'device' | 'host';
export const STATS_ON: readonly StatsOn[] = ['auto', 'device', 'host'];

/** Backends whose tensors live in host memory. */
const HOST_MEMORY_BACKENDS = new Set(['cpu', 'wasm']);

/** The engine `statsOn` picks on the current backend. */
export function resolveStatsPath(statsOn: StatsOn): 'device' | 'host' {
  if (statsOn !== 'auto') return statsOn;
  return HOST_MEMORY_BACKENDS.has(tf.getBackend()) ? 'host' : 'device';
}

export function measureWith(statsOn: StatsOn, inputs: StatsInput[], config: StatsConfig): Promise<WeightStats[]> {
  return resolveStatsPath(statsOn) === 'host' ? computeStatsOnHost(inputs, config) : computeStats(inputs, config);
}

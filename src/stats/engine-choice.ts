/**
 * Which of the two equivalent engines measures the weights: tensor ops on the backend
 * (`computeStats`, the choice on a GPU: only a small vector per weight crosses to the host) or
 * loops in host memory (`computeStatsOnHost`), where the backend keeps tensors in host memory
 * anyway. `npm run bench` measures both.
 */
import * as tf from '@tensorflow/tfjs';
import type { WeightStats } from '../history-types';
import { computeStats } from './device-engine';
import { computeStatsOnHost } from './host-engine';
import type { StatsConfig, StatsInput } from './types';
import { webglHalfFloats } from './webgl-floats';

export type StatsOn = 'auto' | 'device' | 'host';
export const STATS_ON: readonly StatsOn[] = ['auto', 'device', 'host'];

/** What tfjs-node's `tensorflow` backend exposes (not in the public typings of tfjs). */
interface NodeBackend {
  isUsingGpuDevice?: boolean;
}

/**
 * Whether the current backend keeps tensors in host memory: `cpu` and `wasm`, and tfjs-node's
 * `tensorflow` backend when it runs on the CPU. tfjs-node 4.22 sets `isUsingGpuDevice` from the
 * binding (true only when TensorFlow found a GPU device), and its `dataSync()` resolves the
 * TensorFlow tensor in place and memcpy()s it into a new ArrayBuffer (binding/tfjs_backend.cc,
 * CopyTFE_TensorHandleDataToTypedArray): one copy at memory speed, after which the host loops
 * run as they do on `cpu`. On a GPU the same call would download every weight.
 */
export function backendInHostMemory(): boolean {
  const name = tf.getBackend();
  if (name === 'cpu' || name === 'wasm') return true;
  return name === 'tensorflow' && (tf.backend() as unknown as NodeBackend).isUsingGpuDevice === false;
}

/**
 * The engine `statsOn` picks on the current backend: `'auto'` takes the host where tensors live in
 * host memory, and on webgl with half-float textures, where the device engine cannot run
 * (./webgl-floats.ts).
 */
export function resolveStatsPath(statsOn: StatsOn): 'device' | 'host' {
  if (statsOn !== 'auto') return statsOn;
  return backendInHostMemory() || webglHalfFloats() ? 'host' : 'device';
}

export function measureWith(statsOn: StatsOn, inputs: StatsInput[], config: StatsConfig): Promise<WeightStats[]> {
  return resolveStatsPath(statsOn) === 'host' ? computeStatsOnHost(inputs, config) : computeStats(inputs, config);
}

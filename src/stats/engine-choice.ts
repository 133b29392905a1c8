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

/**
 * Whether `auto` measures on the host on the current backend: `cpu` and `wasm`, where tensors live
 * in host memory, and tfjs-node's `tensorflow` backend on the CPU and on a GPU (tfjs-node-gpu).
 *
 * On tfjs-node's CPU, `dataSync()` resolves the TensorFlow tensor in place and memcpy()s it into a
 * new ArrayBuffer (binding/tfjs_backend.cc, CopyTFE_TensorHandleDataToTypedArray): one copy at
 * memory speed, then the host passes, against 21 kernels per weight through the binding.
 *
 * On tfjs-node-gpu (reasoned: no CUDA device here; docs/statistics.md has the measurements behind
 * it): the same call downloads each weight once per snapshot, one copy over the bus at several
 * GB/s (80 MB of weights in about 10 ms at 8 GB/s), to a CPU that a GPU run leaves mostly idle;
 * the device engine would keep its two copies of every weight in GPU memory, 2x the model's
 * weight bytes that training cannot use, and launch 21 kernels per weight into the training
 * stream. `statsOn: 'device'` keeps the GPU path for models beyond the host engine's 4 GiB of
 * copies (about 500M parameters).
 */
export function backendInHostMemory(): boolean {
  const name = tf.getBackend();
  return name === 'cpu' || name === 'wasm' || name === 'tensorflow';
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

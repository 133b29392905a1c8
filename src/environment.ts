/** Where the statistics run: tfjs version, backend, and whether that backend is on a GPU. */
import * as tf from '@tensorflow/tfjs';
import type { EnvironmentRecord } from './history-types';
import { resolveStatsPath, StatsOn } from './stats/engine-choice';

// Read at run time: package.json sits one level above both src/ and dist/.
// eslint-disable-next-line @typescript-eslint/no-var-requires
const monitorVersion: string = require('../package.json').version;

/** What tfjs-node's `tensorflow` backend exposes (not in the public typings of tfjs). */
interface NodeBackend {
  isUsingGpuDevice?: boolean;
  isGPUPackage?: boolean;
}

const GPU_BACKENDS = new Set(['webgl', 'webgpu']);

export function describeEnvironment(statsOn: StatsOn): EnvironmentRecord {
  const backendName = tf.getBackend();
  const backend = tf.backend() as unknown as NodeBackend;
  const nodeGpu = backendName === 'tensorflow' && backend.isUsingGpuDevice === true;
  return {
    tfjsVersion: tf.version.tfjs,
    backend: backendName,
    gpu: nodeGpu || GPU_BACKENDS.has(backendName),
    tfjsNodeGpuPackage: backendName === 'tensorflow' && backend.isGPUPackage === true,
    nodeVersion: typeof process !== 'undefined' && process.versions ? process.versions.node : null,
    monitorVersion,
    statsPath: resolveStatsPath(statsOn),
  };
}

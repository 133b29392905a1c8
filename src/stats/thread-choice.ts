/**
 * Where `thread: 'auto'` measures batch snapshots on the host engine: on the measuring worker
 * (./measure-thread.ts) where training leaves a core idle, on the training thread elsewhere.
 *
 * - tfjs's `cpu` and `wasm` backends train on one thread in Node: the worker measures on the other
 *   core while the next batch trains (within one fit, every batch 1.008x on wasm with the worker
 *   against 1.039x on the training thread; docs/performance.md).
 * - tfjs-node's `tensorflow` backend trains on TensorFlow's thread pool, which already uses every
 *   core: the worker competes with training instead of using an idle core, and its copy into the
 *   staging memory comes on top of the passes it saves. Measured with a new monitor per fit
 *   (scripts/bench/wall-fit.js, docs/performance.md), the training thread is faster there, so
 *   `auto` never picks the worker on `tensorflow`.
 *
 * A new worker takes 28-50 ms to start (measured: the first batch snapshot of each new monitor),
 * more than 5 batches of the demo model. `auto` does not make a batch wait for it: the snapshots
 * taken while it starts are measured on the training thread, and the worker takes the copies
 * over at the first snapshot after it is up (./snapshot-store.ts).
 */
import * as tf from '@tensorflow/tfjs';

/** Whether `thread: 'auto'` (resolved to the worker: `everyBatches` and 2 cores or more) uses it on the current backend. */
export function autoUsesWorker(): boolean {
  return tf.getBackend() !== 'tensorflow';
}

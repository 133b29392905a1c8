/**
 * Run by test/history/memory.test.ts with `node --expose-gc`: a real `fit` with a snapshot at
 * every batch (20,000 batches), measuring the heap after a full GC at fixed batch counts. Prints
 * one JSON line: { heap: { [batch]: bytes }, kept, series }.
 *
 * node --expose-gc memory-child.js <batches> <maxSnapshots>
 */
const path = require('path');
const tf = require('@tensorflow/tfjs');
require('@tensorflow/tfjs-backend-wasm');
const { paramMonitor } = require(path.join(__dirname, '..', '..', 'dist'));

const [batches, maxSnapshots] = process.argv.slice(2).map(Number);
const marks = [0.1, 0.25, 0.5, 0.75, 1].map((f) => Math.round(batches * f));

async function main() {
  await tf.setBackend('wasm');
  const model = tf.sequential({ layers: [
    tf.layers.dense({ units: 8, inputShape: [4], activation: 'tanh' }),
    tf.layers.dense({ units: 1 }),
  ] });
  model.compile({ optimizer: tf.train.sgd(0.01), loss: 'meanSquaredError' });
  const x = tf.randomUniform([batches, 4], -1, 1, 'float32', 3);
  const y = x.sum(1, true);
  const monitor = paramMonitor({ logger: false, everyBatches: 1, maxSnapshots });
  const heap = {};
  const meter = new tf.CustomCallback({
    onBatchEnd: async (batch) => {
      if (!marks.includes(batch + 1)) return;
      global.gc();
      heap[batch + 1] = process.memoryUsage().heapUsed;
    },
  });
  await model.fit(x, y, { epochs: 1, batchSize: 1, callbacks: [monitor, meter] });
  const doc = monitor.toJSON();
  process.stdout.write(`${JSON.stringify({ heap, kept: doc.snapshots.length, series: doc.series.epoch.length })}\n`);
  await monitor.dispose();
}

main().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});

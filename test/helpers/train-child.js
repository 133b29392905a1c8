/**
 * A training script run as a child process by the file tests, as a user would write it: the
 * built package (dist/), real MNIST digits, `output` and `logFile`. It prints `written N` each
 * time it sees the output file hold N snapshots (checked after every batch), so the parent can
 * kill it at varied moments and know what the file held by then.
 *
 * node train-child.js <output> <logFile> <epochs> <everyBatches|0> <ending: 'exit'|'end'|'no-dispose'>
 */
const fs = require('fs');
const path = require('path');
const tf = require('@tensorflow/tfjs');
require('@tensorflow/tfjs-backend-wasm');
const { paramMonitor } = require(path.join(__dirname, '..', '..', 'dist'));

const [output, logFile, epochs, everyBatches, ending] = process.argv.slice(2);

const { digits: digitsOn } = require('./child-digits');
const digits = (n) => digitsOn(tf, n);

async function main() {
  await tf.setBackend('wasm');
  const model = tf.sequential({ layers: [
    tf.layers.dense({ units: 32, inputShape: [784], activation: 'relu' }),
    tf.layers.dense({ units: 16, activation: 'relu' }),
    tf.layers.dense({ units: 10, activation: 'softmax' }),
  ] });
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  const { xs, ys } = digits(400);
  const every = Number(everyBatches);
  const monitor = paramMonitor({ logger: false, output, logFile, ...(every > 0 ? { everyBatches: every } : {}) });
  let last = '';
  const watcher = new tf.CustomCallback({
    onBatchEnd: async () => {
      const stamp = fs.existsSync(output) ? String(fs.statSync(output).mtimeMs) + fs.statSync(output).size : '';
      if (stamp === last) return;
      last = stamp;
      const doc = JSON.parse(fs.readFileSync(output, 'utf8'));
      process.stdout.write(`written ${doc.series.epoch.length}\n`);
    },
  });
  process.stdout.write('training\n');
  await model.fit(xs, ys, { epochs: Number(epochs), batchSize: 50, callbacks: [monitor, watcher] });
  if (ending === 'no-dispose') {
    process.stdout.write('trained\n');
    return; // the process ends when the event loop empties, the monitor never disposed
  }
  await monitor.dispose();
  process.stdout.write('disposed\n');
  if (ending === 'exit') process.exit(0);
  tf.dispose([xs, ys]);
}

main().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});

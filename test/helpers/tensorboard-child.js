/**
 * A training script run as a child process by the TensorBoard kill test, as a user would write
 * it: the built package (dist/), real MNIST digits, a snapshot every batch with `tensorboard`.
 * After every batch it prints `records N`, the whole TFRecord frames the event file holds by
 * then, so the parent can kill it at varied moments and know what the file held.
 *
 * node tensorboard-child.js <folder> <epochs> <thread: 'main'|'worker'> [end] [logFile]
 *
 * `end` is how the script ends after `fit`: `dispose` (the default: `await monitor.dispose()`,
 * then it prints `disposed N`), `none` (no dispose: the process ends when nothing is left to
 * do), `exit` (`process.exit(0)` with no dispose) or `throw` (an uncaught error, no dispose).
 * `logFile` `-` logs to the console (the default logger) instead of a file.
 * PM_DIST names the built package to load (default: this checkout's dist/).
 */
const fs = require('fs');
const path = require('path');
const tf = require('@tensorflow/tfjs');
require('@tensorflow/tfjs-backend-wasm');
const { paramMonitor } = require(process.env.PM_DIST || path.join(__dirname, '..', '..', 'dist'));

const [folder, epochs, thread, end = 'dispose', logFile] = process.argv.slice(2);

/** Whole frames in the file: lengths followed, the data not checked (the parent checks it). */
function wholeRecords(file) {
  const bytes = fs.readFileSync(file);
  let at = 0;
  let n = 0;
  while (at + 12 <= bytes.length) {
    const next = at + 16 + bytes.readUInt32LE(at);
    if (next > bytes.length) break;
    at = next;
    n += 1;
  }
  return n;
}

const { digits: digitsOn } = require('./child-digits');
const digits = (n) => digitsOn(tf, n);

async function main() {
  await tf.setBackend('wasm');
  const model = tf.sequential({ layers: [
    tf.layers.dense({ units: 32, inputShape: [784], activation: 'relu' }),
    tf.layers.dense({ units: 10, activation: 'softmax' }),
  ] });
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  const { xs, ys } = digits(400);
  const logging = logFile === '-' ? {} : { logger: false, ...(logFile ? { logFile } : {}) };
  const monitor = paramMonitor({ tensorboard: folder, everyBatches: 1, thread, ...logging });
  const file = path.join(folder, fs.readdirSync(folder).find((name) => name.includes('tfevents')));
  const watcher = new tf.CustomCallback({ onBatchEnd: async () => { process.stdout.write(`records ${wholeRecords(file)}\n`); } });
  process.stdout.write('training\n');
  await model.fit(xs, ys, { epochs: Number(epochs), batchSize: 50, verbose: 0, callbacks: [monitor, watcher] });
  tf.dispose([xs, ys]);
  process.stdout.write('trained\n');
  if (end === 'none') return;
  if (end === 'exit') process.exit(0);
  if (end === 'throw') throw new Error('the script fails after training');
  await monitor.dispose();
  process.stdout.write(`disposed ${wholeRecords(file)}\n`);
}

main().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});

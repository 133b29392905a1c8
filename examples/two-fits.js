'use strict';
/**
 * One monitor across two `fit` calls, as in fine-tuning: train the whole MLP for 3 epochs,
 * freeze the hidden layer, train 2 more epochs. The history gets two runs, epochs counted
 * across both (snapshots 0-5), and the frozen layer's weights stop moving in the second run.
 *
 *   npm run build
 *   node examples/two-fits.js [output.json]    # default: ./param-history-two-fits.json
 *
 * TFJS_BACKEND restricts the backend as in demo.js.
 */
const fs = require('fs');
const path = require('path');
const { pickBackend } = require('./backend');
const { backendChoice, loadDigits } = require('./demo');

const NUM_DIGITS = 3000;

async function main() {
  const outPath = path.resolve(process.argv[2] ?? 'param-history-two-fits.json');
  // Before training, so a bad path fails in a second rather than after the run.
  fs.mkdirSync(path.dirname(outPath), { recursive: true });
  const distEntry = path.join(__dirname, '..', 'dist', 'index.js');
  if (!fs.existsSync(distEntry)) {
    throw new Error(`${distEntry} does not exist: build the library first (\`npm run build\`).`);
  }

  const { tf, backend, packageName } = await pickBackend(backendChoice());
  console.log(`Backend: ${backend} (${packageName})`);
  const { paramMonitor } = require('../dist');
  const tensorsBefore = tf.memory().numTensors;

  const { xs, ys } = loadDigits(tf, NUM_DIGITS);
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [784], units: 64, activation: 'relu', name: 'hidden' }),
      tf.layers.dense({ units: 10, activation: 'softmax', name: 'output' }),
    ],
  });
  // One optimizer per compile, disposed by hand: compile() with a string optimizer does not
  // dispose the one it replaces, and tfjs's Adam keys its moments by position in the variable
  // list, so one Adam instance must not outlive a change of the trainable set.
  const optimizers = [tf.train.adam(1e-3), tf.train.adam(1e-3)];
  const monitor = paramMonitor({ bins: 20 });
  try {
    const fitArgs = { batchSize: 64, validationSplit: 0.1, verbose: 0, callbacks: [monitor] };

    model.compile({ optimizer: optimizers[0], loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    await model.fit(xs, ys, { ...fitArgs, epochs: 3 });

    model.getLayer('hidden').trainable = false;
    // Recompile so that fit collects the new trainable set.
    model.compile({ optimizer: optimizers[1], loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    await model.fit(xs, ys, { ...fitArgs, epochs: 2 });

    const history = monitor.toJSON();
    for (const run of history.runs) console.log(`run: epochs ${run.startEpoch} -> ${run.endEpoch}`);
    const relative = (name) =>
      history.snapshots.map((s) => s.stats[name]?.drift?.relative ?? null).map((v) => (v === null ? '-' : v.toExponential(1)));
    for (const weight of history.weights) {
      console.log(`${weight.name.padEnd(16)} drift per epoch: ${relative(weight.name).join(' ')}`);
    }
    fs.writeFileSync(outPath, `${JSON.stringify(history, null, 2)}\n`);
    console.log(`Parameter history written to ${outPath}`);
  } finally {
    tf.dispose([xs, ys]);
    model.dispose();
    for (const optimizer of optimizers) optimizer.dispose();
    await monitor.dispose();
  }

  const leaked = tf.memory().numTensors - tensorsBefore;
  if (leaked !== 0) console.error(`Tensors left allocated after disposing everything: ${leaked}`);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});

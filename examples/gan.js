'use strict';
/**
 * Watches a GAN that never calls `fit`: a small ACGAN on real MNIST digits, in the shape of
 * tfjs-examples' mnist-acgan, trained with `trainOnBatch` on the discriminator and on the
 * combined model (generator then frozen discriminator). Two monitors run side by side, one per
 * model, each attached to its model's optimizer, each with its own history and log file named
 * after its model (runs/gan/discriminator.json, runs/gan/combined.json, and .jsonl logs).
 *
 *   npm run build
 *   node examples/gan.js [folder] [iterations]      # default: runs/gan, 300
 *
 * The discriminator is compiled, then `discriminator.trainable = false` is set before the
 * combined model is compiled, as in mnist-acgan: its own `trainOnBatch` still trains the layers
 * it collected at compile, which the monitor counts as trainable; the combined model's monitor
 * is told (`sharedWith: [discriminator]`) that those layers are trained through the
 * discriminator, so their changes are expected there.
 *
 * Convolutional on tfjs-node (`tensorflow`); with dense layers on `wasm` and `cpu` (wasm has no
 * convolution gradients; convolutions on `cpu` are slow). TFJS_BACKEND picks the backend as in
 * demo.js.
 */
const fs = require('fs');
const path = require('path');
const { pickBackend } = require('./backend');
const { loadDigits, backendChoice, seededRandom } = require('./demo');

const LATENT = 16;
const BATCH = 64;

function buildAcgan(tf, conv) {
  const latent = tf.input({ shape: [LATENT], name: 'z' });
  const imageClass = tf.input({ shape: [10], name: 'image_class' });
  const classVector = tf.layers.dense({ units: LATENT, useBias: false, name: 'g_class' }).apply(imageClass);
  let g = tf.layers.multiply().apply([latent, classVector]);
  if (conv) {
    g = tf.layers.dense({ units: 7 * 7 * 32, activation: 'relu', name: 'g_dense' }).apply(g);
    g = tf.layers.reshape({ targetShape: [7, 7, 32] }).apply(g);
    g = tf.layers.conv2dTranspose({ filters: 16, kernelSize: 5, strides: 2, padding: 'same', activation: 'relu', name: 'g_up1' }).apply(g);
    g = tf.layers.conv2dTranspose({ filters: 1, kernelSize: 5, strides: 2, padding: 'same', activation: 'tanh', name: 'g_up2' }).apply(g);
  } else {
    g = tf.layers.dense({ units: 128, activation: 'relu', name: 'g_dense' }).apply(g);
    g = tf.layers.dense({ units: 784, activation: 'tanh', name: 'g_pixels' }).apply(g);
    g = tf.layers.reshape({ targetShape: [28, 28, 1] }).apply(g);
  }
  const generator = tf.model({ inputs: [latent, imageClass], outputs: g, name: 'generator' });

  const cnn = tf.sequential({ name: 'd_cnn' });
  if (conv) {
    cnn.add(tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 16, kernelSize: 3, strides: 2, padding: 'same', name: 'd_conv1' }));
    cnn.add(tf.layers.leakyReLU({ alpha: 0.2 }));
    cnn.add(tf.layers.conv2d({ filters: 32, kernelSize: 3, strides: 2, padding: 'same', name: 'd_conv2' }));
    cnn.add(tf.layers.leakyReLU({ alpha: 0.2 }));
    cnn.add(tf.layers.flatten());
  } else {
    cnn.add(tf.layers.flatten({ inputShape: [28, 28, 1] }));
    cnn.add(tf.layers.dense({ units: 128, name: 'd_hidden1' }));
    cnn.add(tf.layers.leakyReLU({ alpha: 0.2 }));
    cnn.add(tf.layers.dense({ units: 64, name: 'd_hidden2' }));
    cnn.add(tf.layers.leakyReLU({ alpha: 0.2 }));
  }
  const image = tf.input({ shape: [28, 28, 1] });
  const features = cnn.apply(image);
  const realness = tf.layers.dense({ units: 1, activation: 'sigmoid', name: 'd_realness' }).apply(features);
  const aux = tf.layers.dense({ units: 10, activation: 'softmax', name: 'd_class' }).apply(features);
  const discriminator = tf.model({ inputs: image, outputs: [realness, aux], name: 'discriminator' });
  const losses = ['binaryCrossentropy', 'sparseCategoricalCrossentropy'];
  discriminator.compile({ optimizer: tf.train.adam(2e-4, 0.5), loss: losses });

  discriminator.trainable = false; // "only train the generator in the combined model" (mnist-acgan)
  const z = tf.input({ shape: [LATENT] });
  const label = tf.input({ shape: [10] });
  const [fakeness, auxOut] = discriminator.apply(generator.apply([z, label]));
  const combined = tf.model({ inputs: [z, label], outputs: [fakeness, auxOut], name: 'combined' });
  combined.compile({ optimizer: tf.train.adam(2e-4, 0.5), loss: losses });
  return { generator, discriminator, combined };
}

async function main() {
  const folder = path.resolve(process.argv[2] ?? path.join('runs', 'gan'));
  const iterations = Number(process.argv[3] ?? 300);
  if (!fs.existsSync(path.join(__dirname, '..', 'dist', 'index.js'))) throw new Error('build the library first (`npm run build`).');
  const { tf, backend, packageName } = await pickBackend(backendChoice());
  console.log(`Backend: ${backend} (${packageName})`);
  const { paramMonitor, loadHistory } = require('../dist');

  const conv = backend === 'tensorflow';
  const { generator, discriminator, combined } = buildAcgan(tf, conv);
  const { xs, ys } = loadDigits(tf, 5000);
  const images = tf.tidy(() => xs.reshape([5000, 28, 28, 1]).mul(2).sub(1));
  const labels = tf.tidy(() => ys.argMax(-1).expandDims(1).toFloat());
  tf.dispose([xs, ys]);

  // One set of options for both monitors: `{model}` names each one's files after its model.
  const common = { everySteps: 50, output: path.join(folder, '{model}.json'), logFile: path.join(folder, '{model}.jsonl') };
  const onD = paramMonitor({ model: discriminator, ...common });
  const onC = paramMonitor({ model: combined, sharedWith: [discriminator], ...common });
  await onD.attach(); // discriminator.optimizer
  await onC.attach(); // combined.optimizer: it trains the generator

  const random = seededRandom(1);
  const sample = (n) => tf.tidy(() => {
    const ids = Array.from({ length: n }, () => Math.floor(random() * 10));
    return { z: tf.randomUniform([n, LATENT], -1, 1, 'float32', Math.floor(random() * 1e9)), ids: tf.tensor2d(ids, [n, 1]), codes: tf.oneHot(ids, 10).toFloat() };
  });
  let dLoss = 0;
  let gLoss = 0;
  for (let i = 0; i < iterations; i += 1) {
    const at = (i * BATCH) % (5000 - BATCH);
    const [real, realIds] = [images.slice(at, BATCH), labels.slice(at, BATCH)];
    const s = sample(BATCH);
    const fakes = generator.predict([s.z, s.codes]);
    const x = tf.concat([real, fakes]);
    const y = tf.tidy(() => tf.concat([tf.fill([BATCH, 1], 0.95), tf.zeros([BATCH, 1])]));
    const auxY = tf.concat([realIds, s.ids]);
    [dLoss] = await discriminator.trainOnBatch(x, [y, auxY]);
    tf.dispose([real, realIds, fakes, x, y, auxY, s.z, s.ids, s.codes]);

    const t = sample(2 * BATCH);
    const trick = tf.ones([2 * BATCH, 1]);
    [gLoss] = await combined.trainOnBatch([t.z, t.codes], [trick, t.ids]);
    tf.dispose([t.z, t.ids, t.codes, trick]);
  }
  await onD.detach();
  await onC.detach();
  console.log(`Trained ${iterations} iterations: discriminator loss ${dLoss.toFixed(4)}, combined loss ${gLoss.toFixed(4)}`);
  await onD.dispose();
  await onC.dispose();
  for (const model of [discriminator, combined]) {
    const file = path.join(folder, `${model.name}.json`);
    const h = loadHistory(file);
    const shared = h.weights.filter((w) => w.sharedWith).length;
    const warned = h.alerts.filter((a) => a.status === 'started' && a.severity !== 'info').length;
    console.log(`${file}: ${h.snapshots.length} snapshots (steps ${h.series.step[0]}-${h.series.step[h.series.step.length - 1]}), ` +
      `${h.weights.filter((w) => w.trainable).length} trainable weights, ${shared} shared, ${warned} warnings`);
  }
  tf.dispose([images, labels]);
  discriminator.optimizer.dispose();
  combined.optimizer.dispose();
  combined.dispose();
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
}

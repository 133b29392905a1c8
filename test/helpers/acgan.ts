/**
 * A small ACGAN in the shape of tfjs-examples' mnist-acgan (scaled down to train in seconds): a generator (latent vector and class -> image), a discriminator (a nested
 * convolutional `cnn` Sequential, then a real/fake head and a class head), compiled, then
 * `discriminator.trainable = false` set before the combined model (generator then
 * discriminator) is built and compiled: the usual freeze pattern, trap included.
 */
import * as tf from '@tensorflow/tfjs';

export const LATENT = 8;

export interface Acgan {
  generator: tf.LayersModel;
  discriminator: tf.LayersModel;
  combined: tf.LayersModel;
}

/**
 * `conv`: the convolutional ACGAN (transposed convolutions up, strided convolutions down), for
 * the `tensorflow` backend; without it the same structure with dense layers, which trains in
 * seconds on `cpu` and `wasm` (wasm has no convolution gradient kernels; the class enters the
 * generator one-hot, since wasm has no gather gradient either).
 */
export function buildAcgan(seed: number, { conv, discriminatorOptimizer = tf.train.adam(2e-3, 0.5) }: {
  conv: boolean;
  /** @default Adam, learning rate 2e-3, beta1 0.5 */
  discriminatorOptimizer?: tf.Optimizer;
}): Acgan {
  let s = seed;
  const init = () => tf.initializers.glorotUniform({ seed: s++ });

  const latent = tf.input({ shape: [LATENT], name: 'z' });
  const imageClass = tf.input({ shape: [10], name: 'image_class' });
  const classVector = tf.layers.dense({ units: LATENT, useBias: false, kernelInitializer: init(), name: 'g_class' }).apply(imageClass) as tf.SymbolicTensor;
  const h = tf.layers.multiply().apply([latent, classVector]) as tf.SymbolicTensor;
  let g: tf.SymbolicTensor;
  if (conv) {
    g = tf.layers.dense({ units: 7 * 7 * 8, activation: 'relu', kernelInitializer: init(), name: 'g_dense' }).apply(h) as tf.SymbolicTensor;
    g = tf.layers.reshape({ targetShape: [7, 7, 8] }).apply(g) as tf.SymbolicTensor;
    g = tf.layers.conv2dTranspose({ filters: 8, kernelSize: 4, strides: 2, padding: 'same', activation: 'relu', kernelInitializer: init(), name: 'g_up1' }).apply(g) as tf.SymbolicTensor;
    g = tf.layers.conv2dTranspose({ filters: 1, kernelSize: 4, strides: 2, padding: 'same', activation: 'tanh', kernelInitializer: init(), name: 'g_up2' }).apply(g) as tf.SymbolicTensor;
  } else {
    g = tf.layers.dense({ units: 64, activation: 'relu', kernelInitializer: init(), name: 'g_dense' }).apply(h) as tf.SymbolicTensor;
    g = tf.layers.dense({ units: 784, activation: 'tanh', kernelInitializer: init(), name: 'g_pixels' }).apply(g) as tf.SymbolicTensor;
    g = tf.layers.reshape({ targetShape: [28, 28, 1] }).apply(g) as tf.SymbolicTensor;
  }
  const generator = tf.model({ inputs: [latent, imageClass], outputs: g, name: 'generator' });

  const cnn = tf.sequential({ name: 'd_cnn' });
  if (conv) {
    cnn.add(tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 8, kernelSize: 3, strides: 2, padding: 'same', kernelInitializer: init(), name: 'd_conv1' }));
    cnn.add(tf.layers.leakyReLU({ alpha: 0.2 }));
    cnn.add(tf.layers.conv2d({ filters: 16, kernelSize: 3, strides: 2, padding: 'same', kernelInitializer: init(), name: 'd_conv2' }));
    cnn.add(tf.layers.leakyReLU({ alpha: 0.2 }));
    cnn.add(tf.layers.flatten());
  } else {
    cnn.add(tf.layers.flatten({ inputShape: [28, 28, 1] }));
    cnn.add(tf.layers.dense({ units: 64, kernelInitializer: init(), name: 'd_hidden1' }));
    cnn.add(tf.layers.leakyReLU({ alpha: 0.2 }));
    cnn.add(tf.layers.dense({ units: 32, kernelInitializer: init(), name: 'd_hidden2' }));
    cnn.add(tf.layers.leakyReLU({ alpha: 0.2 }));
  }
  const image = tf.input({ shape: [28, 28, 1] });
  const features = cnn.apply(image) as tf.SymbolicTensor;
  const realness = tf.layers.dense({ units: 1, activation: 'sigmoid', kernelInitializer: init(), name: 'd_realness' }).apply(features) as tf.SymbolicTensor;
  const aux = tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: init(), name: 'd_class' }).apply(features) as tf.SymbolicTensor;
  const discriminator = tf.model({ inputs: image, outputs: [realness, aux], name: 'discriminator' });
  discriminator.compile({
    optimizer: discriminatorOptimizer, loss: ['binaryCrossentropy', 'sparseCategoricalCrossentropy'],
  });

  // "We only want to be able to train generation for the combined model" (mnist-acgan).
  discriminator.trainable = false;
  const z = tf.input({ shape: [LATENT] });
  const label = tf.input({ shape: [10] });
  const fake = generator.apply([z, label]) as tf.SymbolicTensor;
  const [fakeness, auxOut] = discriminator.apply(fake) as tf.SymbolicTensor[];
  const combined = tf.model({ inputs: [z, label], outputs: [fakeness, auxOut], name: 'combined' });
  combined.compile({ optimizer: tf.train.adam(2e-3, 0.5), loss: ['binaryCrossentropy', 'sparseCategoricalCrossentropy'] });
  return { generator, discriminator, combined };
}

/**
 * One ACGAN iteration: the discriminator's `trainOnBatch` on real digits and generated ones, then
 * the combined model's on fakes labelled real (which trains the generator). `random` seeds the
 * latent vectors and sampled classes. Returns the two losses' first entries.
 */
export async function acganStep(gan: Acgan, images: tf.Tensor, labels: tf.Tensor, random: () => number): Promise<[number, number]> {
  const n = images.shape[0];
  const sampled = () => tf.tensor2d(Array.from({ length: n }, () => Math.floor(random() * 10)), [n, 1]);
  const oneHot = (ids: tf.Tensor) => tf.tidy(() => tf.oneHot(ids.reshape([n]).toInt(), 10).toFloat());
  const noise = () => tf.tensor2d(Array.from({ length: n * LATENT }, () => random() * 2 - 1), [n, LATENT]);
  const [z, classes] = [noise(), sampled()];
  const classCodes = oneHot(classes);
  const fakes = gan.generator.predict([z, classCodes]) as tf.Tensor;
  const x = tf.concat([images, fakes]);
  const y = tf.tidy(() => tf.concat([tf.fill([n, 1], 0.95), tf.zeros([n, 1])])); // soft "real" labels, as mnist-acgan
  const auxY = tf.concat([labels, classes]);
  const dLoss = await gan.discriminator.trainOnBatch(x, [y, auxY]) as number[];
  tf.dispose([z, classes, classCodes, fakes, x, y, auxY]);

  const [z2, classes2] = [noise(), sampled()];
  const [codes2, trick] = [oneHot(classes2), tf.ones([n, 1])];
  const gLoss = await gan.combined.trainOnBatch([z2, codes2], [trick, classes2]) as number[];
  tf.dispose([z2, classes2, codes2, trick]);
  return [dLoss[0], gLoss[0]];
}

/** Real digits for the discriminator: images scaled to [-1, 1] and class labels [n, 1]. */
export function ganDigits(xs: tf.Tensor, ys: tf.Tensor): { images: tf.Tensor; labels: tf.Tensor } {
  return tf.tidy(() => ({
    images: xs.mul(2).sub(1),
    labels: ys.argMax(-1).expandDims(1).toFloat(),
  }));
}

/** Frees the three models' variables and optimizers (the generator's live in `combined`). */
export function disposeAcgan(gan: Acgan): void {
  gan.discriminator.optimizer.dispose();
  gan.combined.optimizer.dispose();
  gan.combined.dispose(); // disposes the generator and discriminator layers it holds
}

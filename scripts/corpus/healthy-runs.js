// Healthy runs of the alert corpus: real `fit` / `fitDataset` runs on real data that train as
// they should (loss falls). Each config is recorded with several seeds (initialisers, row order,
// shuffles). See scripts/alert-corpus.js.
'use strict';
const tf = require('@tensorflow/tfjs');

const init = (seed) => tf.initializers.glorotUniform({ seed });

/** Dense stack: units and activations per hidden layer, then the output layer. */
function mlp(seed, inputs, hidden, activation, outputs, outActivation, extra = () => []) {
  const model = tf.sequential();
  hidden.forEach((units, i) => {
    model.add(tf.layers.dense({ units, activation, kernelInitializer: init(seed + i), ...(i === 0 ? { inputShape: [inputs] } : {}) }));
    for (const layer of extra(i)) model.add(layer);
  });
  model.add(tf.layers.dense({ units: outputs, activation: outActivation, kernelInitializer: init(seed + 99) }));
  return model;
}

function cnn(seed) {
  const model = tf.sequential();
  model.add(tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 8, kernelSize: 3, activation: 'relu', kernelInitializer: init(seed) }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tf.layers.conv2d({ filters: 16, kernelSize: 3, activation: 'relu', kernelInitializer: init(seed + 1) }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: init(seed + 2) }));
  return model;
}

function recurrent(seed, kind, units) {
  const model = tf.sequential();
  const layer = kind === 'lstm' ? tf.layers.lstm : tf.layers.gru;
  model.add(layer({ units, inputShape: [10, 1], kernelInitializer: init(seed), recurrentInitializer: tf.initializers.orthogonal({ seed: seed + 1 }) }));
  model.add(tf.layers.dense({ units: 1, kernelInitializer: init(seed + 2) }));
  return model;
}

function embedding(seed) {
  const model = tf.sequential();
  model.add(tf.layers.embedding({ inputDim: 20, outputDim: 8, inputLength: 12, embeddingsInitializer: tf.initializers.randomUniform({ minval: -0.05, maxval: 0.05, seed }) }));
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: 16, activation: 'relu', kernelInitializer: init(seed + 1) }));
  model.add(tf.layers.dense({ units: 1, activation: 'sigmoid', kernelInitializer: init(seed + 2) }));
  return model;
}

/** A base trained briefly on digits, then frozen under a new head (the transfer-learning recipe). */
async function transfer(seed, data) {
  const base = tf.sequential();
  base.add(tf.layers.dense({ units: 64, activation: 'relu', inputShape: [784], kernelInitializer: init(seed), name: `base_dense_${seed}` }));
  base.add(tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: init(seed + 1) }));
  base.compile({ optimizer: tf.train.adam(0.001), loss: 'categoricalCrossentropy' });
  await base.fit(data.x, data.y, { epochs: 1, batchSize: 64, verbose: 0 });
  const model = tf.sequential();
  base.layers[0].trainable = false;
  model.add(base.layers[0]);
  model.add(tf.layers.dense({ units: 32, activation: 'relu', kernelInitializer: init(seed + 2) }));
  model.add(tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: init(seed + 3) }));
  return model;
}

const bnDropout = (i) => [tf.layers.batchNormalization(), tf.layers.activation({ activation: 'relu' }), tf.layers.dropout({ rate: 0.3 })];
const xent = 'categoricalCrossentropy';

/**
 * Each config: data (loader name and options), model(seed, data), optimizer(), loss, fit options,
 * `every` ('epoch' or a number of batches) and the backend.
 */
const HEALTHY = [
  { name: 'iris-mlp-adam', data: ['iris', {}], model: (s) => mlp(s, 4, [16], 'relu', 3, 'softmax'), optimizer: () => tf.train.adam(0.01), loss: xent, epochs: 30, batchSize: 16, every: 'epoch' },
  { name: 'iris-raw-sgd-every-batch', data: ['iris', { normalise: false }], model: (s) => mlp(s, 4, [10], 'tanh', 3, 'softmax'), optimizer: () => tf.train.sgd(0.05), loss: xent, epochs: 5, batchSize: 8, every: 1 },
  { name: 'iris-fullbatch-sgd', data: ['iris', {}], model: (s) => mlp(s, 4, [8], 'relu', 3, 'softmax'), optimizer: () => tf.train.sgd(0.1), loss: xent, epochs: 100, batchSize: 150, every: 'epoch' },
  { name: 'cars-mpg-sigmoid-dataset', data: ['carsMpg', {}], model: (s) => mlp(s, 5, [50, 50], 'sigmoid', 1), optimizer: () => tf.train.sgd(0.01), loss: 'meanSquaredError', epochs: 100, batchSize: 100, every: 'epoch', dataset: true },
  // The script of issue #9: an MLP with sigmoids, sgd 0.01, fitDataset, batch 500, 100 epochs.
  { name: 'weather-temp-sigmoid-dataset', data: ['weatherTemp', {}], model: (s) => mlp(s, 3, [50, 50], 'sigmoid', 1), optimizer: () => tf.train.sgd(0.01), loss: 'meanSquaredError', epochs: 100, batchSize: 500, every: 'epoch', dataset: true, seeds: [1, 2, 3, 4, 5, 6] },
  // Issue #17: a regression MLP whose output is one unit (a one-element output bias), sgd on fitDataset, as a new user writes it.
  { name: 'cars-mpg-one-unit-sgd-dataset', data: ['carsMpg', {}], model: (s) => mlp(s, 5, [16], 'relu', 1), optimizer: () => tf.train.sgd(0.01), loss: 'meanSquaredError', epochs: 20, batchSize: 32, every: 'epoch', dataset: true, seeds: [1, 2, 3, 4, 5, 6] },
  { name: 'cars-mpg-raw-adam-every-10', data: ['carsMpg', { normalise: false }], model: (s) => mlp(s, 5, [32], 'relu', 1), optimizer: () => tf.train.adam(0.01), loss: 'meanSquaredError', epochs: 20, batchSize: 16, every: 10 },
  { name: 'cars-origin-rmsprop-every-10', data: ['carsOrigin', {}], model: (s) => mlp(s, 5, [32], 'relu', 3, 'softmax'), optimizer: () => tf.train.rmsprop(0.001), loss: xent, epochs: 20, batchSize: 32, every: 10 },
  { name: 'penguins-fullbatch-adagrad', data: ['penguins', {}], model: (s) => mlp(s, 4, [16], 'relu', 3, 'softmax'), optimizer: () => tf.train.adagrad(0.05), loss: xent, epochs: 60, batchSize: 342, every: 'epoch' },
  { name: 'weather-momentum-dataset', data: ['weather', {}], model: (s) => mlp(s, 4, [32, 16], 'relu', 5, 'softmax'), optimizer: () => tf.train.momentum(0.01, 0.9), loss: xent, epochs: 15, batchSize: 64, every: 'epoch', dataset: true },
  { name: 'mnist-mlp-sgd-every-batch', data: ['mnist', { n: 1024 }], model: (s) => mlp(s, 784, [64], 'relu', 10, 'softmax'), optimizer: () => tf.train.sgd(0.1), loss: xent, epochs: 2, batchSize: 32, every: 1 },
  { name: 'mnist-mlp-adam-every-10', data: ['mnist', { n: 2000 }], model: (s) => mlp(s, 784, [128], 'relu', 10, 'softmax'), optimizer: () => tf.train.adam(0.001), loss: xent, epochs: 5, batchSize: 32, every: 10 },
  { name: 'mnist-mlp-adagrad-dataset', data: ['mnist', { n: 2000 }], model: (s) => mlp(s, 784, [64], 'relu', 10, 'softmax'), optimizer: () => tf.train.adagrad(0.05), loss: xent, epochs: 6, batchSize: 128, every: 'epoch', dataset: true },
  { name: 'mnist-bn-dropout', data: ['mnist', { n: 2000 }], model: (s) => mlp(s, 784, [64], 'linear', 10, 'softmax', bnDropout), optimizer: () => tf.train.adam(0.001), loss: xent, epochs: 6, batchSize: 64, every: 'epoch' },
  { name: 'mnist-transfer-frozen-base', data: ['mnist', { n: 1500 }], model: transfer, optimizer: () => tf.train.momentum(0.01, 0.9), loss: xent, epochs: 5, batchSize: 32, every: 'epoch' },
  { name: 'mnist-cnn-adam', data: ['mnist', { n: 600, flat: false }], model: cnn, optimizer: () => tf.train.adam(0.001), loss: xent, epochs: 4, batchSize: 32, every: 'epoch', backend: 'cpu' },
  { name: 'mnist-cnn-rmsprop-every-10', data: ['mnist', { n: 960, flat: false }], model: cnn, optimizer: () => tf.train.rmsprop(0.001), loss: xent, epochs: 2, batchSize: 32, every: 10, backend: 'cpu' },
  { name: 'sums-lstm-adam', data: ['sums', { n: 512 }], model: (s) => recurrent(s, 'lstm', 16), optimizer: () => tf.train.adam(0.01), loss: 'meanSquaredError', epochs: 10, batchSize: 32, every: 'epoch', backend: 'cpu' },
  { name: 'sums-gru-rmsprop-every-batch', data: ['sums', { n: 512 }], model: (s) => recurrent(s, 'gru', 8), optimizer: () => tf.train.rmsprop(0.005), loss: 'meanSquaredError', epochs: 3, batchSize: 64, every: 1, backend: 'cpu' },
  { name: 'tokens-embedding-adam-dataset', data: ['tokens', { n: 1024 }], model: embedding, optimizer: () => tf.train.adam(0.005), loss: 'binaryCrossentropy', epochs: 10, batchSize: 32, every: 'epoch', dataset: true, backend: 'cpu' },
];

module.exports = { HEALTHY, mlp, init };

// Failing runs of the alert corpus: real `fit` runs on real data with one real fault each.
// `fault` says when it starts (`epoch`: during that 0-based epoch; `batch`: at that 0-based global
// batch) and which alert kinds name it. See scripts/alert-corpus.js.
'use strict';
const tf = require('@tensorflow/tfjs');
const { mlp, init } = require('./healthy-runs');

const xent = 'categoricalCrossentropy';
const atEpoch = (epoch, fn) => new tf.CustomCallback({ onEpochBegin: async (e) => { if (e === epoch) fn(); } });

/** A Dense layer fed by a ReLU layer whose biases start so negative that every unit is dead. */
function deadRelu() {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 32, activation: 'relu', inputShape: [784], kernelInitializer: init(1), biasInitializer: tf.initializers.constant({ value: -5 }), name: 'dead_relu' }));
  model.add(tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: init(2) }));
  return model;
}

const FAILING = [
  {
    name: 'dead-relu-negative-bias', data: ['mnist', { n: 1000 }], model: deadRelu, optimizer: () => tf.train.adam(0.001), loss: xent, epochs: 6, batchSize: 32, every: 'epoch',
    fault: { epoch: 0, expect: ['frozen', 'dead', 'dead-units', 'gradient-vanishing'], what: 'every ReLU of `dead_relu` is dead from the start (bias -5): its weights get no gradient' },
  },
  {
    name: 'zeros-initialiser', data: ['iris', {}], model: () => { const m = tf.sequential(); m.add(tf.layers.dense({ units: 16, activation: 'relu', inputShape: [4], kernelInitializer: 'zeros', name: 'zero_init' })); m.add(tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: 'zeros' })); return m; },
    optimizer: () => tf.train.adam(0.01), loss: xent, epochs: 6, batchSize: 16, every: 'epoch',
    fault: { epoch: 0, expect: ['dead', 'frozen', 'dead-units'], what: 'every kernel initialised to zeros: the hidden layer outputs 0 and never learns' },
  },
  {
    name: 'constant-input-data-bug', data: ['mnist', { n: 1000, blank: true }], model: (s) => mlp(s, 784, [64], 'relu', 10, 'softmax'), optimizer: () => tf.train.adam(0.001), loss: xent, epochs: 6, batchSize: 32, every: 'epoch',
    fault: { epoch: 0, expect: ['frozen', 'gradient-vanishing', 'dead-units'], what: 'the images are all zeros (pixels lost by a loading bug): the first kernel gets no gradient' },
  },
  {
    name: 'saturated-sigmoid-frozen', data: ['penguins', { normalise: false }], model: (s) => mlp(s, 4, [16], 'sigmoid', 3, 'softmax'), optimizer: () => tf.train.adam(0.01), loss: xent, epochs: 6, batchSize: 32, every: 'epoch',
    fault: { epoch: 0, expect: ['frozen', 'gradient-vanishing', 'dead-units'], what: 'raw inputs (body mass in grams) saturate every sigmoid of the first layer: its gradient is exactly 0 and it never trains' },
  },
  {
    name: 'unfrozen-after-compile', data: ['iris', {}], model: (s) => { const m = mlp(s, 4, [16], 'relu', 3, 'softmax'); m.layers[0].trainable = false; return m; }, afterCompile: (m) => { m.layers[0].trainable = true; },
    optimizer: () => tf.train.adam(0.01), loss: xent, epochs: 6, batchSize: 16, every: 'epoch',
    fault: { epoch: 0, expect: ['frozen'], what: 'the first layer is set trainable after compile, without recompiling: the optimizer never updates it' },
  },
  {
    name: 'set-weights-on-frozen', data: ['carsOrigin', {}], model: (s) => { const m = mlp(s, 5, [16], 'relu', 3, 'softmax'); m.layers[0].trainable = false; return m; },
    injector: (m) => atEpoch(3, () => { const [k, b] = m.layers[0].getWeights(); const moved = tf.mul(k, 1.01); m.layers[0].setWeights([moved, b]); moved.dispose(); }),
    optimizer: () => tf.train.adam(0.01), loss: xent, epochs: 6, batchSize: 32, every: 'epoch',
    fault: { epoch: 3, expect: ['changed-while-frozen'], what: 'another callback scales the frozen base kernel by 1.01 with setWeights at the start of epoch 3' },
  },
  {
    name: 'lr-spike-mid-run', data: ['carsMpg', {}], model: (s) => mlp(s, 5, [16], 'tanh', 1), optimizer: () => tf.train.sgd(0.0005), loss: 'meanSquaredError', epochs: 12, batchSize: 32, every: 'epoch',
    injector: (m) => atEpoch(8, () => m.optimizer.setLearningRate(0.02)),
    fault: { epoch: 8, expect: ['drift', 'exploding', 'gradient-exploding'], what: 'the learning rate is raised 40x (0.0005 -> 0.02) at the start of epoch 8' },
  },
  {
    name: 'lr-spike-every-batch', data: ['mnist', { n: 1024 }], model: (s) => mlp(s, 784, [64], 'relu', 10, 'softmax'), optimizer: () => tf.train.sgd(0.01), loss: xent, epochs: 2, batchSize: 32, every: 1,
    injector: (m) => new tf.CustomCallback({ onBatchBegin: async (b) => { if (b === 20) m.optimizer.setLearningRate(1.5); } }),
    fault: { batch: 20, expect: ['drift', 'exploding', 'gradient-exploding'], what: 'the learning rate is raised 150x (0.01 -> 1.5) at batch 20 of epoch 0' },
  },
  {
    name: 'lr-past-stability-limit', data: ['carsMpg', {}], model: (s) => mlp(s, 5, [16], 'relu', 1), optimizer: () => tf.train.sgd(0.05), loss: 'meanSquaredError', epochs: 2, batchSize: 32, every: 1,
    fault: { batch: 0, expect: ['exploding', 'drift', 'non-finite', 'gradient-exploding', 'gradient-non-finite'], what: 'sgd at lr 0.05 on a raw target around 23: the updates overshoot and grow until NaN' },
  },
  {
    name: 'weight-decay-collapse', data: ['penguins', {}], model: (s) => { const m = tf.sequential(); m.add(tf.layers.dense({ units: 16, activation: 'relu', inputShape: [4], kernelInitializer: init(s), kernelRegularizer: tf.regularizers.l2({ l2: 2 }), name: 'decayed' })); m.add(tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: init(s + 1) })); return m; },
    optimizer: () => tf.train.sgd(0.1), loss: xent, epochs: 6, batchSize: 32, every: 'epoch',
    fault: { epoch: 0, expect: ['vanishing'], what: 'an L2 penalty of 2 (1,000x too strong) shrinks the first kernel toward zero' },
  },
];

module.exports = { FAILING };

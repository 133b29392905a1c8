/** The iris classifier the gradient tests train, and its disposal. */
import * as tf from '@tensorflow/tfjs';

/** Dense(8, relu) -> Dense(3, softmax) on 4 features, seeded; `hiddenBias` starts the hidden bias there. */
export function classifier(seed: number, optimizer: tf.Optimizer, hiddenBias = 0): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.dense({
    units: 8, activation: 'relu', inputShape: [4], kernelInitializer: tf.initializers.glorotUniform({ seed }),
    biasInitializer: tf.initializers.constant({ value: hiddenBias }),
  }));
  model.add(tf.layers.dense({
    units: 3, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }),
  }));
  model.compile({ optimizer, loss: 'categoricalCrossentropy' });
  return model;
}

/** Disposes the model, its optimizer (which `compile` does not own) and the given tensors. */
export function disposeAll(model: tf.LayersModel, ...tensors: tf.Tensor[]): void {
  tf.dispose(tensors);
  model.optimizer.dispose();
  model.dispose();
}

/**
 * Real parameter histories for the CLI and report tests, from real `model.fit` runs on the cpu
 * backend (a few seconds in all): a healthy MNIST MLP, a regression that diverges (drift,
 * exploding and non-finite alerts), one monitor across two `fit` calls with a layer frozen
 * between them, and a copy of the diverging run whose names are HTML/script injections.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { paramMonitor, type HistoryDocument } from '../../src';
import { loadMnist } from './mnist';

/** A weight name and a layer name no page may ever run as markup. */
export const HOSTILE_WEIGHT = '</script><img src=x onerror=alert(1)>';
export const HOSTILE_LAYER = '<svg onload=alert(2)>';

export interface RealHistories {
  healthy: string;
  diverging: string;
  twoFits: string;
  hostile: string;
}

function mlp(): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [784], units: 16, activation: 'relu', name: 'hidden' }),
      tf.layers.dense({ units: 10, activation: 'softmax', name: 'output' }),
    ],
  });
}

async function healthy(): Promise<HistoryDocument> {
  const { xs, ys } = loadMnist(512, { flat: true });
  const model = mlp();
  const optimizer = tf.train.adam(1e-3);
  model.compile({ optimizer, loss: 'categoricalCrossentropy' });
  const monitor = paramMonitor({ logger: false, bins: 20 });
  await model.fit(xs, ys, { epochs: 5, batchSize: 64, verbose: 0, callbacks: [monitor] });
  const history = monitor.toJSON();
  await monitor.dispose();
  tf.dispose([xs, ys]);
  model.dispose();
  optimizer.dispose();
  return history;
}

/** SGD past its stability limit, as in examples/diverging.js. */
async function diverging(): Promise<HistoryDocument> {
  const x = tf.randomUniform([256, 8], -3, 3, 'float32', 1);
  const y = tf.tidy(() => tf.matMul(x, tf.randomUniform([8, 1], -1, 1, 'float32', 2)));
  const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [8], name: 'regression' })] });
  const optimizer = tf.train.sgd(0.4);
  model.compile({ optimizer, loss: 'meanSquaredError' });
  const monitor = paramMonitor({ logger: false, stopOn: ['non-finite'] });
  await model.fit(x, y, { epochs: 60, batchSize: 32, verbose: 0, callbacks: [monitor] });
  const history = monitor.toJSON();
  await monitor.dispose();
  tf.dispose([x, y]);
  model.dispose();
  optimizer.dispose();
  return history;
}

/** Train the whole MLP, freeze `hidden`, train again: as in fine-tuning (examples/two-fits.js). */
async function twoFits(): Promise<HistoryDocument> {
  const { xs, ys } = loadMnist(512, { flat: true });
  const model = mlp();
  const optimizers = [tf.train.adam(1e-3), tf.train.adam(1e-3)];
  const monitor = paramMonitor({ logger: false, bins: 20 });
  const args = { batchSize: 64, verbose: 0, callbacks: [monitor] };
  model.compile({ optimizer: optimizers[0], loss: 'categoricalCrossentropy' });
  await model.fit(xs, ys, { ...args, epochs: 3 });
  model.getLayer('hidden').trainable = false;
  model.compile({ optimizer: optimizers[1], loss: 'categoricalCrossentropy' });
  await model.fit(xs, ys, { ...args, epochs: 2 });
  const history = monitor.toJSON();
  await monitor.dispose();
  tf.dispose([xs, ys]);
  model.dispose();
  for (const optimizer of optimizers) optimizer.dispose();
  return history;
}

/** The diverging history with its weight and layer names (and so its messages) made hostile. */
function hostile(text: string): string {
  const safe = (s: string) => JSON.stringify(s).slice(1, -1);
  return text.split('regression/kernel').join(safe(HOSTILE_WEIGHT)).split('"regression"').join(JSON.stringify(HOSTILE_LAYER));
}

/** Trains the runs and writes their histories as JSON files into `dir`. */
export async function writeRealHistories(dir: string): Promise<RealHistories> {
  fs.mkdirSync(dir, { recursive: true });
  const write = (name: string, text: string) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return file;
  };
  const divergingText = `${JSON.stringify(await diverging(), null, 2)}\n`;
  return {
    healthy: write('healthy.json', `${JSON.stringify(await healthy(), null, 2)}\n`),
    diverging: write('diverging.json', divergingText),
    twoFits: write('two-fits.json', `${JSON.stringify(await twoFits(), null, 2)}\n`),
    hostile: write('hostile.json', hostile(divergingText)),
  };
}

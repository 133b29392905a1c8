/**
 * Real parameter histories for the CLI and report tests, from real `model.fit` runs on the cpu
 * backend (about 10 seconds in all on 2 cores): a healthy MNIST MLP; a regression that diverges
 * (drift, exploding and non-finite alerts; snapshots thinned by `maxSnapshots`); one monitor
 * across two `fit` calls with a layer frozen between them; a model with over 100 weights; and a
 * copy of the diverging run whose names are HTML/script injections.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { paramMonitor, type HistoryDocument, type ParamMonitorOptions } from '../../src';
import { loadMnist } from './mnist';

/** A weight name and a layer name no page may ever run as markup. */
export const HOSTILE_WEIGHT = '</script><img src=x onerror=alert(1)>';
export const HOSTILE_LAYER = '<svg onload=alert(2)>';

export interface RealHistories {
  healthy: string;
  diverging: string;
  twoFits: string;
  hostile: string;
  many: string;
}

function mlp(): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [784], units: 16, activation: 'relu', name: 'hidden' }),
      tf.layers.dense({ units: 10, activation: 'softmax', name: 'output' }),
    ],
  });
}

/** One `fit` call of a series: its optimizer, epochs, and what to change on the model first. */
interface FitStep {
  optimizer: tf.Optimizer;
  loss: string;
  epochs: number;
  before?: (model: tf.LayersModel) => void;
}

/** Trains `model` with a monitor through `steps` (one `fit` each), disposes everything, returns the history. */
async function monitored(model: tf.LayersModel, xs: tf.Tensor, ys: tf.Tensor, steps: FitStep[],
  options: Omit<ParamMonitorOptions, 'logger'> = {}): Promise<HistoryDocument> {
  const monitor = paramMonitor({ ...options, logger: false });
  try {
    for (const step of steps) {
      step.before?.(model);
      // Recompiled per step so that fit collects the trainable set as it is now.
      model.compile({ optimizer: step.optimizer, loss: step.loss });
      // No shuffle: fit shuffles with Math.random, and the diverging run must end the same way every
      // time (shuffled, one fresh-clone CI run in four here ended with the bias still finite).
      await model.fit(xs, ys, { epochs: step.epochs, batchSize: 32, verbose: 0, shuffle: false, callbacks: [monitor] });
    }
    return monitor.toJSON();
  } finally {
    await monitor.dispose();
    tf.dispose([xs, ys]);
    model.dispose();
    for (const step of steps) step.optimizer.dispose();
  }
}

function healthy(): Promise<HistoryDocument> {
  const { xs, ys } = loadMnist(512, { flat: true });
  return monitored(mlp(), xs, ys, [{ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy', epochs: 5 }], { bins: 20 });
}

/** SGD past its stability limit, as in examples/diverging.js. */
function diverging(): Promise<HistoryDocument> {
  const x = tf.randomUniform([256, 8], -3, 3, 'float32', 1);
  const y = tf.tidy(() => tf.matMul(x, tf.randomUniform([8, 1], -1, 1, 'float32', 2)));
  // A seeded kernel: unseeded, about one run in seven stops when a single kernel element turns
  // NaN, before the bias does, and the report then has no non-finite chart for the bias.
  const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [8], name: 'regression', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) })] });
  // maxSnapshots below the ~20 snapshots it takes: the history keeps only some histograms
  return monitored(model, x, y, [{ optimizer: tf.train.sgd(0.4), loss: 'meanSquaredError', epochs: 60 }],
    { stopOn: ['non-finite'], maxSnapshots: 8 });
}

/** Train the whole MLP, freeze `hidden`, train again: as in fine-tuning (examples/two-fits.js). */
function twoFits(): Promise<HistoryDocument> {
  const { xs, ys } = loadMnist(512, { flat: true });
  return monitored(mlp(), xs, ys, [
    { optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy', epochs: 3 },
    { optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy', epochs: 2, before: (m) => { m.getLayer('hidden').trainable = false; } },
  ], { bins: 20 });
}

/** A deep narrow MLP: `MANY_LAYERS` dense layers, twice as many weights, for the 100+ weight report. */
export const MANY_LAYERS = 55;

function many(): Promise<HistoryDocument> {
  const { xs, ys } = loadMnist(128, { flat: true });
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [784], units: 8, activation: 'relu' }));
  for (let i = 1; i < MANY_LAYERS - 1; i++) model.add(tf.layers.dense({ units: 8, activation: 'relu' }));
  model.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
  return monitored(model, xs, ys, [{ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy', epochs: 2 }], { bins: 10 });
}

/** The diverging history with its weight and layer names (and so its messages) made hostile. */
function hostile(text: string): string {
  const safe = (s: string) => JSON.stringify(s).slice(1, -1);
  return text.split('regression/kernel').join(safe(HOSTILE_WEIGHT)).split('"regression"').join(JSON.stringify(HOSTILE_LAYER));
}

const RUNS = { healthy, twoFits, many } as const;

/**
 * Trains the runs named in `kinds` and writes their histories as JSON files into `dir` (for
 * `hostile`, the diverging run is trained and its names replaced).
 *
 * @example
 * const files = await writeRealHistories(dir, ['healthy', 'diverging']);
 */
export async function writeRealHistories<K extends keyof RealHistories>(dir: string, kinds: K[]): Promise<Record<K, string>> {
  fs.mkdirSync(dir, { recursive: true });
  const files = {} as Record<K, string>;
  let divergingText: string | undefined;
  for (const kind of kinds) {
    let text: string;
    if (kind === 'hostile' || kind === 'diverging') {
      divergingText ??= `${JSON.stringify(await diverging(), null, 2)}\n`;
      text = kind === 'hostile' ? hostile(divergingText) : divergingText;
    } else {
      text = `${JSON.stringify(await RUNS[kind as 'healthy' | 'twoFits' | 'many'](), null, 2)}\n`;
    }
    files[kind] = path.join(dir, `${kind}.json`);
    fs.writeFileSync(files[kind], text);
  }
  return files;
}

/**
 * The JSON Schema of the history document: generated from the TypeScript types (the committed
 * file must be what the generator gives now), and real outputs of real `fit` runs (epoch and
 * batch snapshots, two fits, alerts, thinning) validate against it with ajv.
 */
import Ajv from 'ajv';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { HistoryDocument, loadHistory, paramMonitor } from '../../src';
import { loadMnist } from '../helpers/mnist';
import { expectNoLeaks } from '../helpers/tensor-leaks';

// eslint-disable-next-line @typescript-eslint/no-var-requires
const { generate, target } = require('../../scripts/generate-schema.js') as { generate: () => string; target: string };

const schema = JSON.parse(fs.readFileSync(target, 'utf8'));
const validate = new Ajv({ allErrors: true, strict: true }).compile(schema);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pm-schema-'));

function mlp(prefix: string, activation: 'relu' | 'tanh' = 'relu'): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 16, inputShape: [784], activation, name: `${prefix}_hidden` }));
  model.add(tf.layers.dense({ units: 10, activation: 'softmax', name: `${prefix}_out` }));
  return model;
}

describe('history JSON Schema', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
  });
  expectNoLeaks();

  it('is the schema generated from src/history-types.ts', () => {
    expect(fs.readFileSync(target, 'utf8')).toBe(generate());
  });

  it('accepts the output files of real runs: two fits with batch snapshots, thinning and alerts', async () => {
    const { xs, ys } = loadMnist(512, { flat: true });
    const model = mlp('schema_a');
    // Optimizers passed as objects are not owned by the model: disposed below.
    const optimizers = [tf.train.sgd(50), tf.train.sgd(50)];
    model.compile({ optimizer: optimizers[0], loss: 'categoricalCrossentropy' });
    const output = path.join(tmp, 'a', 'params.json');
    const monitor = paramMonitor({ logger: false, output, everyBatches: 2, maxSnapshots: 6 });
    await model.fit(xs, ys, { epochs: 3, batchSize: 64, callbacks: [monitor] });
    model.layers[0].trainable = false;
    model.compile({ optimizer: optimizers[1], loss: 'categoricalCrossentropy' });
    await model.fit(xs, ys, { epochs: 2, batchSize: 64, callbacks: [monitor] });
    await monitor.dispose();
    const written = JSON.parse(fs.readFileSync(output, 'utf8')) as HistoryDocument;
    expect(validate(written)).toBe(true);
    expect(validate.errors).toBeNull();
    expect(written.runs).toHaveLength(2);
    // 8 batches an epoch, 5 epochs, every 2 batches, and the initial snapshot.
    expect(written.series.epoch).toHaveLength(1 + 20);
    expect(written.snapshots.length).toBeLessThanOrEqual(6);
    expect(written.alerts.some((a) => a.status === 'started' && a.severity !== 'info')).toBe(true);
    expect(loadHistory(output)).toEqual(written);
    expect(written).toEqual(monitor.toJSON());
    tf.dispose([xs, ys]);
    model.dispose();
    optimizers.forEach((o) => o.dispose());
  });

  it('accepts an epoch-mode history saved with save(), and rejects a document with a wrong field', async () => {
    const { xs, ys } = loadMnist(256, { flat: true });
    const model = mlp('schema_b', 'tanh');
    model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
    const monitor = paramMonitor({ logger: false });
    await model.fit(xs, ys, { epochs: 3, batchSize: 128, callbacks: [monitor] });
    await monitor.dispose();
    const file = path.join(tmp, 'b.json');
    monitor.save(file);
    const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(validate(doc)).toBe(true);
    expect(doc.snapshots.map((s: { index: number }) => s.index)).toEqual([0, 1, 2, 3]);
    doc.snapshots[1].stats['schema_b_hidden/kernel'].mean = 'high';
    expect(validate(doc)).toBe(false);
    expect(validate.errors?.[0].instancePath).toBe('/snapshots/1/stats/schema_b_hidden~1kernel/mean');
    tf.dispose([xs, ys]);
    model.dispose();
  });
});

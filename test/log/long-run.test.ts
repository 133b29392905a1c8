/**
 * The logFile over a long run, the shape of the script that lost records with winston's file
 * transport: fitDataset over a tf.data pipeline, 120 epochs, six weights, debug records. The file
 * must hold exactly the records a user logger at debug level received, in order, and every
 * record must be on disk before dispose() is even called.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Writable } from 'stream';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import * as winston from 'winston';
import { paramMonitor } from '../../src';
import { loadMnist } from '../helpers/mnist';
import { expectNoLeaks } from '../helpers/tensor-leaks';

describe('logFile over a long run', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
  });
  expectNoLeaks();

  it('holds exactly the records logged, 120 epochs of fitDataset with debug lines', async () => {
    const records: Record<string, unknown>[] = [];
    const stream = new Writable({ objectMode: true, write(info, _e, done) { records.push(info); done(); } });
    const logger = winston.createLogger({ level: 'debug', transports: [new winston.transports.Stream({ stream })] });
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pm-long-')), 'monitor.jsonl');
    const { xs, ys } = loadMnist(200, { flat: true });
    const rows = [tf.unstack(xs), tf.unstack(ys)];
    const dataset = tf.data.zip({ xs: tf.data.array(rows[0]), ys: tf.data.array(rows[1]) }).batch(100);
    const model = tf.sequential({ layers: [
      tf.layers.dense({ units: 12, inputShape: [784], activation: 'sigmoid', name: 'long_a' }),
      tf.layers.dense({ units: 12, activation: 'sigmoid', name: 'long_b' }),
      tf.layers.dense({ units: 10, activation: 'softmax', name: 'long_c' }),
    ] });
    model.compile({ optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' });
    const monitor = paramMonitor({ logger, logFile: file });
    await model.fitDataset(dataset, { epochs: 120, callbacks: [monitor] });

    const before = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).length;
    await monitor.dispose();
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    expect(lines.pop()).toBe('');
    const written = lines.map((line) => JSON.parse(line));
    // 121 snapshots x (1 snapshot line + 6 weight lines) + census + summary at dispose.
    expect(written.filter((r) => r.event === 'weight')).toHaveLength(121 * 6);
    expect(written).toHaveLength(records.length);
    expect(before).toBe(records.length - 1);
    expect(written.map((r) => [r.level, r.message, r.event, r.epoch])).toEqual(records.map((r) => [r.level, r.message, r.event, r.epoch]));
    expect(written[written.length - 1].event).toBe('summary');
    for (const record of written) expect(Date.parse(record.timestamp)).toBeGreaterThan(0);

    tf.dispose([xs, ys, ...rows.flat()]);
    model.dispose();
    (model.optimizer as tf.Optimizer).dispose();
  });
});

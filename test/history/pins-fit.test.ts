/**
 * Thinning in a real run: a healthy `fit` then a diverging one, a snapshot at every batch and
 * `maxSnapshots: 50`. The whole snapshots kept must include the first, the newest, the last of
 * each `fit`, and every snapshot at which an alert started (fewer than half the cap here), while
 * the series holds every snapshot.
 */
import * as tf from '@tensorflow/tfjs';
import { paramMonitor } from '../../src';
import { expectNoLeaks } from '../helpers/tensor-leaks';

describe('snapshots kept in a real thinned run', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });
  expectNoLeaks();

  it('keeps alert starts and fit ends whole', async () => {
    const x = tf.randomUniform([256, 8], -3, 3, 'float32', 1);
    const y = tf.tidy(() => tf.matMul(x, tf.randomUniform([8, 1], -1, 1, 'float32', 2)));
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [8], name: 'pins_regression' })] });
    const optimizers = [tf.train.sgd(0.01), tf.train.sgd(0.4)]; // the second past the stability limit
    model.compile({ optimizer: optimizers[0], loss: 'meanSquaredError' });
    const monitor = paramMonitor({ logger: false, everyBatches: 1, maxSnapshots: 50, stopOn: ['non-finite'] });
    await model.fit(x, y, { epochs: 4, batchSize: 32, callbacks: [monitor] });
    model.compile({ optimizer: optimizers[1], loss: 'meanSquaredError' });
    await model.fit(x, y, { epochs: 6, batchSize: 32, callbacks: [monitor] });
    await monitor.dispose();
    const doc = monitor.toJSON();

    // Batch snapshots are identified by their global batch count (the initial one by 0).
    const kept = new Set(doc.snapshots.map((s) => s.batch ?? 0));
    const alertStarts = new Set(doc.alerts.filter((a) => a.status === 'started').map((a) => a.batch ?? 0));
    const fitEnds = [32, 80];
    expect(doc.series.batch.slice(-1)).toEqual([80]);
    expect(doc.series.epoch).toHaveLength(81);
    expect(doc.snapshots.length).toBeLessThanOrEqual(50);
    expect(alertStarts.size).toBeGreaterThan(0);
    expect(alertStarts.size + fitEnds.length).toBeLessThan(25);
    expect([...alertStarts].filter((k) => !kept.has(k))).toEqual([]);
    expect(fitEnds.filter((k) => !kept.has(k))).toEqual([]);
    expect(doc.snapshots[0].index).toBe(0);
    expect(doc.snapshots[doc.snapshots.length - 1].index).toBe(80);

    tf.dispose([x, y]);
    model.dispose();
    optimizers.forEach((o) => o.dispose());
  });
});

/**
 * The report of a long run: 50,000 snapshots of a 4-weight model (a real run's series and
 * snapshots, stretched by repeating its snapshots) renders without overflowing the call stack,
 * and its size does not grow with the run: lines are drawn by bucket extremes.
 */
import * as tf from '@tensorflow/tfjs';
import { paramMonitor } from '../../src';
import type { HistoryDocument } from '../../src';
import { renderReport } from '../../src/report/render-report';
import { expectNoLeaks } from '../helpers/tensor-leaks';

/** `doc` with its series repeated to `length` snapshots (each whole snapshot kept at its index). */
function stretched(doc: HistoryDocument, length: number): HistoryDocument {
  const n = doc.series.epoch.length;
  const pick = <T>(values: T[]) => Array.from({ length }, (_, i) => values[i % n]);
  const weights = Object.fromEntries(Object.entries(doc.series.weights).map(([name, columns]) => [
    name, Object.fromEntries(Object.entries(columns).map(([key, values]) => [key, pick(values)])),
  ])) as unknown as HistoryDocument['series']['weights'];
  const epoch = Array.from({ length }, (_, i) => Math.floor(i / 10));
  const snapshots = doc.snapshots.map((s, k) => ({ ...s, index: k * Math.floor(length / n), epoch: epoch[k * Math.floor(length / n)] }));
  return { ...doc, snapshots, series: { epoch, batch: epoch.map(() => null), weights } };
}

describe('report of a long run', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });
  expectNoLeaks();

  it('renders 50,000 snapshots in about the size of 2,000', async () => {
    const x = tf.randomUniform([64, 4], -1, 1, 'float32', 5);
    const y = tf.tidy(() => x.sum(1, true));
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 6, inputShape: [4], activation: 'tanh', name: 'long_report_a' }), tf.layers.dense({ units: 1, name: 'long_report_b' })] });
    model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
    const monitor = paramMonitor({ logger: false });
    await model.fit(x, y, { epochs: 40, batchSize: 64, callbacks: [monitor] });
    await monitor.dispose();
    const doc = monitor.toJSON();
    const small = renderReport(stretched(doc, 2_000), { title: 'small' });
    const large = renderReport(stretched(doc, 50_000), { title: 'large' });
    expect(large).toContain('<svg');
    expect(large.length).toBeLessThan(small.length * 1.5);
    tf.dispose([x, y]);
    model.dispose();
  });
});

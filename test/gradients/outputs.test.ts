/**
 * A run recorded with `gradients: true`, as the user reads it back: the file loads (schema v3),
 * the series hold every snapshot's gradient figures, `summary` shows the gradient norm and the
 * update ratio, `alerts` lists a gradient alert, and the report draws a gradient norm chart per
 * weight; a run without gradients shows none of it.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { loadHistory } from '../../src/history/load';
import { paramMonitor } from '../../src/monitor';
import { renderReport } from '../../src/report/render-report';
import { loadIris } from '../helpers/iris';
import { runCli } from '../helpers/run-cli';
import { expectNoLeaks } from '../helpers/tensor-leaks';
import { classifier, disposeAll } from './builders';

describe('a history with gradients', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gradients-out-'));
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });
  expectNoLeaks();
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function train(file: string, gradients: boolean, hiddenBias = 0): Promise<void> {
    const { xs, ys } = loadIris();
    const model = classifier(4, tf.train.sgd(0.05), hiddenBias);
    const monitor = paramMonitor({ logger: false, gradients, output: file });
    await model.fit(xs, ys, { epochs: 4, batchSize: 50, shuffle: false, callbacks: [monitor] });
    await monitor.dispose();
    disposeAll(model, xs, ys);
  }

  it('loads, with a gradient series as long as the snapshots', async () => {
    const file = path.join(dir, 'with.json');
    await train(file, true);
    const history = loadHistory(file);
    expect(history.schemaVersion).toBe(3);
    const kernel = history.weights[0].name;
    const series = history.series.gradients![kernel];
    expect(Object.keys(history.series.gradients!)).toEqual(history.weights.map((w) => w.name));
    expect(series.meanNorm).toHaveLength(5);
    // the snapshot at training start has no step before it; the others are their snapshots' figures
    expect(series.meanNorm).toEqual([null, ...history.snapshots.slice(1).map((s) => Number(s.gradients![kernel].meanNorm!.toPrecision(9)))]);
    expect(history.snapshots[4].gradients![history.weights[0].name].steps).toBe(3);
  });

  it('shows the gradient norm and the update ratio in `summary`, and a chart per weight in the report', () => {
    const file = path.join(dir, 'with.json');
    const { status, stdout } = runCli(['summary', file]);
    expect(status).toBe(0);
    expect(stdout).toMatch(/grad norm +update\/step +alerts/);
    const html = renderReport(loadHistory(file), { title: file });
    // this seed's ReLUs are all dead on raw iris: three weights get no gradient, drawn on a linear axis
    expect(html.match(/Gradient L2 norm since the previous snapshot/g)).toHaveLength(4);
    expect(html.match(/Gradient L2 norm since the previous snapshot \(log scale\)/g)).toHaveLength(1);
    expect(html).toContain('Update ratio |Δw| / |w| per step');
  });

  it('lists gradient alerts in `alerts --kind`', async () => {
    const file = path.join(dir, 'dead.json');
    await train(file, true, -8); // every hidden ReLU dead from the start
    const { status, stdout } = runCli(['alerts', file, '--kind', 'dead-units,gradient-vanishing']);
    expect(status).toBe(0);
    expect(stdout).toMatch(/dead-units.*dense_Dense\d+\/kernel: 8 of 8 units \(100%\) got no gradient/);
    expect(stdout).toMatch(/gradient-vanishing/);
  });

  it('shows none of it without the option', async () => {
    const file = path.join(dir, 'without.json');
    await train(file, false);
    const history = loadHistory(file);
    expect(history.series.gradients).toBeUndefined();
    expect(runCli(['summary', file]).stdout).not.toMatch(/grad norm/);
    expect(renderReport(history, { title: file })).not.toContain('Gradient L2 norm');
  });
});

/**
 * A custom loop's history read back: snapshots, alerts and runs carry `step`, and the log, the
 * `summary` and `alerts` commands and the HTML report show steps where there are no epochs. A
 * version 2 file (before steps) still loads. Real run: `trainOnBatch` on iris with a frozen
 * layer that a bug writes with `setWeights` mid-run.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { loadHistory, paramMonitor } from '../../src';
import { renderReport } from '../../src/report/render-report';
import { createConsoleLogger } from '../../src/log/log-sink';
import { loadIris } from '../helpers/iris';
import { runCli } from '../helpers/run-cli';
import { expectNoLeaks } from '../helpers/tensor-leaks';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pm-steps-'));
const file = path.join(tmp, 'loop.json');
const logFile = path.join(tmp, 'loop.jsonl');

describe('a custom loop history in the log, the command and the report', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });
  expectNoLeaks(); // from before the training run
  beforeAll(async () => {
    const { xs, ys } = loadIris();
    const model = tf.sequential({ name: 'iris_loop' });
    model.add(tf.layers.dense({ units: 8, activation: 'relu', inputShape: [4], name: 'frozen_base', trainable: false, kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }));
    model.add(tf.layers.dense({ units: 3, activation: 'softmax', name: 'head', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }));
    model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
    const monitor = paramMonitor({ model, everySteps: 5, output: file, logFile, logger: false });
    await monitor.attach();
    for (let step = 1; step <= 20; step += 1) {
      if (step === 12) {
        const base = model.getLayer('frozen_base');
        const moved = tf.tidy(() => base.getWeights().map((w) => w.add(0.1)));
        base.setWeights(moved); // a bug: a frozen layer written mid-run
        tf.dispose(moved);
      }
      await model.trainOnBatch(xs, ys);
    }
    await monitor.detach();
    await monitor.dispose();
    tf.dispose([xs, ys]);
    model.optimizer.dispose();
    model.dispose();
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('records the step of snapshots, alerts and the run', () => {
    const history = loadHistory(file);
    expect(history.schemaVersion).toBe(3);
    expect(history.series.step).toEqual([0, 5, 10, 15, 20]);
    expect(history.series.epoch).toEqual([0, 0, 0, 0, 0]);
    expect(history.runs).toEqual([expect.objectContaining({ startEpoch: 0, endEpoch: 0, startStep: 0, endStep: 20 })]);
    const caught = history.alerts.filter((a) => a.kind === 'changed-while-frozen' && a.status === 'started');
    expect(caught.map((a) => [a.weight, a.step])).toEqual([['frozen_base/kernel', 15], ['frozen_base/bias', 15]]);
    expect(caught[0].message).toMatch(/\(step 15\)$/);
  });

  it('logs each snapshot at its step', () => {
    const lines = fs.readFileSync(logFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const snapshots = lines.filter((r) => r.event === 'snapshot');
    expect(snapshots.map((r) => r.step)).toEqual([0, 5, 10, 15, 20]);
    expect(snapshots[0].message).toMatch(/^step 0 \(initial weights\) \| 4 weights \|/);
    expect(snapshots[3].message).toMatch(/^step 15 \| 4 weights \| max drift [\d.]+ \([a-z_]+\/[a-z]+\) \| alerts: 0 error, 2 warn \|/);
    expect(lines.filter((r) => r.event === 'weight')[0].message).toMatch(/^step 0 frozen_base\/kernel: mean /);
  });

  it('names the model in the default console logger, so two monitors side by side read apart', () => {
    const MESSAGE = Symbol.for('message');
    const line = (name?: string) => (createConsoleLogger(name).format.transform({ level: 'info', message: 'hello' }) as Record<symbol, string>)[MESSAGE];
    expect(line('discriminator')).toBe('[param-monitor discriminator] info: hello');
    expect(line()).toBe('[param-monitor] info: hello');
  });

  it('shows steps in `summary` and `alerts`', () => {
    const summary = runCli(['summary', file]);
    expect(summary.status).toBe(0);
    expect(summary.stdout.split('\n')[1]).toBe('1 custom loop (attach), steps 0-20, 5 snapshots; alerts: 0 error, 2 warn, 2 info');
    const alerts = runCli(['alerts', file, '--kind', 'changed-while-frozen']);
    expect(alerts.status).toBe(0);
    expect(alerts.stdout).toMatch(/^ *when +severity +kind/);
    expect(alerts.stdout).toMatch(/step 15 +warn +changed-while-frozen +started +frozen_base\/kernel: is not trainable/);
  });

  it('draws the report along steps', () => {
    const html = renderReport(loadHistory(file), { title: 'loop' });
    expect(html).toContain('1 custom loop (attach), steps 0-20, 5 snapshots');
    expect(html).toContain('Distribution over steps');
    expect(html).toContain('>step 0</text>');
    expect(html).toContain('<span>step 0</span><span>step 20</span>');
    expect(html).not.toContain('>epoch 0<');
  });

  it('still loads a version 2 file (written before steps) as version 3', () => {
    const v3 = JSON.parse(fs.readFileSync(file, 'utf8'));
    const strip = ({ step: _step, ...rest }: { step?: number }) => rest;
    const v2 = {
      ...v3, schemaVersion: 2, options: { ...v3.options, everySteps: undefined },
      runs: v3.runs.map(({ startStep: _s, endStep: _e, ...run }: Record<string, unknown>) => run),
      snapshots: v3.snapshots.map(strip), alerts: v3.alerts.map(strip),
      series: { ...v3.series, step: undefined },
    };
    const old = path.join(tmp, 'v2.json');
    fs.writeFileSync(old, JSON.stringify(v2));
    const loaded = loadHistory(old);
    expect(loaded.schemaVersion).toBe(3);
    expect(loaded.series.step).toBeUndefined();
    expect(runCli(['summary', old]).stdout.split('\n')[1]).toBe('1 fit call, epochs 0-0, 5 snapshots; alerts: 0 error, 2 warn, 2 info');
  });
});

/**
 * The `output` file during training: written after the first snapshot, kept within its time
 * budget, complete after every write; a write that fails is logged once, training goes on, and
 * the history stays in memory for save(). The logFile on a full disk likewise.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Writable } from 'stream';
import * as tf from '@tensorflow/tfjs';
import * as winston from 'winston';
import { loadHistory, paramMonitor } from '../../src';
import { HistoryFile, OUTPUT_COST_FACTOR, OUTPUT_MIN_INTERVAL_MS } from '../../src/history/history-file';
import { HistoryOutput } from '../../src/history/history-output';
import { expectNoLeaks } from '../helpers/tensor-leaks';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pm-output-'));

function memoryLogger(): { logger: winston.Logger; records: Record<string, unknown>[] } {
  const records: Record<string, unknown>[] = [];
  const stream = new Writable({ objectMode: true, write(info, _e, done) { records.push(info); done(); } });
  return { logger: winston.createLogger({ level: 'info', transports: [new winston.transports.Stream({ stream })] }), records };
}

function tinyModel(name: string): tf.Sequential {
  const model = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [4], activation: 'tanh', name: `${name}_a` }), tf.layers.dense({ units: 1, name: `${name}_b` })] });
  model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
  return model;
}

/**
 * Resolves once `done()` holds. The writes it waits for are scheduled by the file's own cost
 * budget (`OUTPUT_COST_FACTOR` times the last write's duration): with the disk busy (a native
 * build or an install beside the suite) a write can take 100 ms and the next one come 5 s later,
 * so a fixed deadline failed under load, and left the test's tensors undisposed. It waits as long
 * as the schedule says, up to a minute, and then fails saying what it waited for.
 */
async function eventually(done: () => boolean, what: string): Promise<void> {
  const limit = performance.now() + 60_000;
  while (!done()) {
    if (performance.now() > limit) throw new Error(`waited a minute for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A callback after the monitor that reads the output file at every hook. */
function reader(file: string, seen: number[]): tf.CustomCallback {
  const read = async () => {
    seen.push(fs.existsSync(file) ? loadHistory(file).series.epoch.length : 0);
  };
  return new tf.CustomCallback({ onTrainBegin: read, onEpochEnd: read });
}

describe('output file', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });
  expectNoLeaks();
  const x = () => tf.randomUniform([32, 4], -1, 1, 'float32', 7);
  const y = () => tf.randomUniform([32, 1], -1, 1, 'float32', 8);

  it('holds the initial snapshot once training starts, and every snapshot after each fit and dispose', async () => {
    const file = path.join(tmp, 'runs', 'exp1', 'params.json');
    const model = tinyModel('out1');
    const [xs, ys] = [x(), y()];
    const seen: number[] = [];
    const monitor = paramMonitor({ logger: false, output: file });
    const started = performance.now();
    await model.fit(xs, ys, { epochs: 60, batchSize: 32, callbacks: [monitor, reader(file, seen)] });
    const seconds = (performance.now() - started) / 1000;
    expect(seen[0]).toBe(1);
    // The end of the fit is written as soon as the cost budget allows: at once, or by a timer.
    await eventually(() => loadHistory(file).series.epoch.length === 61, 'the end of the fit in the file');
    expect(loadHistory(file).series.epoch).toHaveLength(61);
    // Unforced writes: at most one a second, so the file did not change at every epoch.
    const changes = new Set(seen).size;
    expect(changes).toBeLessThanOrEqual(2 + Math.ceil(seconds / (OUTPUT_MIN_INTERVAL_MS / 1000)));
    // A short second fit's end is written when the cost budget allows; dispose writes it all.
    await model.fit(xs, ys, { epochs: 2, batchSize: 32, callbacks: [monitor] });
    await monitor.dispose();
    expect(loadHistory(file).runs).toHaveLength(2);
    expect(loadHistory(file)).toEqual(monitor.toJSON());
    tf.dispose([xs, ys]);
    model.dispose();
  });

  it('logs a failed write once, trains on, writes again when it can, and keeps the history for save()', async () => {
    const folder = path.join(tmp, 'vanishing');
    const file = path.join(folder, 'params.json');
    const model = tinyModel('out2');
    const [xs, ys] = [x(), y()];
    const { logger, records } = memoryLogger();
    const monitor = paramMonitor({ logger, output: file });
    const removeFolder = new tf.CustomCallback({ onEpochEnd: async (epoch) => { if (epoch === 1) fs.rmSync(folder, { recursive: true }); } });
    const history = await model.fit(xs, ys, { epochs: 4, batchSize: 32, callbacks: [monitor, removeFolder] });
    expect(history.epoch).toEqual([0, 1, 2, 3]);
    // The end of the fit is written as soon as the cost budget allows (by a timer), and fails.
    await eventually(() => records.some((r) => r.event === 'output-error'), 'the failed write of the end of the fit');
    await model.fit(xs, ys, { epochs: 1, batchSize: 32, callbacks: [monitor] });
    const errors = records.filter((r) => r.event === 'output-error');
    expect(errors).toHaveLength(1);
    expect(errors[0].level).toBe('error');
    expect(errors[0].message).toMatch(new RegExp(`^could not write the history file ${file}: ENOENT.*Training goes on; the history is kept in memory \\(monitor.save\\(\\) writes it\\)$`));
    const elsewhere = path.join(tmp, 'saved.json');
    monitor.save(elsewhere);
    expect(loadHistory(elsewhere).series.epoch).toHaveLength(6);
    fs.mkdirSync(folder);
    await monitor.dispose();
    expect(records.filter((r) => r.event === 'output-recovered')).toHaveLength(1);
    expect(loadHistory(file).series.epoch).toHaveLength(6);
    tf.dispose([xs, ys]);
    model.dispose();
  });

  it('save() names the file it cannot write, and needs a path without `output`', () => {
    const monitor = paramMonitor({ logger: false });
    expect(() => monitor.save()).toThrow(/save\(\) takes the path of the file to write \(or the monitor's `output` option\), but got undefined\./);
    expect(() => monitor.save(path.join(tmp, 'no', 'such', 'dir.json'))).toThrow(/tfjs-param-monitor could not save the history to .*no\/such\/dir\.json: ENOENT/);
  });

  it('a logFile on a full disk is reported once through the logger and training goes on', async () => {
    const model = tinyModel('out3');
    const [xs, ys] = [x(), y()];
    const { logger, records } = memoryLogger();
    const monitor = paramMonitor({ logger, logFile: '/dev/full' });
    const history = await model.fit(xs, ys, { epochs: 3, batchSize: 32, callbacks: [monitor] });
    await monitor.dispose();
    expect(history.epoch).toHaveLength(3);
    const errors = records.filter((r) => r.event === 'logFile-error');
    expect(errors.map((r) => r.message)).toEqual([expect.stringMatching(/^could not write the log file \/dev\/full: ENOSPC.*; it gets no more records$/)]);
    expect(records.filter((r) => r.event === 'snapshot')).toHaveLength(4);
    tf.dispose([xs, ys]);
    model.dispose();
  });
});

describe('HistoryOutput after failed writes', () => {
  it('writes an unchanged document again once writes work, however many failed in between', () => {
    const folder = fs.mkdtempSync(path.join(tmp, 'again-'));
    const file = path.join(folder, 'params.json');
    const reports: string[] = [];
    const doc = paramMonitor({ logger: false }).toJSON();
    const output = new HistoryOutput(file, () => 1, () => doc, (level, message) => reports.push(`${level}: ${message}`));
    fs.rmSync(folder, { recursive: true });
    output.write('now');
    output.write('now');
    fs.mkdirSync(folder);
    output.close();
    expect(reports.map((r) => r.split(':')[0])).toEqual(['error', 'info']);
    expect(loadHistory(file)).toEqual(doc);
  });
});

describe('HistoryFile time budget', () => {
  it('writes at most once a second, and waits 50x the last write when writes are slow', () => {
    let now = 0;
    const out = new HistoryFile(path.join(tmp, 'budget.json'), () => now);
    expect(out.due()).toBe(true);
    out.write(() => '{}');
    now += OUTPUT_MIN_INTERVAL_MS - 1;
    expect(out.due()).toBe(false);
    now += 1;
    expect(out.due()).toBe(true);
    out.write(() => { now += 200; return '{}'; });
    now += OUTPUT_MIN_INTERVAL_MS;
    expect(out.due()).toBe(false);
    now += OUTPUT_COST_FACTOR * 200 - OUTPUT_MIN_INTERVAL_MS;
    expect(out.due()).toBe(true);
    expect(out.writes).toBe(2);
    expect(out.totalWriteMs).toBe(200);
  });

  it("lets an alert's write wait only for the cost limit", () => {
    let now = 0;
    const out = new HistoryFile(path.join(tmp, 'soon.json'), () => now);
    out.write(() => { now += 10; return '{}'; });
    now += OUTPUT_COST_FACTOR * 10 - 1;
    expect([out.due('soon'), out.due()]).toEqual([false, false]);
    now += 1;
    expect([out.due('soon'), out.due()]).toEqual([true, false]);
  });
});

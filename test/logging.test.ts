/**
 * What the monitor logs, through real winston loggers: a user's logger (and a child of it) with
 * an in-memory transport, the JSON-lines `logFile`, `logger: false`, and the default console
 * logger in a child process.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Writable } from 'stream';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import * as winston from 'winston';
import { paramMonitor } from '../src';
import { expectNoLeaks } from './helpers/tensor-leaks';

type Info = winston.Logform.TransformableInfo & Record<string, unknown>;

/** A real winston logger whose records land in an array. */
function memoryLogger(level = 'info'): { logger: winston.Logger; records: Info[] } {
  const records: Info[] = [];
  const stream = new Writable({
    objectMode: true,
    write(info: Info, _encoding, done) {
      records.push(info);
      done();
    },
  });
  const logger = winston.createLogger({ level, transports: [new winston.transports.Stream({ stream })] });
  return { logger, records };
}

/** tfjs names variables uniquely per process: each test names its layers itself. */
function deadModel(prefix: string): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 4, inputShape: [3], activation: 'relu', kernelInitializer: 'zeros', name: `${prefix}_dead` }));
  model.add(tf.layers.dense({ units: 1, name: `${prefix}_head` }));
  model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
  return model;
}

const data = () => ({ x: tf.randomUniform([64, 3], -1, 1, 'float32', 1), y: tf.randomUniform([64, 1], -1, 1, 'float32', 2) });

describe('logging', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
  });
  expectNoLeaks();

  it('a user logger gets the census, one info line per snapshot, alerts at their level, and a closing table', async () => {
    const { logger, records } = memoryLogger();
    const model = deadModel('log');
    const { x, y } = data();
    const monitor = paramMonitor({ logger });
    await model.fit(x, y, { epochs: 4, batchSize: 32, callbacks: [monitor] });
    await monitor.dispose();

    const census = records.filter((r) => r.event === 'census');
    expect(census).toHaveLength(1);
    expect(census[0]).toMatchObject({ level: 'info', totalParams: 21, trainableParams: 21, nonTrainableParams: 0 });
    expect(census[0].message).toMatch(/21 params \(21 trainable, 0 non-trainable\) in 2 layers; watching 4 weights on backend wasm/);

    const lines = records.filter((r) => r.event === 'snapshot');
    expect(lines.map((r) => [r.level, r.epoch])).toEqual([['info', 0], ['info', 1], ['info', 2], ['info', 3], ['info', 4]]);
    expect(lines[0].message).toMatch(/^epoch 0 \(initial weights\) \| 4 weights \| max drift - \| alerts: 0 error, 0 warn \| (\d\.\d|\d{2,}) ms$/);
    expect(lines[2].message).toMatch(/^epoch 2 \| 4 weights \| max drift [\d.e+-]+ \(log_head\/(kernel|bias)\) \| alerts: 0 error, \d warn \| (\d\.\d|\d{2,}) ms$/);

    const dead = records.find((r) => r.event === 'alert' && r.kind === 'dead')!;
    expect(dead).toMatchObject({ level: 'warn', weight: 'log_dead/kernel', epoch: 1, value: 1, threshold: 1, status: 'started', layer: 'log_dead' });
    expect(dead.message).toMatch(/log_dead\/kernel/);

    const summary = records.filter((r) => r.event === 'summary');
    expect(summary).toHaveLength(1);
    const rows = String(summary[0].message).split('\n');
    expect(rows[0]).toBe('parameter summary (4 weights, 4 trainable)');
    expect(rows[1].split(/\s+/)).toEqual(['layer', 'class', 'params', 'mean', 'std', 'drift', 'alerts']);
    expect(rows[2]).toMatch(/^log_dead\s+Dense\s+16\s+0\s+0\s+0\s+[1-9]/);
    expect(rows[3]).toMatch(/^log_head\s+Dense\s+5\s/);
    // per-weight details are debug records, filtered out at level info
    expect(records.filter((r) => r.event === 'weight')).toEqual([]);
    model.dispose();
    tf.dispose([x, y]);
  });

  it('per-weight details at debug, with queryable metadata; a child logger keeps its own fields', async () => {
    const { logger, records } = memoryLogger('debug');
    const model = deadModel('debug');
    const { x, y } = data();
    const monitor = paramMonitor({ logger: logger.child({ run: 'exp-7' }) });
    await model.fit(x, y, { epochs: 1, callbacks: [monitor] });
    await monitor.dispose();
    const details = records.filter((r) => r.event === 'weight');
    expect(details).toHaveLength(8); // 4 weights x 2 snapshots
    expect(details.every((r) => r.level === 'debug' && r.run === 'exp-7')).toBe(true);
    const kernel = details.find((r) => r.weight === 'debug_dead/kernel' && r.epoch === 1)!;
    expect(kernel).toMatchObject({ mean: 0, zeroFraction: 1, count: 12 });
    expect(kernel.message).toMatch(/^epoch 1 debug_dead\/kernel: mean 0 std 0 /);
    expect(records.every((r) => r.run === 'exp-7' && r.source === 'tfjs-param-monitor')).toBe(true);
    model.dispose();
    tf.dispose([x, y]);
  });

  it('logFile writes every record as a JSON line, next to the user logger', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'param-monitor-'));
    const file = path.join(dir, 'monitor.jsonl');
    const { logger, records } = memoryLogger();
    const model = deadModel('file');
    const { x, y } = data();
    const monitor = paramMonitor({ logger, logFile: file });
    await model.fit(x, y, { epochs: 2, callbacks: [monitor] });
    await monitor.dispose();
    const lines = fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.filter((l) => l.event === 'snapshot').map((l) => l.epoch)).toEqual([0, 1, 2]);
    expect(lines.filter((l) => l.event === 'weight')).toHaveLength(12); // the file logs at debug
    expect(lines.every((l) => typeof l.timestamp === 'string' && typeof l.level === 'string')).toBe(true);
    expect(records.filter((r) => r.event === 'snapshot')).toHaveLength(3);

    fs.rmSync(dir, { recursive: true });
    model.dispose();
    tf.dispose([x, y]);
  });

  it('a logger that throws never stops training', async () => {
    const broken = winston.createLogger({
      format: winston.format((() => { throw new Error('format exploded'); }) as never)(),
      transports: [new winston.transports.Stream({ stream: new Writable({ objectMode: true, write: (_c, _e, done) => done() }) })],
    });
    const model = deadModel('broken');
    const { x, y } = data();
    const monitor = paramMonitor({ logger: broken });
    await model.fit(x, y, { epochs: 2, callbacks: [monitor] });
    expect(monitor.toJSON().snapshots).toHaveLength(3);
    expect(monitor.toJSON().alerts.filter((a) => a.kind === 'monitor-error')).toEqual([]);
    await monitor.dispose();
    model.dispose();
    tf.dispose([x, y]);
  });

  it('logFile with `logger: false` writes the file only', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'param-monitor-'));
    const file = path.join(dir, 'only.jsonl');
    const model = deadModel('fileonly');
    const { x, y } = data();
    const monitor = paramMonitor({ logger: false, logFile: file });
    await model.fit(x, y, { epochs: 1, callbacks: [monitor] });
    await monitor.dispose();
    const events = fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l).event);
    expect(events.filter((e) => e === 'snapshot')).toHaveLength(2);
    fs.rmSync(dir, { recursive: true });
    model.dispose();
    tf.dispose([x, y]);
  });

  const consoleRun = (options: string) => {
    const script = [
      "const tf = require('@tensorflow/tfjs');",
      "const { paramMonitor } = require('tfjs-param-monitor');",
      '(async () => {',
      "  await tf.setBackend('cpu');",
      "  const model = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3], name: 'console_dense' })] });",
      "  model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });",
      `  const monitor = paramMonitor(${options});`,
      '  await model.fit(tf.ones([8, 3]), tf.zeros([8, 2]), { epochs: 2, callbacks: [monitor] });',
      '  await monitor.dispose();',
      '})();',
    ].join('\n');
    const out = execFileSync(process.execPath, ['-e', script], { cwd: path.join(__dirname, '..'), encoding: 'utf8' });
    return out.split('\n').filter((l) => l.includes('param-monitor'));
  };

  it('the default logger prints readable lines on the console; `logger: false` prints nothing', () => {
    const lines = consoleRun('');
    expect(lines[0]).toMatch(/^\[param-monitor\] info: model \S+: 8 params \(8 trainable, 0 non-trainable\) in 1 layers; watching 2 weights on backend cpu$/);
    expect(lines[1]).toMatch(/^\[param-monitor\] info: epoch 0 \(initial weights\) \| 2 weights \|/);
    expect(lines.filter((l) => /info: epoch \d \|/.test(l))).toHaveLength(2);
    expect(lines.some((l) => l.includes('parameter summary (2 weights, 2 trainable)'))).toBe(true);
    expect(consoleRun('{ logger: false }')).toEqual([]);
  });
});

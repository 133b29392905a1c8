/**
 * Files on disk survive the process: a training child killed with SIGKILL at varied moments
 * leaves an `output` file that loadHistory accepts, holding at least every snapshot the child
 * saw written before the kill, and a logFile whose lines all parse but at most a torn last one.
 * A child that exits right after `await monitor.dispose()` loses no log record.
 * The children run the built package (npm test builds dist/ first).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadHistory } from '../../src';
import { runChildUntil } from '../helpers/kill-child';
import { expectNoLeaks } from '../helpers/tensor-leaks';

const child = path.join(__dirname, '..', 'helpers', 'train-child.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pm-kill-'));

interface Outcome { written: number; stdout: string; code: number | null; signal: NodeJS.Signals | null }

/** Runs the child; `killWhen` sees each stdout line and the ms since 'training' and says when to kill. */
async function runChild(args: string[], killWhen: (line: string, ms: number) => boolean): Promise<Outcome> {
  const { count, ...rest } = await runChildUntil(child, args, /^written (\d+)$/, 20, killWhen);
  return { written: count, ...rest };
}

/** A child script (for `node -e`) that trains a small dense model on cpu with the built package: `body` runs after compile. */
function smallModelScript(body: string): string {
  return `
      const tf = require('@tensorflow/tfjs');
      const { paramMonitor } = require(${JSON.stringify(path.join(__dirname, '..', '..', 'dist'))});
      (async () => {
        await tf.setBackend('cpu');
        const model = tf.sequential({ layers: [tf.layers.dense({ units: 4, inputShape: [3] }), tf.layers.dense({ units: 1 })] });
        model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
${body}
      })();`;
}

function logLines(file: string): { records: Record<string, unknown>[]; torn: number } {
  const text = fs.readFileSync(file, 'utf8');
  const lines = text.split('\n');
  const last = lines.pop() as string;
  const records = lines.map((line) => JSON.parse(line));
  return { records, torn: last === '' ? 0 : 1 };
}

describe('files after the process ends', () => {
  expectNoLeaks();

  const moments: [string, (line: string, ms: number) => boolean][] = [
    ['before the first snapshot (the monitor exists, fit is called)', (line) => line === 'training'],
    ['as soon as the first write is seen', (line) => line === 'written 1'],
    ['after the second write', (line) => /^written ([2-9]|\d\d+)/.test(line)],
    ['150 ms into training', (_l, ms) => ms >= 150],
    ['700 ms into training', (_l, ms) => ms >= 700],
    ['1,300 ms into training', (_l, ms) => ms >= 1300],
    ['2,100 ms into training', (_l, ms) => ms >= 2100],
  ];

  it.each(moments)('SIGKILL %s leaves a loadable history with every snapshot seen written, and whole log lines', async (name, when) => {
    const dir = fs.mkdtempSync(path.join(tmp, 'k-'));
    const output = path.join(dir, 'params.json');
    const logFile = path.join(dir, 'monitor.jsonl');
    // 150 epochs outlast every kill moment, whatever the machine's speed.
    const outcome = await runChild([output, logFile, '150', '1', 'end'], when);
    expect({ moment: name, signal: outcome.signal }).toEqual({ moment: name, signal: 'SIGKILL' });
    const history = loadHistory(output);
    expect(history.series.epoch.length).toBeGreaterThanOrEqual(outcome.written);
    expect(history.snapshots.map((s) => s.index).slice(0, 1)).toEqual(history.series.epoch.length > 0 ? [0] : []);
    const { records, torn } = logLines(logFile);
    expect(torn).toBeLessThanOrEqual(1);
    expect(records.filter((r) => r.event === 'snapshot').length).toBeGreaterThanOrEqual(history.series.epoch.length);
  });

  it('a child that exits right after await monitor.dispose() loses no record', async () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'exit-'));
    const output = path.join(dir, 'params.json');
    const logFile = path.join(dir, 'monitor.jsonl');
    const outcome = await runChild([output, logFile, '30', '0', 'exit'], () => false);
    expect(outcome.code).toBe(0);
    expect(outcome.stdout).toMatch(/disposed\n$/);
    const { records, torn } = logLines(logFile);
    expect(torn).toBe(0);
    expect(records.filter((r) => r.event === 'snapshot').map((r) => r.epoch)).toEqual(Array.from({ length: 31 }, (_, i) => i));
    expect(records[records.length - 1]).toMatchObject({ event: 'summary', level: 'info' });
    const history = loadHistory(output);
    expect(history.series.epoch).toHaveLength(31);
    expect(history.runs[0].endEpoch).toBe(30);
  });

  it('a short last fit, whose write waits on the cost budget, is written at process exit', () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'exit-flush-'));
    const output = path.join(dir, 'params.json');
    // A long first fit makes the document (and so the wait after its write) large; the second fit
    // ends well within that wait, its write deferred to a timer that does not keep node alive.
    const script = smallModelScript(`
        const x = tf.ones([400, 3]);
        const y = tf.zeros([400, 1]);
        const monitor = paramMonitor({ logger: false, output: ${JSON.stringify(output)}, everyBatches: 1 });
        await model.fit(x, y, { epochs: 1, batchSize: 1, callbacks: [monitor] });
        await model.fit(x.slice(0, 1), y.slice(0, 1), { epochs: 1, batchSize: 1, callbacks: [monitor] });`);
    execFileSync(process.execPath, ['-e', script], { cwd: path.join(__dirname, '..', '..') });
    const history = loadHistory(output);
    expect(history.runs.map((r) => r.endEpoch)).toEqual([1, 2]);
    expect(history.series.epoch).toHaveLength(402);
  });

  it('a child that calls process.exit() mid-fit, a batch snapshot in flight on the worker, writes that snapshot at exit', () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'exit-in-flight-'));
    const output = path.join(dir, 'params.json');
    // Batch 1's snapshot is on the worker when the script exits; nothing else changed since the
    // file was written (after the snapshot at training start).
    const script = smallModelScript(`
        const monitor = paramMonitor({ logger: false, output: ${JSON.stringify(output)}, everyBatches: 1, thread: 'worker' });
        const quit = new tf.CustomCallback({ onBatchEnd: async () => process.exit(0) });
        await model.fit(tf.ones([8, 3]), tf.zeros([8, 1]), { epochs: 1, batchSize: 4, callbacks: [monitor, quit] });`);
    execFileSync(process.execPath, ['-e', script], { cwd: path.join(__dirname, '..', '..') });
    expect(loadHistory(output).snapshots.map((s) => s.batch ?? 0)).toEqual([0, 1]);
  });

  it('a child that never calls dispose() loses no record either', async () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'nodispose-'));
    const output = path.join(dir, 'params.json');
    const logFile = path.join(dir, 'monitor.jsonl');
    const outcome = await runChild([output, logFile, '20', '0', 'no-dispose'], () => false);
    expect([outcome.code, outcome.stdout.endsWith('trained\n')]).toEqual([0, true]);
    const { records, torn } = logLines(logFile);
    expect(torn).toBe(0);
    expect(records.filter((r) => r.event === 'snapshot').map((r) => r.epoch)).toEqual(Array.from({ length: 21 }, (_, i) => i));
    expect(loadHistory(output).runs[0].endEpoch).toBe(20);
  });

  it.each(['no-dispose', 'exit'])('a child that snapshots every batch on the measuring worker ends (%s) and loses no record', async (ending) => {
    const dir = fs.mkdtempSync(path.join(tmp, `worker-${ending}-`));
    const output = path.join(dir, 'params.json');
    const logFile = path.join(dir, 'monitor.jsonl');
    const outcome = await runChild([output, logFile, '3', '1', ending], () => false); // 8 batches an epoch
    expect(outcome.code).toBe(0);
    const { records, torn } = logLines(logFile);
    expect(torn).toBe(0);
    const batches = Array.from({ length: 24 }, (_, i) => i + 1);
    expect(records.filter((r) => r.event === 'snapshot').map((r) => r.batch ?? 0)).toEqual([0, ...batches]);
    const history = loadHistory(output);
    expect(history.snapshots.map((s) => s.batch ?? 0)).toEqual([0, ...batches]);
    expect(history.runs[0].endEpoch).toBe(3);
  });
});

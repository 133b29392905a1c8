/**
 * The TensorBoard writer thread as a training script meets it, in child processes running the
 * built package (dist/) on real MNIST digits, a snapshot every batch: a script that ends without
 * `dispose()` (its end, `process.exit`, an error) still leaves every snapshot's event, whole; a
 * disk that refuses a write (a file size limit, `ulimit -f`) is reported once in the log while
 * training goes on and the file keeps whole records; a bundle that lacks the writer's script
 * falls back to writing on the training thread and says so. In this process: the training thread
 * makes no file system call per snapshot, the writer writes while training runs with nobody
 * waking it, and `dispose()` returns with every event written and the file closed.
 */
import { spawnSync } from 'child_process';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { paramMonitor } from '../../src';
import { eventFilesIn, readEventFile } from '../helpers/event-file-reader';
import { opsOnFirstOpen, recordFsCalls } from '../helpers/fs-calls';
import { loadIris } from '../helpers/iris';
import { descriptorsOpenOn } from '../helpers/open-files';
import { expectNoLeaks } from '../helpers/tensor-leaks';
import fs = require('fs');

const root = path.join(__dirname, '..', '..');
const child = path.join(root, 'test', 'helpers', 'tensorboard-child.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pm-tb-writer-'));

afterEach(() => {
  jest.restoreAllMocks();
});

afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

interface Run { code: number | null; stdout: string; stderr: string }

/** Runs the training child to its end; `fileLimitKb` sets `ulimit -f` (KB) for it. */
function runChild(args: string[], options: { fileLimitKb?: number; env?: Record<string, string> } = {}): Run {
  const limit = options.fileLimitKb === undefined ? '' : `ulimit -f ${options.fileLimitKb}; `;
  const run = spawnSync('bash', ['-c', `${limit}exec "$0" "$@"`, process.execPath, child, ...args], {
    encoding: 'utf8', env: { ...process.env, ...options.env }, timeout: 120_000,
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** The events of the folder's one event file: whole, and the steps of one event per snapshot. */
function eventsIn(folder: string): { steps: number[]; tornBytes: number } {
  const files = eventFilesIn(folder);
  expect(files).toHaveLength(1);
  const { events, tornBytes } = readEventFile(files[0]);
  expect(events[0].fileVersion).toBe('brain.Event:2');
  return { steps: events.slice(1).map((e) => e.step), tornBytes };
}

const logRecords = (file: string) => fs.readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);

/** The initial snapshot and 8 batch snapshots an epoch (400 digits in batches of 50). */
const stepsOf = (epochs: number) => Array.from({ length: 8 * epochs + 1 }, (_, i) => i);

describe('a training script with the writer thread', () => {
  expectNoLeaks();

  it.each([
    ['ends when nothing is left to do, never calling dispose()', 'none', 0],
    ['calls process.exit(0) right after fit, never calling dispose()', 'exit', 0],
    ['fails after fit with an error, never calling dispose()', 'throw', 1],
  ])('that %s leaves every snapshot\'s event, no torn byte', (_name, end, code) => {
    const folder = path.join(tmp, `end-${end}`);
    const run = runChild([folder, '2', 'main', end]);
    expect(run.stdout).toMatch(/trained\n$/);
    expect(run.code).toBe(code);
    expect(eventsIn(folder)).toEqual({ steps: stepsOf(2), tornBytes: 0 });
  });

  it('reports a write the disk refuses once in the log, keeps whole records, and training goes on', () => {
    const folder = path.join(tmp, 'limited');
    // 48 KB: the event file (about 4 KB a snapshot with its histograms) reaches it in the second
    // epoch. The log goes to the console, which the limit does not touch.
    const run = runChild([folder, '3', 'main', 'dispose', '-'], { fileLimitKb: 48 });
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    const errors = lines.filter((line) => line.includes('could not write the TensorBoard event file'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/error: could not write the TensorBoard event file .*tfevents.*: EFBIG: file too large, write\. Training goes on; the file gets no more events/);
    // Training went on to its last batch, logged after the error.
    expect(lines.findIndex((line) => line.includes('epoch 2 batch 24 |'))).toBeGreaterThan(lines.indexOf(errors[0]));
    expect(run.stdout).toMatch(/disposed \d+\n$/);
    const { steps, tornBytes } = eventsIn(folder);
    // Whole events up to the refused one, in order; at most the refused one torn.
    expect(steps.length).toBeGreaterThan(2);
    expect(steps.length).toBeLessThan(stepsOf(3).length);
    expect(steps).toEqual(stepsOf(3).slice(0, steps.length));
    expect(tornBytes).toBeLessThan(8192);
  });

  it('falls back to the training thread when a bundle lacks the writer\'s script, and says so', () => {
    const dist = path.join(tmp, 'bundle', 'dist');
    fs.cpSync(path.join(root, 'dist'), dist, { recursive: true });
    fs.copyFileSync(path.join(root, 'package.json'), path.join(dist, '..', 'package.json'));
    fs.rmSync(path.join(dist, 'tensorboard', 'write-worker.js'));
    const folder = path.join(tmp, 'fallback');
    const logFile = path.join(tmp, 'fallback.jsonl');
    const run = runChild([folder, '1', 'main', 'dispose', logFile], { env: { PM_DIST: dist, NODE_PATH: path.join(root, 'node_modules') } });
    expect(run.code).toBe(0);
    const notes = logRecords(logFile).filter((r) => r.event === 'tensorboard-writer-fallback');
    expect(notes).toHaveLength(1);
    expect(notes[0].message).toMatch(/the TensorBoard writer thread did not start \(.*write-worker\.js.*\), so the training thread writes the event file/);
    expect(eventsIn(folder)).toEqual({ steps: stepsOf(1), tornBytes: 0 });
  });
});

describe('the training thread and the writer thread', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });
  expectNoLeaks();

  it('the training thread makes no file call per snapshot; the writer writes during training, unwoken', async () => {
    const folder = path.join(tmp, 'unwoken');
    const calls = recordFsCalls();
    const inFile: number[] = [];
    const { xs, ys } = loadIris();
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [4], activation: 'softmax' })] });
    model.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
    const monitor = paramMonitor({ logger: false, tensorboard: folder, everyBatches: 1, thread: 'main' });
    let expected = 2; // the file version and the initial snapshot, then one event a batch
    const watch = new tf.CustomCallback({
      onBatchEnd: async () => {
        expected += 1;
        // Wait for the writer's poll (every 10 ms here), nobody waking it; give up after 10 s.
        const until = Date.now() + 10_000;
        let events = 0;
        while ((events = readEventFile(eventFilesIn(folder)[0]).events.length) < expected && Date.now() < until) {
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
        inFile.push(events);
      },
    });
    await model.fit(xs, ys, { epochs: 1, batchSize: 50, verbose: 0, callbacks: [monitor, watch] });
    const [file] = eventFilesIn(folder);
    // On this thread: the file opened and its version written, nothing more until dispose().
    expect(opsOnFirstOpen(calls, file)).toEqual(['write']);
    await monitor.dispose();
    model.dispose();
    tf.dispose([xs, ys]);
    expect(inFile).toEqual([3, 4, 5]);
    expect(opsOnFirstOpen(calls, file)).toEqual(['write']);
  });

  it('dispose() returns with every event written and the file closed', async () => {
    const folder = path.join(tmp, 'disposed');
    const { xs, ys } = loadIris();
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [4], activation: 'softmax' })] });
    model.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
    const monitor = paramMonitor({ logger: false, tensorboard: folder, everyBatches: 1, thread: 'main' });
    await model.fit(xs, ys, { epochs: 4, batchSize: 50, verbose: 0, callbacks: [monitor] });
    const [file] = eventFilesIn(folder);
    expect(descriptorsOpenOn(file)).toBe(1);
    await monitor.dispose();
    model.dispose();
    tf.dispose([xs, ys]);
    expect(descriptorsOpenOn(file)).toBe(0);
    const { events, tornBytes } = readEventFile(file);
    expect(tornBytes).toBe(0);
    expect(events.slice(1).map((e) => e.step)).toEqual(Array.from({ length: 13 }, (_, i) => i));
  });
});

/**
 * Batch snapshots measured on the measuring worker (`thread: 'worker'`, the default with
 * `everyBatches`), through real `model.fit` runs: the same statistics as on the training thread,
 * checked against float64 from copies a probe takes at every batch; the work really overlaps the
 * next batch (the log line comes one batch later); `stopOn` acts one batch later; reading the
 * history mid-fit includes the batch just ended.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { Writable } from 'stream';
import * as winston from 'winston';
import { paramMonitor } from '../src';
import type { HistoryDocument } from '../src/history-types';
import { validateCoreOptions } from '../src/validate-options';
import { loadMnist } from './helpers/mnist';
import { compareStats, referenceStats } from './helpers/reference';
import { expectNoLeaks } from './helpers/tensor-leaks';
import { TEST_BACKENDS } from './helpers/backends';

type Weights = Map<string, Float32Array>;
const copyWeights = (model: tf.LayersModel): Weights => new Map(model.weights.map((w) => [w.name, Float32Array.from(w.read().dataSync())]));

function mlp(): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 16, activation: 'relu', inputShape: [784] }));
  model.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  return model;
}

/** A winston logger that records each snapshot line's batch with the batches the probe saw end by then. */
function snapshotLog(ended: () => number): { logger: winston.Logger; lines: { batch: number; ended: number }[] } {
  const lines: { batch: number; ended: number }[] = [];
  const stream = new Writable({
    objectMode: true,
    write(info: Record<string, unknown>, _encoding, done) {
      if (info.event === 'snapshot') lines.push({ batch: (info.batch as number | undefined) ?? 0, ended: ended() });
      done();
    },
  });
  return { logger: winston.createLogger({ transports: [new winston.transports.Stream({ stream })] }), lines };
}

/** A winston logger that records each record's event, with its batch for snapshots ("snapshot 3"). */
function eventLog(): { logger: winston.Logger; events: string[] } {
  const events: string[] = [];
  const stream = new Writable({
    objectMode: true,
    write(info: Record<string, unknown>, _encoding, done) {
      events.push(info.event === 'snapshot' ? `snapshot ${(info.batch as number | undefined) ?? 0}` : String(info.event));
      done();
    },
  });
  return { logger: winston.createLogger({ transports: [new winston.transports.Stream({ stream })] }), events };
}

describe.each(TEST_BACKENDS)('batch snapshots on the measuring worker, %s backend', (backend) => {
  beforeAll(async () => {
    await tf.setBackend(backend);
  });
  expectNoLeaks();

  it('record what the training thread records, exact against float64, one batch later', async () => {
    const { xs, ys } = loadMnist(256, { flat: true });
    const model = mlp();
    let ended = 0;
    const copies: Weights[] = [];
    const probe = new tf.CustomCallback({
      onTrainBegin: async () => { copies.push(copyWeights(model)); },
      onBatchEnd: async () => { ended += 1; copies.push(copyWeights(model)); },
    });
    const logs = { main: snapshotLog(() => ended), worker: snapshotLog(() => ended) };
    const onMain = paramMonitor({ everyBatches: 1, thread: 'main', logger: logs.main.logger });
    const onWorker = paramMonitor({ everyBatches: 1, thread: 'worker', logger: logs.worker.logger });
    await model.fit(xs, ys, { verbose: 0, epochs: 2, batchSize: 32, callbacks: [probe, onMain, onWorker] }); // 8 batches an epoch
    const [main, worker] = [onMain.toJSON(), onWorker.toJSON()];
    await Promise.all([onMain.dispose(), onWorker.dispose()]);
    model.dispose();
    tf.dispose([xs, ys]);

    const batches = Array.from({ length: 17 }, (_, i) => i);
    expect(worker.snapshots.map((s) => s.batch ?? 0)).toEqual(batches);
    expect(worker.snapshots.map((s) => s.stats)).toEqual(main.snapshots.map((s) => s.stats));
    const config = { bins: 30, zeroTolerance: 0 };
    const norm = (a: Float32Array) => referenceStats({ value: a }, config).stats.l2Norm;
    const errors = worker.snapshots.slice(1).flatMap((snapshot, i) => Object.entries(snapshot.stats).flatMap(([name, stats]) => {
      const [x, p, q] = [copies[i + 1].get(name)!, copies[i].get(name)!, copies[0].get(name)!];
      const ref = referenceStats({ value: x, previous: p, previousL2: norm(p), initial: q, initialL2: norm(q) }, config);
      return compareStats(stats, ref).map((m) => `${name} at batch ${snapshot.batch}: ${m}`);
    }));
    expect(errors).toEqual([]);

    // On the training thread each batch's line comes as the batch ends; from the worker, as the
    // next one ends (the last at the end of fit, when nothing follows).
    expect(logs.main.lines).toEqual(batches.map((b) => ({ batch: b, ended: b })));
    expect(logs.worker.lines).toEqual(batches.map((b) => ({ batch: b, ended: b === 0 ? 0 : Math.min(b + 1, 16) })));
  });

  it("'auto': the worker where training leaves a core idle, never on tensorflow; the training thread while it starts", async () => {
    const { xs, ys } = loadMnist(256, { flat: true });
    const model = mlp();
    let ended = 0;
    const probe = new tf.CustomCallback({ onBatchEnd: async () => { ended += 1; } });
    const logs = { main: snapshotLog(() => ended), auto: snapshotLog(() => ended) };
    const onMain = paramMonitor({ everyBatches: 1, thread: 'main', logger: logs.main.logger });
    const onAuto = paramMonitor({ everyBatches: 1, logger: logs.auto.logger });
    await model.fit(xs, ys, { verbose: 0, epochs: 2, batchSize: 32, callbacks: [probe, onMain, onAuto] });
    const [main, auto] = [onMain.toJSON(), onAuto.toJSON()];
    await Promise.all([onMain.dispose(), onAuto.dispose()]);
    model.dispose();
    tf.dispose([xs, ys]);

    expect(auto.snapshots.map((s) => s.stats)).toEqual(main.snapshots.map((s) => s.stats));
    const late = logs.auto.lines.map(({ batch, ended: at }) => at > batch);
    const workerUp = os.availableParallelism() >= 2 && backend !== 'tensorflow';
    expect(auto.options.thread).toBe(workerUp ? 'worker' : 'main');
    if (!workerUp) {
      expect(late.every((l) => !l)).toBe(true);
    } else {
      // On the training thread (on time) until the worker is up (when is up to the machine's
      // load: not asserted), then one batch later, for good.
      const first = late.indexOf(true);
      expect(late[0]).toBe(false);
      if (first > 0) expect(late.slice(first, -1).every((l) => l)).toBe(true);
      console.info(`thread 'auto' on ${backend}: the first ${first < 0 ? late.length : first} of ${late.length} snapshots on the training thread while the worker started`);
    }
  });

  it('records a batch snapshot when the next batch ends, whatever everyBatches', async () => {
    const { xs, ys } = loadMnist(128, { flat: true });
    const model = mlp();
    let ended = 0;
    const counter = new tf.CustomCallback({ onBatchEnd: async () => { ended += 1; } });
    const log = snapshotLog(() => ended);
    const monitor = paramMonitor({ everyBatches: 3, thread: 'worker', logger: log.logger });
    await model.fit(xs, ys, { verbose: 0, epochs: 1, batchSize: 16, callbacks: [counter, monitor] }); // 8 batches
    expect(log.lines).toEqual([{ batch: 0, ended: 0 }, { batch: 3, ended: 4 }, { batch: 6, ended: 7 }, { batch: 8, ended: 8 }]);
    await monitor.dispose();
    model.dispose();
    tf.dispose([xs, ys]);
  });

  it('dispose() mid-fit records the snapshot in flight before the summary', async () => {
    const { xs, ys } = loadMnist(128, { flat: true });
    const model = mlp();
    const { events, logger } = eventLog();
    const monitor = paramMonitor({ everyBatches: 1, thread: 'worker', logger });
    let ended = 0;
    const disposer = new tf.CustomCallback({ onBatchEnd: async () => { if (++ended === 3) await monitor.dispose(); } });
    await model.fit(xs, ys, { verbose: 0, epochs: 1, batchSize: 16, callbacks: [monitor, disposer] });
    expect(events).toEqual(['census', 'snapshot 0', 'snapshot 1', 'snapshot 2', 'snapshot 3', 'summary']);
    expect(monitor.toJSON().snapshots.map((s) => s.batch ?? 0)).toEqual([0, 1, 2, 3]);
    model.dispose();
    tf.dispose([xs, ys]);
  });

  it('a fit that ends with an exception: its last batch snapshot is recorded before the next fit begins', async () => {
    const { xs, ys } = loadMnist(128, { flat: true });
    const [first, second] = [mlp(), mlp()];
    const { events, logger } = eventLog();
    const monitor = paramMonitor({ everyBatches: 1, thread: 'worker', logger });
    let ended = 0;
    const failing = new tf.CustomCallback({ onBatchEnd: async () => { if (++ended === 2) throw new Error('a user callback failed'); } });
    tf.engine().startScope(); // tfjs leaves the aborted batch's tensors behind: disposed with the scope
    await expect(first.fit(xs, ys, { verbose: 0, epochs: 1, batchSize: 16, callbacks: [monitor, failing] })).rejects.toThrow(/a user callback failed/);
    tf.engine().endScope();
    await second.fit(xs, ys, { verbose: 0, epochs: 1, batchSize: 64, callbacks: [monitor] }); // another model: a new census line
    // No onTrainEnd after the exception: batch 2's snapshot, taken before it, comes as the next fit begins.
    expect(events).toEqual(['census', 'snapshot 0', 'snapshot 1', 'snapshot 2', 'census', 'snapshot 3', 'snapshot 4']);
    await monitor.dispose();
    [first, second].forEach((m) => m.dispose());
    tf.dispose([xs, ys]);
  });

  it('the history read mid-fit holds the batch just ended', async () => {
    const { xs, ys } = loadMnist(128, { flat: true });
    const model = mlp();
    const monitor = paramMonitor({ everyBatches: 2, thread: 'worker', logger: false });
    const seen: number[] = [];
    const reader = new tf.CustomCallback({ onBatchEnd: async () => { seen.push(monitor.toJSON().snapshots.length); } });
    await model.fit(xs, ys, { verbose: 0, epochs: 1, batchSize: 16, callbacks: [monitor, reader] }); // 8 batches
    expect(seen).toEqual([1, 2, 2, 3, 3, 4, 4, 5]);
    await monitor.dispose();
    model.dispose();
    tf.dispose([xs, ys]);
  });
});

describe('stopOn with batch snapshots', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });
  expectNoLeaks();

  /** SGD past its stability limit, seeded and unshuffled: the same batches overflow in every run. */
  async function diverge(thread: 'main' | 'worker'): Promise<{ history: HistoryDocument; trained: number }> {
    const x = tf.randomUniform([256, 8], -3, 3, 'float32', 1);
    const y = tf.tidy(() => tf.matMul(x, tf.randomUniform([8, 1], -1, 1, 'float32', 2)));
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [8], kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) })] });
    const optimizer = tf.train.sgd(0.4);
    model.compile({ optimizer, loss: 'meanSquaredError' });
    const monitor = paramMonitor({ everyBatches: 1, thread, stopOn: ['non-finite'], logger: false });
    let trained = 0;
    const counter = new tf.CustomCallback({ onBatchEnd: async () => { trained += 1; } });
    await model.fit(x, y, { verbose: 0, epochs: 100, batchSize: 32, shuffle: false, callbacks: [counter, monitor] });
    const history = monitor.toJSON();
    await monitor.dispose();
    model.dispose();
    optimizer.dispose();
    tf.dispose([x, y]);
    return { history, trained };
  }

  it('stops training one batch later on the worker, after the same alert', async () => {
    const [main, worker] = [await diverge('main'), await diverge('worker')];
    const nonFinite = (h: HistoryDocument) => h.alerts.find((a) => a.kind === 'non-finite' && a.status === 'started')!.batch;
    const at = nonFinite(main.history);
    expect(at).toBeGreaterThan(10);
    expect(nonFinite(worker.history)).toBe(at);
    expect(main.trained).toBe(at);
    expect(worker.trained).toBe(at! + 1);
  });
});

describe('the thread option', () => {
  it('is checked when the monitor is created', () => {
    expect(() => paramMonitor({ thread: 'gpu' as never })).toThrow(/The `thread` option must be 'auto', 'main' or 'worker', but got "gpu"/);
  });

  it('auto: the worker for batch snapshots on two cores or more, the training thread for epochs', () => {
    expect(validateCoreOptions({ everyBatches: 1 }).thread).toBe(os.availableParallelism() >= 2 ? 'worker' : 'main');
    expect(validateCoreOptions({}).thread).toBe('main');
    expect(validateCoreOptions({ everyBatches: 1, thread: 'main' }).thread).toBe('main');
    expect(validateCoreOptions({ thread: 'worker' }).thread).toBe('worker');
  });
});

describe('a measuring worker that cannot load its script', () => {
  it('fails each snapshot at once with the reason, naming `thread`, instead of waiting out the answer timeout', () => {
    // A copy of the package whose worker script throws as it loads in a worker, as a bundle's copy
    // of it without the modules it requires does (the training thread loads it fine).
    const root = path.join(__dirname, '..');
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'pm-broken-worker-'));
    fs.cpSync(path.join(root, 'dist'), path.join(copy, 'dist'), { recursive: true });
    fs.copyFileSync(path.join(root, 'package.json'), path.join(copy, 'package.json'));
    fs.symlinkSync(path.join(root, 'node_modules'), path.join(copy, 'node_modules')); // one tfjs for both
    const script = path.join(copy, 'dist', 'stats', 'measure-worker.js');
    fs.writeFileSync(script, `if (!require('worker_threads').isMainThread) throw new Error('a module it requires is missing');\n${fs.readFileSync(script, 'utf8')}`);
    const child = `
      const tf = require('@tensorflow/tfjs');
      const { paramMonitor } = require(${JSON.stringify(path.join(copy, 'dist'))});
      (async () => {
        await tf.setBackend('cpu');
        const model = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3] })] });
        model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
        const monitor = paramMonitor({ logger: false, everyBatches: 1, thread: 'worker' });
        await model.fit(tf.ones([8, 3]), tf.zeros([8, 2]), { verbose: 0, epochs: 1, batchSize: 4, callbacks: [monitor] });
        process.stdout.write(JSON.stringify(monitor.toJSON().alerts.map((a) => a.message)));
      })();`;
    try {
      // Each snapshot (at start, after each batch, at the end) waited out the 60 s answer timeout before.
      const stdout = execFileSync(process.execPath, ['-e', child], { cwd: root, timeout: 30_000 }).toString();
      const messages: string[] = JSON.parse(stdout);
      expect(messages.length).toBeGreaterThan(0);
      for (const message of messages) {
        expect(message).toMatch(/the measuring worker could not load .*measure-worker\.js \(a module it requires is missing\); set `thread: 'main'`/);
      }
    } finally {
      fs.rmSync(copy, { recursive: true, force: true });
    }
  });
});

/**
 * The snapshot store: the memory it holds (host copies: the weights' float32 bytes twice, once
 * with `fromStart: false`, the same buffers from snapshot to snapshot), and drift that continues
 * when the engine changes between snapshots (a backend in host memory, then one that is not).
 */
import workerThreads = require('worker_threads'); // the module object itself, whose `Worker` a spy can replace
import * as tf from '@tensorflow/tfjs';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { WeightStats } from '../../src/history-types';
import { SnapshotStore } from '../../src/stats/snapshot-store';
import { compareStats, randomNormal, referenceStats } from '../helpers/reference';
import { expectNoLeaks } from '../helpers/tensor-leaks';

const CONFIG = { bins: 10, zeroTolerance: 0 };

/** A cpu backend under another name: `auto` takes it for a device backend. */
const OTHER = 'cpu-under-another-name';
tf.registerBackend(OTHER, () => new MathBackendCPU());
for (const kernel of tf.getKernelsForBackend('cpu')) tf.registerKernel({ ...kernel, backendName: OTHER });

/** Seeded weights: 3 snapshots of a 40 x 25 kernel and a 7-element bias. */
const steps = [0, 1, 2].map((k) => ({
  kernel: randomNormal(1000, 10 + k, 0, 1 + k),
  bias: randomNormal(7, 20 + k),
}));

async function snapshot(store: SnapshotStore, k: number): Promise<Record<string, WeightStats>> {
  const kernel = tf.tensor(steps[k].kernel, [40, 25]);
  const bias = tf.tensor(steps[k].bias, [7]);
  const stats = await store.measure([{ name: 'kernel', value: kernel }, { name: 'bias', value: bias }]);
  tf.dispose([kernel, bias]);
  return stats;
}

/** Mismatches of snapshot k's statistics against the float64 reference. */
function mismatches(stats: Record<string, WeightStats>, k: number, fromStart: boolean): string[] {
  return (['kernel', 'bias'] as const).flatMap((name) => {
    const [x, p, q] = [steps[k][name], steps[k - 1][name], steps[0][name]];
    const norm = (a: Float32Array) => referenceStats({ value: a }, CONFIG).stats.l2Norm;
    const ref = referenceStats({
      value: x, previous: p, previousL2: norm(p), ...(fromStart ? { initial: q, initialL2: norm(q) } : {}),
    }, CONFIG);
    return compareStats(stats[name], ref).map((m) => `${name} @${k}: ${m}`);
  });
}

describe.each(['main', 'worker'] as const)('the snapshot store, host engine on the %s thread', (thread) => {
  beforeAll(async () => {
    expect(await tf.setBackend('cpu')).toBe(true);
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
  });
  expectNoLeaks();

  it.each([true, false])('holds the weights\' bytes twice on the host engine, once without fromStart (fromStart %s)', async (fromStart) => {
    const store = new SnapshotStore(CONFIG, 'auto', { fromStart, thread });
    const weightBytes = (1000 + 7) * 4;
    const before = tf.memory().numTensors;
    await snapshot(store, 0);
    expect(store.hostBytes).toBe((fromStart ? 2 : 1) * weightBytes);
    for (const k of [1, 2]) {
      const stats = await snapshot(store, k);
      expect(mismatches(stats, k, fromStart)).toEqual([]);
      expect(stats.kernel.fromStart === undefined).toBe(!fromStart);
      expect(store.hostBytes).toBe((fromStart ? 2 : 1) * weightBytes);
    }
    expect(tf.memory().numTensors).toBe(before); // host copies are no tensors
    store.dispose();
    expect(store.hostBytes).toBe(0);
  });

  it('continues drift when the engine changes between snapshots, and frees every copy', async () => {
    const store = new SnapshotStore(CONFIG, 'auto', { thread });
    const before = tf.memory().numTensors;
    await snapshot(store, 0); // cpu: host engine
    await tf.setBackend(OTHER);
    const onDevice = await snapshot(store, 1);
    expect(mismatches(onDevice, 1, true)).toEqual([]);
    expect(store.hostBytes).toBe(0);
    expect(tf.memory().numTensors).toBe(before + 4); // previous and initial of two weights
    await tf.setBackend('cpu');
    const onHost = await snapshot(store, 2);
    expect(mismatches(onHost, 2, true)).toEqual([]);
    expect(store.hostBytes).toBe(2 * (1000 + 7) * 4);
    expect(tf.memory().numTensors).toBe(before);
    store.dispose();
  });

  it.each(['host', 'device'] as const)('starts a weight over when its shape changes, and drops copies of weights gone (%s)', async (statsOn) => {
    const store = new SnapshotStore(CONFIG, statsOn, { thread });
    const before = tf.memory().numTensors;
    await snapshot(store, 0);
    const reshaped = tf.tensor(steps[1].kernel, [25, 40]);
    const bias = tf.tensor(steps[1].bias, [7]);
    const stats = await store.measure([{ name: 'kernel', value: reshaped }, { name: 'bias', value: bias }]);
    expect(stats.kernel.drift).toBeUndefined();
    expect(stats.kernel.count).toBe(1000);
    expect(stats.bias.drift?.l2).toBeGreaterThan(0);
    const again = await store.measure([{ name: 'kernel', value: reshaped }]);
    expect(again.kernel.drift).toEqual({ l2: 0, relative: 0, maxAbs: 0, changedFraction: 0 });
    // The bias is gone from the last call: only the kernel's previous and initial copies are held.
    expect(store.hostBytes).toBe(statsOn === 'host' ? 2 * 1000 * 4 : 0);
    tf.dispose([reshaped, bias]);
    expect(tf.memory().numTensors).toBe(before + (statsOn === 'device' ? 2 : 0));
    store.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('the snapshot store on the measuring worker', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });
  expectNoLeaks();

  it('returns from send before the numbers, which receive gives; the weights are copied at send', async () => {
    const store = new SnapshotStore(CONFIG, 'auto', { thread: 'worker' });
    expect(store.defers).toBe(true);
    await snapshot(store, 0);
    const kernel = tf.tidy(() => tf.variable(tf.tensor(steps[1].kernel, [40, 25])));
    const bias = tf.tensor(steps[1].bias, [7]);
    const pending = store.send([{ name: 'kernel', value: kernel }, { name: 'bias', value: bias }]);
    tf.tidy(() => kernel.assign(tf.zerosLike(kernel))); // training goes on: the snapshot still measures step 1
    expect(mismatches(pending.receive(), 1, true)).toEqual([]);
    expect(store.stagingBytes).toBe((1000 + 7) * 4 + 4); // the bias padded to 4 elements
    expect(store.hostBytes).toBe(2 * (1000 + 7) * 4);
    tf.dispose([kernel, bias]);
    store.dispose();
    expect([store.stagingBytes, store.hostBytes]).toEqual([0, 0]);
  });

  it('measures no weights (a monitor that watches none), then some', async () => {
    const store = new SnapshotStore(CONFIG, 'auto', { thread: 'worker' });
    expect(await store.measure([])).toEqual({});
    expect(store.send([]).receive()).toEqual({});
    const stats = await snapshot(store, 0);
    expect(Object.keys(stats)).toEqual(['kernel', 'bias']);
    store.dispose();
  });

  describe('when its worker stopped between snapshots (it ended, its exit seen)', () => {
    /** Runs `body` with every worker started recorded. */
    async function watchingWorkers(body: (started: workerThreads.Worker[]) => Promise<void>): Promise<void> {
      const started: workerThreads.Worker[] = [];
      const RealWorker = workerThreads.Worker;
      const spy = jest.spyOn(workerThreads, 'Worker').mockImplementation((...args) => {
        const worker = new RealWorker(...args);
        started.push(worker);
        return worker;
      });
      try {
        await body(started);
      } finally {
        spy.mockRestore();
      }
    }

    const measureStep = async (store: SnapshotStore, k: number) => {
      const kernel = tf.tensor(steps[k].kernel, [40, 25]);
      const bias = tf.tensor(steps[k].bias, [7]);
      try {
        return await store.measure([{ name: 'kernel', value: kernel }, { name: 'bias', value: bias }]);
      } finally {
        tf.dispose([kernel, bias]);
      }
    };

    it('fails that snapshot, then starts a new worker, without drift once and without fromStart', () => watchingWorkers(async (started) => {
      const store = new SnapshotStore(CONFIG, 'auto', { thread: 'worker' });
      await measureStep(store, 0);
      expect(started).toHaveLength(1);
      await started[0].terminate();
      await expect(measureStep(store, 1)).rejects.toThrow(/the measuring worker stopped: it exited/);
      const restarted = await measureStep(store, 1);
      expect(started).toHaveLength(2);
      expect([restarted.kernel.drift, restarted.kernel.fromStart]).toEqual([undefined, undefined]);
      const next = await measureStep(store, 2);
      expect(next.kernel.drift).toBeDefined();
      expect(next.kernel.fromStart).toBeUndefined();
      store.dispose();
    }));

    it('fails that snapshot on the device engine, then measures there without the lost copies', () => watchingWorkers(async (started) => {
      const store = new SnapshotStore(CONFIG, 'auto', { thread: 'worker' });
      await measureStep(store, 0);
      await started[0].terminate();
      await tf.setBackend(OTHER);
      try {
        await expect(measureStep(store, 1)).rejects.toThrow(/the measuring worker stopped: it exited/);
        const after = await measureStep(store, 1);
        expect(after.kernel.drift).toBeUndefined();
        const next = await measureStep(store, 2);
        expect(next.kernel.drift).toBeDefined();
        expect(next.kernel.fromStart).toBeUndefined(); // not from a later snapshot taken as the start
      } finally {
        store.dispose();
        await tf.setBackend('cpu');
      }
    }));
  });

  it.each([[[25, 40]], [[10, 10]]])('starts a weight over when its shape changes as the engine goes to the device (kernel %j)', async (shape) => {
    const store = new SnapshotStore(CONFIG, 'auto', { thread: 'worker' });
    await snapshot(store, 0);
    await tf.setBackend(OTHER);
    const kernel = tf.tensor(steps[1].kernel.subarray(0, shape[0] * shape[1]), shape);
    const bias = tf.tensor(steps[1].bias, [7]);
    try {
      const stats = await store.measure([{ name: 'kernel', value: kernel }, { name: 'bias', value: bias }]);
      expect([stats.kernel.drift, stats.kernel.fromStart]).toEqual([undefined, undefined]);
      expect(stats.bias.drift).toBeDefined();
    } finally {
      tf.dispose([kernel, bias]);
      store.dispose();
      await tf.setBackend('cpu');
    }
  });

  it('does not defer on the main thread or on the device engine', () => {
    expect(new SnapshotStore(CONFIG, 'auto', { thread: 'main' }).defers).toBe(false);
    expect(new SnapshotStore(CONFIG, 'device', { thread: 'worker' }).defers).toBe(false);
  });
});

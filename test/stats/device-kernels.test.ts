/**
 * The device engine must run on tfjs-node's `tensorflow` backend (and so on CUDA through
 * tfjs-node-gpu), which cannot be installed here. Every kernel the engine dispatches is checked
 * against the kernel list of tfjs-node 4.22 (a fixture read from its tarball's dist/kernels/), and
 * the number of kernels it launches per weight is pinned, so that it does not get slower unnoticed.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { computeStats } from '../../src/stats/device-engine';
import { SnapshotStore } from '../../src/stats/snapshot-store';
import { expectNoLeaks } from '../helpers/tensor-leaks';
import fixture from '../fixtures/tfjs-node-4.22-kernels.json';
import { TEST_BACKENDS } from '../helpers/backends';

const nodeKernels = new Set(fixture.kernels);

async function kernelsOf(fn: () => Promise<unknown>): Promise<string[]> {
  const info = await tf.profile(async () => {
    await fn();
    return [];
  });
  return [...new Set(info.kernelNames)].sort();
}

describe.each(TEST_BACKENDS)('kernels dispatched on %s', (backend) => {
  beforeAll(async () => {
    await tf.setBackend(backend);
  });
  expectNoLeaks();

  it('the fixture is tfjs-node 4.22 and lacks DenseBincount', () => {
    expect(fixture.kernels.length).toBeGreaterThan(150);
    expect(nodeKernels.has('Bincount')).toBe(true);
    expect(nodeKernels.has('DenseBincount')).toBe(false);
  });

  it('computeStats, with drift and fromStart, on small and blocked (large) weights', async () => {
    const small = tf.randomNormal([7, 3]);
    const large = tf.randomNormal([1 << 21]);
    const int = tf.tensor1d([1, 2, 3], 'int32');
    const empty = tf.zeros([0]);
    const names = await kernelsOf(() => computeStats([
      { value: small, previous: small, previousL2: 1, initial: small, initialL2: 1 },
      { value: large, previous: large, previousL2: 1, initial: large, initialL2: 1 },
      { value: int },
      { value: empty },
    ], { bins: 30, zeroTolerance: 0 }));
    tf.dispose([small, large, int, empty]);
    expect(names).toEqual(expect.arrayContaining(['Bincount', 'Sum', 'IsFinite']));
    expect(names.filter((k) => !nodeKernels.has(k))).toEqual([]);
  });

  it('launches a pinned number of kernels per weight (the README table): no slower than before', async () => {
    const countKernels = async (size: number, refs: boolean) => {
      const w = tf.randomNormal([size]);
      const input = refs ? { value: w, previous: w, previousL2: 1, initial: w, initialL2: 1 } : { value: w };
      const info = await tf.profile(async () => {
        await computeStats([input], { bins: 30, zeroTolerance: 0 });
        return [];
      });
      w.dispose();
      return info.kernels.length;
    };
    const counts = [];
    for (const size of [100, 1025, 300_000]) counts.push([size, await countKernels(size, false), await countKernels(size, true)]);
    // [elements, kernels alone, kernels with drift and fromStart]; sums of over 1,024 elements run in
    // blocks of 256, with a remainder (1025) and recursively (300,000: two levels, two remainders).
    // tfjs-node dispatches a few more (its Cast and Reshape of int32 are kernels of their own).
    const pinned = backend === 'tensorflow'
      ? [[100, 134, 214], [1025, 158, 250], [300_000, 182, 286]]
      : [[100, 124, 196], [1025, 148, 232], [300_000, 172, 268]];
    expect(counts).toEqual(pinned);
  });

  it('the snapshot store on the device engine (copies of weights, drift)', async () => {
    const store = new SnapshotStore({ bins: 10, zeroTolerance: 0 }, 'device');
    const w = tf.randomNormal([100]);
    const names = await kernelsOf(async () => {
      await store.measure([{ name: 'w', value: w }]);
      await store.measure([{ name: 'w', value: w }]);
    });
    store.dispose();
    w.dispose();
    expect(names).toEqual(expect.arrayContaining(['Bincount', 'Identity']));
    expect(names.filter((k) => !nodeKernels.has(k))).toEqual([]);
  });
});

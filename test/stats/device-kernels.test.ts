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

  it('launches a pinned number of kernels per weight and per snapshot (the docs/statistics.md table): no slower than before', async () => {
    // A snapshot of `count` weights of `size` elements: alone, against copies that differ (a weight
    // being trained), and against copies equal to it (a frozen weight).
    const countKernels = async (size: number, count: number, refs: 'none' | 'trained' | 'frozen', shape?: number[]) => {
      const inputs = Array.from({ length: count }, () => {
        const value = tf.randomNormal(shape ?? [size]);
        if (refs === 'none') return { value };
        const other = () => tf.tidy(() => (refs === 'frozen' ? tf.clone(value) : tf.add(value, tf.randomNormal(value.shape, 0, 0.01))));
        return { value, previous: other(), previousL2: 1, initial: other(), initialL2: 1 };
      });
      const info = await tf.profile(async () => {
        await computeStats(inputs, { bins: 30, zeroTolerance: 0 });
        return [];
      });
      tf.dispose(inputs.flatMap((i) => Object.values(i).filter((v): v is tf.Tensor => v instanceof tf.Tensor)));
      return info.kernels.length;
    };
    const rows: number[][] = [];
    for (const size of [100, 1025, 300_000]) {
      const row = [size];
      for (const refs of ['none', 'trained', 'frozen'] as const) {
        const one = await countKernels(size, 1, refs);
        const three = await countKernels(size, 3, refs);
        row.push((three - one) / 2, one - (three - one) / 2); // per weight, per snapshot
      }
      rows.push(row);
    }
    const matrix = await countKernels(0, 1, 'trained', [784, 128]);
    // [elements, then per weight and per snapshot: alone, trained copies, frozen copies]. The
    // per-snapshot kernels are the packing of the two downloads. A frozen weight adds a count of
    // the elements equal to the initial copy (its squared differences summed to 0, which float32
    // could also give for tiny changes that underflowed). wasm sums in blocks (more kernels above
    // 1,024 elements; src/stats/device-sums.ts). A 2-D weight launches as many as a 1-D one (on
    // wasm, one Reshape more: its Bincount needs a 1-D index).
    const pinned: Record<string, number[][]> = {
      cpu: [[100, 13, 3, 21, 4, 24, 4], [1025, 13, 3, 21, 4, 24, 4], [300_000, 13, 3, 21, 4, 24, 4]],
      wasm: [[100, 16, 4, 24, 4, 27, 4], [1025, 40, 4, 60, 4, 63, 4], [300_000, 64, 4, 96, 4, 99, 4]],
    };
    console.info(`device engine kernels on ${backend}: ${JSON.stringify(rows)}, a 784x128 weight with copies: ${matrix}`);
    expect(rows).toEqual(pinned[backend === 'wasm' ? 'wasm' : 'cpu']); // tensorflow launches what cpu does
    if (backend !== 'wasm') expect(matrix).toBe(rows[0][3] + rows[0][4]);
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

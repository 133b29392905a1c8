/**
 * The SIMD passes (src/stats/wasm-passes.ts, src/stats/wasm/passes.wat) where their structure
 * could go wrong and the engine cases of engines.test.ts would not notice: lengths around the
 * 4-lane vectors and the 16K-element scratch chunks (the JavaScript loops take the last 1-3 elements of a
 * chunk), a NaN or an infinity in one chunk only (that chunk falls back, the others stay fast),
 * the float32 zero tolerance, the committed bytes against their source, and the memory the
 * snapshot store's copies hold as weights come and go.
 */
import * as tf from '@tensorflow/tfjs';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { computeStatsOnHost } from '../../src/stats/host-engine';
import { SnapshotStore } from '../../src/stats/snapshot-store';
import { float32AtMost } from '../../src/stats/types';
import { SCRATCH_CHUNK, WasmPasses } from '../../src/stats/wasm-passes';
import { PASSES_WASM } from '../../src/stats/wasm/passes-binary';
import { compareStats, randomNormal, randomUniform, referenceStats } from '../helpers/reference';
import { check, onBackend, withInputs } from '../helpers/stat-cases';

// eslint-disable-next-line @typescript-eslint/no-var-requires
const { assemble } = require('../../scripts/build-wasm.js') as { assemble: () => Promise<Buffer> };

const CHUNK = SCRATCH_CHUNK;

/** A cpu backend under another name: `auto` takes it for a device backend. */
const OTHER = 'cpu-for-wasm-passes-test';
tf.registerBackend(OTHER, () => new MathBackendCPU());
for (const kernel of tf.getKernelsForBackend('cpu')) tf.registerKernel({ ...kernel, backendName: OTHER });

describe('the SIMD passes', () => {
  onBackend('cpu');

  it('are the bytes scripts/build-wasm.js assembles from passes.wat now (run `npm run wasm` if not)', async () => {
    expect((await assemble()).toString('base64')).toBe(PASSES_WASM);
  });

  describe('lengths around vectors and chunks, with drift and fromStart', () => {
    const lengths = [1, 2, 3, 4, 5, 7, 8, 9, CHUNK - 1, CHUNK, CHUNK + 1, CHUNK + 3, 2 * CHUNK + 2];
    it.each(lengths)('%i elements', async (n) => {
      await check(computeStatsOnHost, [{
        name: `${n}`, shape: [n], value: randomNormal(n, n, 0.1, 2),
        previous: randomNormal(n, n + 1, 0.1, 2), previousL2: 'measured',
        initial: randomUniform(n, n + 2, -3, 3), initialL2: 'measured',
      }], { bins: 30, zeroTolerance: 0.05 });
    });
  });

  describe('a NaN or an infinity in one place only', () => {
    const n = 2 * CHUNK + 3;
    const base = randomNormal(n, 7);
    const at = (data: Float32Array, i: number, v: number) => {
      const out = data.slice();
      out[i] = v;
      return out;
    };
    it.each([
      ['NaN in the weight, first chunk', 10, 'value', NaN],
      ['+Inf in the weight, second chunk', CHUNK + 5, 'value', Infinity],
      ['NaN in the weight, last of the tail', n - 1, 'value', NaN],
      ['-Inf in the weight, first of the tail', n - 3, 'value', -Infinity],
      ['NaN in the previous copy, second chunk', CHUNK + 100, 'previous', NaN],
      ['+Inf in the initial copy, last chunk', 2 * CHUNK, 'initial', Infinity],
    ] as const)('%s', async (_name, i, where, v) => {
      const value = where === 'value' ? at(base, i, v) : base;
      const previous = where === 'previous' ? at(base, i, v) : randomNormal(n, 8);
      const initial = where === 'initial' ? at(base, i, v) : randomNormal(n, 9);
      await check(computeStatsOnHost, [{
        name: `${where}[${i}] = ${v}`, shape: [n], value, previous, previousL2: 'measured', initial, initialL2: 'measured',
      }], { bins: 20, zeroTolerance: 0 });
    });
  });

  it('refuse copies beyond a WebAssembly memory (4 GiB), naming the options that shrink them', () => {
    expect(() => new WasmPasses({ bins: 30, largest: 1000, scratchChunks: 1, copyElements: 2 ** 30 }))
      .toThrow(/copies need 4294971904 bytes, more than a WebAssembly memory holds .*`fromStart: false`.*`statsOn: 'device'`/);
  });

  it('refuse a layout past 2^31 and 2^32 elements too (no 32-bit wrap in the sizes)', () => {
    for (const copyElements of [2 ** 31, 2 ** 32 + 8]) {
      expect(() => new WasmPasses({ bins: 30, largest: 1000, scratchChunks: 1, copyElements }))
        .toThrow(/more than a WebAssembly memory holds/);
    }
  });

  it('report a zero min or max as 0, wherever -0 and 0 fall among the lanes', async () => {
    const [low, high] = await withInputs([
      // Lane 0 meets -0 before 0 and keeps it (pmin/pmax keep the first of equal values).
      { name: 'min', shape: [8], value: Float32Array.of(-0, 5, 7, 9, 0, 8, 8, 8) },
      { name: 'max', shape: [8], value: Float32Array.of(-0, -1, -2, -3, 0, -5, -6, -7) },
    ], (inputs) => computeStatsOnHost(inputs, { bins: 4, zeroTolerance: 0 }));
    expect(Object.is(low.min, 0)).toBe(true);
    expect(Object.is(high.max, 0)).toBe(true);
  });

  it('compare |x| with the largest float32 at most the zero tolerance', () => {
    expect(float32AtMost(0.5)).toBe(0.5);
    expect(float32AtMost(0)).toBe(0);
    // fround(1e-3) = 0.0010000000474974513 is above 1e-3; the float32 below it is not.
    expect(float32AtMost(1e-3)).toBe(0.0009999999310821295);
    expect(Math.fround(0.0009999999310821295)).toBe(0.0009999999310821295);
    expect(float32AtMost(Infinity)).toBe(Infinity);
    expect(float32AtMost(1e300)).toBe(3.4028234663852886e38);
  });
});

describe('the snapshot store\'s copies in WebAssembly memory', () => {
  onBackend('cpu');
  const config = { bins: 10, zeroTolerance: 0 };

  /** Measures the named weights (values given) and disposes their tensors. */
  async function measure(store: SnapshotStore, weights: Record<string, Float32Array>) {
    const named = Object.entries(weights).map(([name, data]) => ({ name, value: tf.tensor1d(data) }));
    try {
      return await store.measure(named);
    } finally {
      tf.dispose(named.map((w) => w.value));
    }
  }

  it('keep a weight\'s drift and fromStart when others appear and go, and hold only what is watched', async () => {
    const store = new SnapshotStore(config, 'host');
    const a = [0, 1, 2, 3].map((k) => randomNormal(5000, 100 + k));
    const b = randomNormal(300_000, 200);
    await measure(store, { a: a[0] });
    await measure(store, { a: a[1], b }); // b appears: the memory is laid out again
    expect(store.hostBytes).toBe(2 * (5000 + 300_000) * 4);
    const both = store.hostMemoryBytes;
    // On top: one scratch chunk (64 KiB), the accumulator and counts (<1 KiB), and the rounding
    // up to 64 KiB pages.
    expect(both).toBeLessThan(store.hostBytes + CHUNK * 4 + 1024 + 65536);
    const third = await measure(store, { a: a[2] }); // b goes
    const ref = referenceStats({
      value: a[2], previous: a[1], previousL2: referenceStats({ value: a[1] }, config).stats.l2Norm,
      initial: a[0], initialL2: referenceStats({ value: a[0] }, config).stats.l2Norm,
    }, config);
    expect(compareStats(third.a, ref)).toEqual([]);
    expect(store.hostBytes).toBe(2 * 5000 * 4);
    expect(store.hostMemoryBytes).toBeLessThan(both / 4); // b's copies are freed, not kept as dead space
    const fourth = await measure(store, { a: a[3] });
    expect(fourth.a.drift!.l2).toBeCloseTo(referenceStats({ value: a[3], previous: a[2] }, config).stats.drift!.l2!, 6);
    store.dispose();
    expect(store.hostMemoryBytes).toBe(0);
  });

  it('free the memory when the engine changes to the device one', async () => {
    const store = new SnapshotStore(config, 'auto');
    await measure(store, { a: randomNormal(100_000, 300) });
    expect(store.hostMemoryBytes).toBeGreaterThan(800_000);
    await tf.setBackend(OTHER); // `auto` takes it for a device backend
    try {
      await measure(store, { a: randomNormal(100_000, 301) });
      expect(store.hostMemoryBytes).toBe(0);
    } finally {
      await tf.setBackend('cpu');
      store.dispose();
    }
  });
});

/**
 * The device engine (src/stats/device-engine.ts) on tfjs's `webgl` backend, in headless Chromium
 * (SwiftShader): weights live in textures, reductions run as float32 shader passes, and reading
 * back is a download. Every statistic is checked against the float64 reference computed in Node
 * from the same values (helpers/reference.ts, with its documented tolerances), on random data and
 * the edge cases; and the kernels launched per snapshot are counted, as on cpu.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import type { Page } from 'playwright-core';
import type { WeightStats } from '../../src/history-types';
import { computeStats } from '../../src/stats/device-engine';
import type { StatsConfig } from '../../src/stats/types';
import { describeWithChromium, launchChromium, type Browser, type PageEvents } from '../helpers/chromium';
import { compareStats, randomNormal, randomUniform, referenceStats } from '../helpers/reference';
import { Case, DEFAULT_CONFIG, ints, nudged, referenceOf, signs, sizeOf, withNonFinite } from '../helpers/stat-cases';
import { expectNoLeaks } from '../helpers/tensor-leaks';
import { bundleScript, openWebglPage, type WebglFlags } from '../helpers/webgl-page';

/** A case as the page receives it: element bytes in base64, norms resolved. */
interface PageCase {
  name: string; shape: number[]; dtype: 'float32' | 'int32';
  value: string; previous?: string; previousL2?: number | null; initial?: string; initialL2?: number | null;
}

interface PageAnswer {
  stats: WeightStats[];
  /** Tensors the engine left behind in the page. */
  leaked: number;
  /** Names of the inputs whose data changed or that were disposed. */
  touched: string[];
}

const base64 = (data: Float32Array | Int32Array) => Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64');

function toPage(c: Case, config: StatsConfig): PageCase {
  const ref = referenceOf(c, config);
  return {
    name: c.name, shape: c.shape, dtype: c.dtype ?? 'float32', value: base64(c.value),
    ...(c.previous ? { previous: base64(c.previous), previousL2: ref.previousL2 } : {}),
    ...(c.initial ? { initial: base64(c.initial), initialL2: ref.initialL2 } : {}),
  };
}

// Runs in the page; a string because the tests compile without the DOM library.
const MEASURE_IN_PAGE = `async ({ cases, config }) => {
  const decode = (text, dtype) => {
    const binary = atob(text);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return dtype === 'int32' ? new Int32Array(bytes.buffer) : new Float32Array(bytes.buffer);
  };
  const created = [];
  const make = (text, c, role) => {
    const data = decode(text, c.dtype);
    const tensor = tf.tensor(data.slice(), c.shape, c.dtype);
    created.push({ name: c.name + ' ' + role, tensor, data });
    return tensor;
  };
  const inputs = cases.map((c) => {
    const input = { value: make(c.value, c, 'value') };
    if (c.previous !== undefined) Object.assign(input, { previous: make(c.previous, c, 'previous'), previousL2: c.previousL2 });
    if (c.initial !== undefined) Object.assign(input, { initial: make(c.initial, c, 'initial'), initialL2: c.initialL2 });
    return input;
  });
  try {
    const before = tf.memory().numTensors;
    const stats = await deviceEngine.computeStats(inputs, config);
    const leaked = tf.memory().numTensors - before;
    const touched = [];
    for (const { name, tensor, data } of created) {
      const now = tensor.isDisposed ? null : await tensor.data();
      if (now === null || now.length !== data.length || !now.every((x, i) => Object.is(x, data[i]))) touched.push(name);
    }
    return { stats, leaked, touched };
  } finally {
    created.forEach(({ tensor }) => tensor.dispose());
  }
}`;

let dir: string;
let browser: Browser;
let engineScript: string;

async function measureInPage(page: Page, cases: Case[], config: StatsConfig = DEFAULT_CONFIG): Promise<WeightStats[]> {
  const answer = await page.evaluate(`(${MEASURE_IN_PAGE})(${JSON.stringify({ cases: cases.map((c) => toPage(c, config)), config })})`) as PageAnswer;
  expect({ leaked: answer.leaked, touched: answer.touched }).toEqual({ leaked: 0, touched: [] });
  expect(answer.stats).toHaveLength(cases.length);
  const mismatches = cases.map((c, i) => ({ case: c.name, mismatches: compareStats(answer.stats[i], referenceOf(c, config)) }));
  expect(mismatches).toEqual(cases.map((c) => ({ case: c.name, mismatches: [] })));
  return answer.stats;
}

/** Random weights, each with a previous and an initial value (drift and fromStart). */
function randomCases(): Case[] {
  const draws: Array<[string, (n: number, seed: number) => Float32Array]> = [
    ['N(0, 1)', (n, s) => randomNormal(n, s)],
    ['N(0.3, 0.05)', (n, s) => randomNormal(n, s, 0.3, 0.05)],
    ['N(-2, 1e-3)', (n, s) => randomNormal(n, s, -2, 1e-3)],
    ['U(-100, 300)', (n, s) => randomUniform(n, s, -100, 300)],
    ['U(0, 1e-6)', (n, s) => randomUniform(n, s, 0, 1e-6)],
    ['1000 + U(-1, 1)', (n, s) => randomUniform(n, s, 999, 1001)],
  ];
  const shapes = [[17], [64, 33], [3, 5, 7], [300, 1000]];
  return draws.map(([name, draw], i) => {
    const shape = shapes[i % shapes.length];
    const value = draw(sizeOf(shape), 500 + i);
    return {
      name: `${name} [${shape}]`, shape, value,
      previous: nudged(value, 600 + i, 0.01), previousL2: 'measured', initial: draw(sizeOf(shape), 700 + i), initialL2: 'measured',
    };
  });
}

/** One element, constants, zeros, NaN and Inf, values near the float32 maximum, int32, 0 elements. */
function edgeCases(): Case[] {
  const big = signs(1000, 35, 3e38);
  const int = ints(3000, 41, -1000, 1000);
  return [
    { name: 'one element', shape: [1], value: Float32Array.from([-4.25]) },
    { name: 'a scalar', shape: [], value: Float32Array.from([0.1]), previous: Float32Array.from([0.1]), previousL2: 'measured' },
    { name: 'constant 0.37', shape: [1000], value: new Float32Array(1000).fill(0.37) },
    { name: 'all zeros', shape: [4, 5], value: new Float32Array(20) },
    { name: 'all -0', shape: [3], value: Float32Array.from([-0, -0, -0]) },
    { name: 'two values 2^-20 apart', shape: [2], value: Float32Array.from([1, 1 + 2 ** -20]) },
    { name: 'hand-made mixed', shape: [2, 4], value: Float32Array.from([3, -1, NaN, 1, Infinity, -Infinity, 0, 1]),
      previous: Float32Array.from([3, -2, NaN, NaN, Infinity, Infinity, 0.5, 1]), previousL2: 2 },
    { name: 'NaN and Inf, 2% each', shape: [50, 100], value: withNonFinite(randomNormal(5000, 21), 22, 0.02) },
    { name: 'NaN and Inf, 30% each', shape: [5000], value: withNonFinite(randomNormal(5000, 21), 23, 0.3) },
    { name: 'all NaN', shape: [4], value: Float32Array.from([NaN, NaN, NaN, NaN]) },
    { name: 'all Inf', shape: [4], value: Float32Array.from([Infinity, -Infinity, Infinity, Infinity]) },
    { name: 'one finite among NaN and Inf', shape: [4], value: Float32Array.from([NaN, 2.5, Infinity, NaN]) },
    { name: '±3e38', shape: [10, 100], value: big },
    { name: 'U(-3.4e38, 3.4e38)', shape: [1000], value: randomUniform(1000, 32, -3.4e38, 3.4e38) },
    // webgl's Min and Max start from ±1e20 (src/stats/webgl-min-max.ts): all values beyond it
    { name: 'all 3.4e38', shape: [64], value: new Float32Array(64).fill(3.4e38) },
    { name: 'all -3.4e38', shape: [63], value: new Float32Array(63).fill(-3.4e38) },
    { name: '1e25 to 1e30, and NaN', shape: [5], value: Float32Array.from([1e25, NaN, 1e30, 3e27, 1e26]) },
    { name: '-1e30 to -2e20', shape: [3], value: Float32Array.from([-1e30, -2e20, -5e22]) },
    { name: '±3e38 against its negation', shape: [1000], value: big, previous: big.map((x) => -x), previousL2: 'measured',
      initial: big.map((x) => -x), initialL2: 'measured' },
    { name: 'int32 U{-1000..1000}', shape: [30, 100], dtype: 'int32', value: int,
      previous: int.map((x, i) => (i % 3 === 0 ? x + 1 : x)), previousL2: 'measured', initial: ints(3000, 43, -1000, 1000), initialL2: 'measured' },
    { name: 'int32 constant 7', shape: [9], dtype: 'int32', value: new Int32Array(9).fill(7) },
    { name: 'int32 beyond 2^24', shape: [4], dtype: 'int32', value: Int32Array.from([16777217, -2147483648, 2147483647, 3]) },
    { name: '0 elements', shape: [3, 0], value: new Float32Array(0), previous: new Float32Array(0), previousL2: 0 },
  ];
}

describeWithChromium('the device engine on webgl in Chromium', () => {
  let page: Page;
  let events: PageEvents;
  let flags: WebglFlags;

  beforeAll(async () => {
    await tf.setBackend('cpu');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'webgl-engine-'));
    engineScript = await bundleScript('test/browser/device-engine-entry.ts', 'deviceEngine', dir);
    browser = await launchChromium({ webgl: true });
    ({ page, events, flags } = await openWebglPage(browser, dir, [engineScript]));
  });
  afterAll(async () => {
    await browser?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });
  expectNoLeaks();

  it('runs on webgl 2 with float32 textures, packed (tfjs defaults on this GPU)', () => {
    expect(flags).toEqual({ WEBGL_VERSION: 2, WEBGL_PACK: true, WEBGL_RENDER_FLOAT32_ENABLED: true, WEBGL_FORCE_F16_TEXTURES: false });
  });

  it('matches the float64 reference on random weights, with drift and fromStart', async () => {
    await measureInPage(page, randomCases(), { bins: 30, zeroTolerance: 0 });
  });

  it('matches it on the edge cases', async () => {
    const stats = await measureInPage(page, edgeCases(), { bins: 7, zeroTolerance: 0 });
    const large = stats[edgeCases().findIndex((c) => c.name === 'int32 beyond 2^24')];
    expect([large.min, large.max]).toEqual([-2147483648, 2147483648]); // as float32, like every backend
  });

  it('counts zeros within zeroTolerance, and uses 1 or 1000 bins', async () => {
    const value = Float32Array.from([0.5, -0.5, 0.5000001, -0.50000006, 0, -0, 0.25, 3]);
    const [boundary] = await measureInPage(page, [{ name: 'boundary', shape: [8], value }], { bins: 10, zeroTolerance: 0.5 });
    expect(boundary.zeroCount).toBe(5);
    const normal: Case = { name: 'N(0,1)', shape: [200, 100], value: randomNormal(20_000, 71) };
    await measureInPage(page, [normal], { bins: 1, zeroTolerance: 0 });
    await measureInPage(page, [normal], { bins: 1000, zeroTolerance: 1e-3 });
  });

  it('launches the kernels of cpu plus webgl\'s own exact min and max and mean', async () => {
    const COUNT_IN_PAGE = `async ({ size, refs }) => {
      const w = tf.randomNormal([size]);
      const input = refs ? { value: w, previous: w, previousL2: 1, initial: w, initialL2: 1 } : { value: w };
      const info = await tf.profile(async () => { await deviceEngine.computeStats([input], { bins: 30, zeroTolerance: 0 }); return []; });
      w.dispose();
      return info.kernels.length;
    }`;
    const counts: Record<string, number[][]> = { webgl: [], cpu: [] };
    for (const size of [100, 1025, 300_000]) {
      const row: number[] = [size];
      const cpuRow: number[] = [size];
      for (const refs of [false, true]) {
        row.push(await page.evaluate(`(${COUNT_IN_PAGE})(${JSON.stringify({ size, refs })})`) as number);
        const w = tf.randomNormal([size]);
        const input = refs ? { value: w, previous: w, previousL2: 1, initial: w, initialL2: 1 } : { value: w };
        const info = await tf.profile(async () => { await computeStats([input], { bins: 30, zeroTolerance: 0 }); return []; });
        w.dispose();
        cpuRow.push(info.kernels.length);
      }
      counts.webgl.push(row);
      counts.cpu.push(cpuRow);
    }
    // [elements, kernels alone, with drift and fromStart]: the same tensor ops as on cpu, plus the
    // second Min and Max of webgl-min-max.ts (Mul, Min or Max, Mul, a comparison, and tf.where's
    // Select with an Identity for each of its three operands: 8 each), the mean's second pass
    // over the residuals (Sub, Sum: device-sums.ts) and the zero count by LessEqual, Cast and an
    // int32 Sum (one more than Sign and Sum on cpu, and alone an int32 pack: 2, with copies 1,
    // whose counts of equal elements need that pack on cpu too). The copies here are the weight
    // itself (a frozen weight).
    console.info(`device engine kernels per weight on cpu: ${JSON.stringify(counts.cpu)}`);
    expect(counts.webgl).toEqual(counts.cpu.map(([size, alone, refs]) => [size, alone + 20, refs + 19]));
    console.info(`device engine kernels per weight on webgl (elements, alone, with drift and fromStart): ${JSON.stringify(counts.webgl)}`);
  });

  it('matches the reference unpacked too (WEBGL_PACK false: one value per texel)', async () => {
    const unpacked = await openWebglPage(browser, dir, [engineScript], { WEBGL_PACK: false });
    expect(unpacked.flags.WEBGL_PACK).toBe(false);
    const pick = (names: string[]) => edgeCases().filter((c) => names.includes(c.name));
    await measureInPage(unpacked.page, [...randomCases().slice(0, 3), ...pick(['hand-made mixed', 'NaN and Inf, 2% each', 'all 3.4e38',
      '±3e38 against its negation', 'int32 U{-1000..1000}', 'one element', '0 elements'])], { bins: 30, zeroTolerance: 0 });
    await unpacked.page.close();
  });

  it('with half-float textures, refuses the device engine and measures on the host, exactly', async () => {
    const half = await openWebglPage(browser, dir, [engineScript], { WEBGL_FORCE_F16_TEXTURES: true });
    expect(half.flags).toMatchObject({ WEBGL_RENDER_FLOAT32_ENABLED: false, WEBGL_FORCE_F16_TEXTURES: true });
    const answer = await half.page.evaluate(`(async () => {
      // The output of a shader, as a trained weight is: it lives in a (half-float) texture.
      const t = tf.tidy(() => tf.add(tf.tensor2d(Array.from({ length: 3000 }, (_, i) => Math.sin(i) * 100), [60, 50]), 0));
      const stored = Array.from(await t.data()); // rounded to half floats by the texture
      let device;
      try { await deviceEngine.computeStats([{ value: t }], { bins: 10, zeroTolerance: 0 }); device = 'no error'; } catch (e) { device = e.message; }
      const before = tf.memory().numTensors;
      const [auto] = await deviceEngine.measureWith('auto', [{ value: t }], { bins: 10, zeroTolerance: 0 });
      const leaked = tf.memory().numTensors - before;
      t.dispose();
      return { stored, device, path: deviceEngine.resolveStatsPath('auto'), auto, leaked };
    })()`) as { stored: number[]; device: string; path: string; auto: WeightStats; leaked: number };
    expect(answer.device).toMatch(/^the device engine needs float32 textures, .*WEBGL_RENDER_FLOAT32_ENABLED is false.*statsOn: 'auto'/);
    expect([answer.path, answer.leaked]).toEqual(['host', 0]);
    const ref = referenceStats({ value: Float32Array.from(answer.stored) }, { bins: 10, zeroTolerance: 0 });
    expect(compareStats(answer.auto, ref)).toEqual([]);
    expect(answer.stored[1]).not.toBe(Math.fround(Math.sin(1) * 100)); // the texture did hold half floats
    await half.page.close();
  });

  it('logged no error in the page', () => {
    // SwiftShader's own performance notes ("GPU stall due to ReadPixels": every download waits) are not errors.
    const errors = events.consoleErrors.filter((m) => !/GL Driver Message \(OpenGL, Performance,/.test(m));
    expect({ consoleErrors: errors, pageErrors: events.pageErrors }).toEqual({ consoleErrors: [], pageErrors: [] });
  });
});

/**
 * The series in the history document are rounded to 9 significant digits (README, Outputs; done
 * in `SeriesRecorder.toJSON`): enough to give back every float32 exactly, the precision the
 * statistics are correct to, at about half the size of every float64 digit. Checked by what the
 * rounding must do rather than by the same formula: each value comes out with at most 9
 * significant digits, within half a unit of its 9th digit, with exactly 9 where the value had more
 * and the 9th is not zero, and equal to the input as a float32; across edge cases, through JSON
 * and through a real run's `output` file.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { loadIris } from '../helpers/iris';
import { loadHistory, paramMonitor } from '../../src';
import { SERIES_COLUMNS, SeriesRecorder } from '../../src/history/series';
import type { WeightSeries, WeightStats } from '../../src/history-types';
import { expectNoLeaks } from '../helpers/tensor-leaks';

/** Significant digits of a number as JavaScript writes it (its shortest round-trip form). */
function significantDigits(x: number): number {
  const mantissa = Math.abs(x).toString().split('e')[0].replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
  return mantissa.length;
}

/** Half a unit in the 9th significant digit of `x`: how far a 9-digit rounding may move it. */
function halfUnitOf9thDigit(x: number): number {
  return 0.5 * 10 ** (Math.floor(Math.log10(Math.abs(x))) - 8);
}

/** The statistics of one weight, every series column set to `value` (counts to `count`). */
function statsAll(value: number, count = 0): WeightStats {
  return {
    count: 4, mean: value, std: value, min: value, max: value, absMean: value, l2Norm: value, zeroCount: 0,
    zeroFraction: value, nanCount: count, infCount: count, histogram: { min: null, max: null, counts: [4] },
    drift: { l2: value, relative: value, maxAbs: value, changedFraction: 1 }, fromStart: { relative: value },
  };
}

/** Records `values` as consecutive snapshots of one weight; returns the document's series of it. */
function roundTrip(values: number[]): WeightSeries {
  const series = new SeriesRecorder();
  values.forEach((v, i) => series.append(i, undefined, { w: statsAll(v) }));
  return series.toJSON().weights.w;
}

/** Every value in the series written, as the document holds it. */
function roundedMeans(values: number[]): number[] {
  return roundTrip(values).mean as number[];
}

describe('SeriesRecorder rounds the document to 9 significant digits', () => {
  expectNoLeaks();

  it('writes a value with more digits with exactly 9, the nearest 9-digit number', () => {
    const values = [1.23456789123, -123.456789987654, 0.000123456789123, 98765.4321098765, Math.PI, Math.E * 1e-7, -Math.SQRT2 * 1e12];
    const out = roundedMeans(values);
    expect(out).toEqual([1.23456789, -123.45679, 0.000123456789, 98765.4321, 3.14159265, 2.71828183e-7, -1.41421356e12]);
    out.forEach((o, i) => {
      expect(significantDigits(o)).toBeLessThanOrEqual(9);
      expect(Math.abs(o - values[i])).toBeLessThanOrEqual(halfUnitOf9thDigit(values[i]) * (1 + 1e-12));
    });
    // 123.456789987654 rounds to 123.456790, whose trailing 0 JavaScript does not write.
    expect(out.filter((_, i) => i !== 1).map(significantDigits)).toEqual([9, 9, 9, 9, 9, 9]);
  });

  it('rounds every column of the series, not only the mean', () => {
    const columns = roundTrip([Math.PI]);
    expect(Object.keys(columns).sort()).toEqual([...SERIES_COLUMNS].sort());
    for (const key of SERIES_COLUMNS) {
      if (key === 'nanCount' || key === 'infCount') continue;
      expect({ key, value: columns[key][0] }).toEqual({ key, value: 3.14159265 });
    }
  });

  it('keeps values of 9 digits or fewer unchanged, integer counts up to 999,999,999 included', () => {
    const values = [0.5, -0.1, 1e-7, 3, 123456789, 0.000123456789, 1e21, -7.5e-300];
    expect(roundedMeans(values)).toEqual(values);
    const series = new SeriesRecorder();
    series.append(0, undefined, { w: statsAll(1, 999_999_999) });
    expect(series.toJSON().weights.w.nanCount).toEqual([999_999_999]);
  });

  it('gives back every float32 exactly (what the statistics are correct to)', () => {
    // Random float32 values over the whole exponent range, both signs, from a fixed seed.
    let state = 12345;
    const random = () => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return state / 2 ** 32;
    };
    const bits = new Uint32Array(20_000).map(() => Math.floor(random() * 2 ** 32));
    const floats = Array.from(new Float32Array(bits.buffer)).filter(Number.isFinite);
    expect(floats.length).toBeGreaterThan(19_000);
    const out = roundedMeans(floats);
    const lost = floats.filter((f, i) => Math.fround(out[i]) !== f);
    expect(lost).toEqual([]);
    // And they are rounded: a float32 written as a double needs up to 17 digits, here at most 9.
    expect(Math.max(...floats.map((f) => significantDigits(f)))).toBeGreaterThan(9);
    expect(Math.max(...out.map(significantDigits))).toBe(9);
  });

  it('handles the edge cases: zeros, the tiniest and hugest numbers, a round up to the next decade', () => {
    const cases: [number, number][] = [
      [0, 0],
      [1.401298464324817e-45, 1.40129846e-45], // the smallest float32 (subnormal)
      [1.1754943508222875e-38, 1.17549435e-38], // the smallest normal float32
      [3.4028234663852886e38, 3.40282347e38], // the largest float32
      [-3.4028234663852886e38, -3.40282347e38],
      [5e-324, 5e-324], // the smallest double: one digit
      [Number.MAX_VALUE, 1.79769313e308], // rounds down, stays finite
      [9.9999999996, 10],
      [-0.00099999999951, -0.001],
    ];
    expect(roundedMeans(cases.map(([v]) => v))).toEqual(cases.map(([, o]) => o));
    // -0 is written as 0 (JSON has no negative zero).
    expect(JSON.stringify(roundedMeans([-0]))).toBe('[0]');
  });

  it('survives JSON: the text holds at most 9 digits per number and parses back to the same numbers', () => {
    const series = new SeriesRecorder();
    for (let i = 0; i < 50; i += 1) series.append(i, undefined, { w: statsAll(Math.sin(i + 1) * 10 ** (i - 25)) });
    const json = series.toJSON();
    const text = JSON.stringify(json);
    expect(JSON.parse(text)).toEqual(json);
    const numbers = text.match(/-?\d+(\.\d+)?(e[-+]?\d+)?/g) ?? [];
    const digits = numbers.map((n) => n.split('e')[0].replace(/[-.]/g, '').replace(/^0+/, '').replace(/0+$/, '').length);
    expect(Math.max(...digits)).toBe(9);
  });
});

describe('the series of a real run, as the output file holds them', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });
  expectNoLeaks();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pm-rounding-'));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('holds every statistic of the whole snapshots to 9 significant digits', async () => {
    const file = path.join(tmp, 'iris.json');
    const { xs, ys } = loadIris();
    const model = tf.sequential({
      layers: [tf.layers.dense({ units: 8, inputShape: [4], activation: 'relu' }), tf.layers.dense({ units: 3, activation: 'softmax' })],
    });
    const optimizer = tf.train.adam(0.01);
    model.compile({ optimizer, loss: 'categoricalCrossentropy' });
    const monitor = paramMonitor({ logger: false, output: file });
    try {
      await model.fit(xs, ys, { epochs: 4, batchSize: 50, callbacks: [monitor] });
      await monitor.dispose();
    } finally {
      model.dispose();
      optimizer.dispose();
      xs.dispose();
      ys.dispose();
    }
    const doc = loadHistory(file);
    expect(doc.snapshots).toHaveLength(5);
    let moreDigits = 0;
    for (const snapshot of doc.snapshots) {
      for (const [name, s] of Object.entries(snapshot.stats)) {
        const series = doc.series.weights[name];
        const pairs: [number | null | undefined, number | null][] = [
          [s.mean, series.mean[snapshot.index]], [s.std, series.std[snapshot.index]], [s.l2Norm, series.l2Norm[snapshot.index]],
          [s.absMean, series.absMean[snapshot.index]], [s.drift?.relative, series.driftRelative[snapshot.index]],
          [s.fromStart?.relative, series.fromStartRelative[snapshot.index]],
        ];
        for (const [whole, rounded] of pairs) {
          if (whole == null || whole === 0) {
            expect(rounded).toBe(whole ?? null);
            continue;
          }
          expect(rounded).not.toBeNull();
          expect(significantDigits(rounded as number)).toBeLessThanOrEqual(9);
          expect(Math.abs((rounded as number) - whole)).toBeLessThanOrEqual(halfUnitOf9thDigit(whole) * (1 + 1e-12));
          if (significantDigits(whole) > 9) moreDigits += 1;
        }
      }
    }
    // The whole snapshots keep every float64 digit, so the rounding had work to do.
    expect(moreDigits).toBeGreaterThan(20);
  });
});

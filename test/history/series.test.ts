/**
 * The full-resolution series: every snapshot's scalars, compact, with null for absent values,
 * for weights that appear later, and for non-finite values.
 */
import { SeriesRecorder } from '../../src/history/series';
import type { WeightStats } from '../../src/history-types';
import { expectNoLeaks } from '../helpers/tensor-leaks';

function stats(mean: number | null, extra: Partial<WeightStats> = {}): WeightStats {
  return {
    count: 4, mean, std: 1, min: -1, max: 2, absMean: 0.5, l2Norm: 3, zeroCount: 1, zeroFraction: 0.25,
    nanCount: 0, infCount: 0, histogram: { min: -1, max: 2, counts: [1, 3] }, ...extra,
  };
}

describe('SeriesRecorder', () => {
  expectNoLeaks();

  it('records every column of every snapshot, drift columns null on a first snapshot', () => {
    const series = new SeriesRecorder();
    expect(series.append(0, undefined, { w: stats(1) })).toBe(0);
    expect(series.append(1, undefined, { w: stats(2, { drift: { l2: 1, relative: 0.5, maxAbs: 1, changedFraction: 1 }, fromStart: { relative: 0.25 } }) })).toBe(1);
    expect(series.toJSON()).toEqual({
      epoch: [0, 1],
      batch: [null, null],
      weights: {
        w: {
          mean: [1, 2], std: [1, 1], min: [-1, -1], max: [2, 2], absMean: [0.5, 0.5], l2Norm: [3, 3],
          zeroFraction: [0.25, 0.25], nanCount: [0, 0], infCount: [0, 0], driftRelative: [null, 0.5], fromStartRelative: [null, 0.25],
        },
      },
    });
  });

  it('gives null where a weight was not measured (it appeared in a later fit) and for non-finite values', () => {
    const series = new SeriesRecorder();
    series.append(0, 10, { a: stats(1) });
    series.append(0, 20, { a: stats(null), b: stats(Number.NaN, { max: Infinity }) });
    const json = series.toJSON();
    expect(json.batch).toEqual([10, 20]);
    expect(json.weights.a.mean).toEqual([1, null]);
    expect(json.weights.b.mean).toEqual([null, null]);
    expect(json.weights.b.max).toEqual([null, null]);
    expect(json.weights.b.std).toEqual([null, 1]);
  });

  it('grows by doubling and holds 88 bytes per weight per snapshot', () => {
    const series = new SeriesRecorder();
    for (let i = 0; i < 10_000; i += 1) series.append(i, undefined, { a: stats(i), b: stats(-i) });
    const json = series.toJSON();
    expect(json.epoch).toHaveLength(10_000);
    expect(json.weights.b.mean[9_999]).toBe(-9_999);
    const capacity = 16_384;
    expect(series.bytes()).toBe(capacity * 8 * 3 + capacity * 88 * 2); // epoch, batch and step columns
  });
});

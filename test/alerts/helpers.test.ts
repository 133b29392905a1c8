import { describeValue } from '../../src/describe-value';
import { formatNumber, formatOption, formatPercent, formatSnapshots } from '../../src/alerts/format-number';
import { median } from '../../src/alerts/median';
import { robustSpread } from '../../src/alerts/spread';

describe('formatNumber', () => {
  it.each<[number, string]>([
    [101770, '101770'],
    [999999, '999999'],
    [75943211520, '7.59e10'],
    [0, '0'],
    [3.21987, '3.22'],
    [-0.0012345, '-0.00123'],
    [1e-7, '1e-7'],
    [0.000345, '3.45e-4'],
    [1.5e7 + 0.5, '1.5e7'],
    [0.1 + 0.2, '0.3'],
    [NaN, 'NaN'],
    [-Infinity, '-Infinity'],
  ])('%p -> %p', (value, text) => {
    expect(formatNumber(value)).toBe(text);
  });

  it('adds digits until a value reads differently from the threshold it is compared with', () => {
    expect(formatNumber(1000.4, 1000)).toBe('1000.4');
    expect(formatNumber(1.0001, 1)).toBe('1.0001');
    expect(formatNumber(0.99e-7, 1e-7)).toBe('9.9e-8');
    expect(formatNumber(0.9999, 1)).toBe('0.9999');
    expect(formatNumber(1, 1)).toBe('1');
  });
});

describe('formatOption, formatPercent, formatSnapshots', () => {
  it('prints options as written, shares as percentages, counts with the right plural', () => {
    expect(formatOption(0.12345)).toBe('0.12345');
    expect(formatOption(1e-7)).toBe('1e-7');
    expect(formatPercent(0.125)).toBe('12.5%');
    expect(formatPercent(1e-6)).toBe('1e-4%');
    expect(formatSnapshots(1)).toBe('1 snapshot');
    expect(formatSnapshots(2)).toBe('2 snapshots');
  });
});

describe('median', () => {
  it('takes the middle value, or the mean of the two middle values', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
  });

  it('leaves its input unsorted', () => {
    const values = [3, 1, 2];
    median(values);
    expect(values).toEqual([3, 1, 2]);
  });

  it('rejects an empty list', () => {
    expect(() => median([])).toThrow(/at least one value/);
  });
});

describe('describeValue', () => {
  it.each<[unknown, string]>([
    [-1, '-1'],
    ['1', '"1"'],
    [null, 'null'],
    [undefined, 'undefined'],
    [NaN, 'NaN'],
    [/bias$/g, '/bias$/g'],
    [[1, 'a', [2]], '[1, "a", [...]]'],
    [{ a: 1, b: { c: 2 } }, '{a: 1, b: {...}}'],
    [() => 1, 'a function'],
    [10n, '10n'],
  ])('%p -> %p', (value, text) => {
    expect(describeValue(value)).toBe(text);
  });

  it('cuts long forms', () => {
    const text = describeValue('x'.repeat(200));
    expect(text).toHaveLength(80);
    expect(text.endsWith('...')).toBe(true);
  });
});

describe('robustSpread', () => {
  it('is 1.4826 x the median absolute deviation', () => {
    expect(robustSpread([1, 2, 3, 4, 100])).toBeCloseTo(1.4826, 12);
    expect(robustSpread([0.1, 0.3, 0.05, 0.2, 0.15])).toBeCloseTo(1.4826 * 0.05, 12);
  });

  it('is 0 for constant values and for one value', () => {
    expect(robustSpread([2, 2, 2])).toBe(0);
    expect(robustSpread([7])).toBe(0);
  });

  it('throws on an empty list, as median does', () => {
    expect(() => robustSpread([])).toThrow(/^median\(\) needs at least one value, but got \[\]\.$/);
  });
});

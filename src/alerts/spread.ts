import { median } from './median';

/**
 * Robust spread of a non-empty list: 1.4826 x the median absolute deviation from the median
 * (MAD), which equals the standard deviation for normally distributed values but ignores the
 * odd outlier, so one earlier spike does not hide the next.
 *
 * @example
 * robustSpread([1, 2, 3, 4, 100]); // 1.4826 (MAD 1; a standard deviation would say 39)
 * robustSpread([2, 2, 2]);         // 0
 */
export function robustSpread(values: readonly number[]): number {
  const center = median(values);
  return 1.4826 * median(values.map((value) => Math.abs(value - center)));
}

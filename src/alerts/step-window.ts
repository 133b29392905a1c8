import { median } from './median';
import { robustSpread } from './spread';

/**
 * The most recent steps of one weight (at most `capacity`, oldest dropped first), with their
 * median and robust spread (1.4826 x MAD) in O(log n) each, instead of sorting copies at every
 * snapshot.
 *
 * Kept twice: in arrival order (to know which step to drop) and sorted. Adding a step moves at most
 * `capacity` numbers; the median is read from the middle of the sorted copy; the MAD is the middle
 * of the absolute deviations, which form two sorted runs outward from the median (see
 * `nthDeviation`). The results are exactly those of `median` and `robustSpread` on the steps (the
 * same values, the same arithmetic). A non-finite step (an overflowed norm) has no place in a
 * sorted order that `NaN` agrees with, so while the window holds one, both are computed by those
 * sorting functions on the steps in arrival order, as before.
 *
 * @example
 * const window = new StepWindow(3);
 * [1, 2, 3, 100].forEach((step) => window.push(step)); // keeps 2, 3, 100
 * window.median();       // 3
 * window.robustSpread(); // 1.4826 (MAD 1)
 */
export class StepWindow {
  /** The steps, oldest first. */
  private readonly steps: number[] = [];
  /** The finite steps, in increasing order: `sorted[0..finiteCount)`. */
  private sorted = new Float64Array(8);
  private finiteCount = 0;

  constructor(private readonly capacity: number) {}

  /** Steps in the window. */
  get length(): number {
    return this.steps.length;
  }

  /** Whether every step in the window is finite. */
  get allFinite(): boolean {
    return this.finiteCount === this.steps.length;
  }

  /** Add the newest step, dropping the oldest one when the window is full. */
  push(step: number): void {
    this.steps.push(step);
    if (Number.isFinite(step)) this.insert(step);
    if (this.steps.length > this.capacity) {
      const oldest = this.steps.shift() as number;
      if (Number.isFinite(oldest)) this.remove(oldest);
    }
  }

  /** Median of the steps; the window must not be empty. */
  median(): number {
    if (this.finiteCount !== this.steps.length) return median(this.steps);
    const sorted = this.sorted;
    const middle = this.finiteCount >> 1;
    return this.finiteCount % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  }

  /** 1.4826 x the median absolute deviation of the steps from their median (see `robustSpread`). */
  robustSpread(): number {
    const n = this.steps.length;
    if (this.finiteCount !== n) return robustSpread(this.steps);
    const center = this.median();
    const split = lowerBound(this.sorted, n, center);
    const middle = n >> 1;
    const deviation = nthDeviation(this.sorted, n, split, center, middle);
    if (n % 2 === 1) return 1.4826 * deviation;
    return 1.4826 * ((nthDeviation(this.sorted, n, split, center, middle - 1) + deviation) / 2);
  }

  private insert(step: number): void {
    if (this.finiteCount === this.sorted.length) {
      const grown = new Float64Array(Math.min(2 * this.sorted.length, Math.max(this.capacity + 1, 8)));
      grown.set(this.sorted);
      this.sorted = grown;
    }
    const at = upperBound(this.sorted, this.finiteCount, step);
    this.sorted.copyWithin(at + 1, at, this.finiteCount);
    this.sorted[at] = step;
    this.finiteCount += 1;
  }

  private remove(step: number): void {
    const at = lowerBound(this.sorted, this.finiteCount, step);
    this.sorted.copyWithin(at, at + 1, this.finiteCount);
    this.finiteCount -= 1;
  }
}

/**
 * The `rank`-th smallest (from 0) of the absolute deviations `|x - center|` of `sorted[0..n)`, where
 * `split` is the first index whose value is not below `center`. The deviations of the values
 * before `split` grow leftwards from it (run A), those of the others rightwards (run B): two sorted
 * runs, so a binary search for how many of the `rank + 1` smallest come from A finds it in
 * O(log n) steps instead of the O(n) of a merge (in a short run V8 never optimizes this code, so
 * every step of a loop costs).
 */
function nthDeviation(sorted: Float64Array, n: number, split: number, center: number, rank: number): number {
  // A's i-th deviation is |sorted[split - 1 - i] - center|, B's j-th |sorted[split + j] - center|.
  // Find the smallest count `taken` of A's deviations among the rank + 1 smallest such that A's
  // next one is not below the last one taken from B.
  let low = Math.max(0, rank + 1 - (n - split));
  let high = Math.min(rank + 1, split);
  while (low < high) {
    const taken = (low + high) >> 1;
    if (Math.abs(sorted[split - 1 - taken] - center) < Math.abs(sorted[split + rank - taken] - center)) low = taken + 1;
    else high = taken;
  }
  const lastOfA = low > 0 ? Math.abs(sorted[split - low] - center) : -1;
  const lastOfB = low <= rank ? Math.abs(sorted[split + rank - low] - center) : -1;
  return Math.max(lastOfA, lastOfB);
}

/** First index in `sorted[0..end)` whose value is not below `value`. */
function lowerBound(sorted: Float64Array, end: number, value: number): number {
  let low = 0;
  let high = end;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (sorted[mid] < value) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** First index in `sorted[0..end)` whose value is above `value`. */
function upperBound(sorted: Float64Array, end: number, value: number): number {
  let low = 0;
  let high = end;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (sorted[mid] <= value) low = mid + 1;
    else high = mid;
  }
  return low;
}

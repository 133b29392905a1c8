import { median } from './median';
import { robustSpread } from './spread';

/**
 * The most recent steps of one weight (at most `capacity`, oldest dropped first), with their
 * median and robust spread (1.4826 x MAD) at the cost of a lookup and a walk of half the window,
 * instead of sorting copies at every snapshot.
 *
 * Kept twice: in arrival order (to know which step to drop) and sorted. Adding a step moves at most
 * `capacity` numbers; the median is read from the middle of the sorted copy; the MAD is the middle
 * of the absolute deviations, which come out in increasing order from two walks outward from the
 * median, merged. The results are exactly those of `median` and `robustSpread` on the steps (the
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
  /** The finite steps, in increasing order: `sorted[0..finite)`. */
  private sorted = new Float64Array(8);
  private finite = 0;

  constructor(private readonly capacity: number) {}

  /** Steps in the window. */
  get length(): number {
    return this.steps.length;
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
    if (this.finite !== this.steps.length) return median(this.steps);
    const sorted = this.sorted;
    const middle = this.finite >> 1;
    return this.finite % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  }

  /** 1.4826 x the median absolute deviation of the steps from their median (see `robustSpread`). */
  robustSpread(): number {
    const n = this.steps.length;
    if (this.finite !== n) return robustSpread(this.steps);
    const center = this.median();
    const sorted = this.sorted;
    // The deviations of the steps below the center grow leftwards, those of the others rightwards:
    // merge the two runs up to the middle deviation (and the one before it, for an even count).
    let left = lowerBound(sorted, this.finite, center) - 1;
    let right = left + 1;
    const middle = n >> 1;
    let before = 0;
    let deviation = 0;
    for (let rank = 0; rank <= middle; rank += 1) {
      before = deviation;
      const fromLeft = left >= 0 ? Math.abs(sorted[left] - center) : -1;
      const fromRight = right < n ? Math.abs(sorted[right] - center) : -1;
      if (fromRight < 0 || (fromLeft >= 0 && fromLeft <= fromRight)) {
        deviation = fromLeft;
        left -= 1;
      } else {
        deviation = fromRight;
        right += 1;
      }
    }
    return 1.4826 * (n % 2 === 1 ? deviation : (before + deviation) / 2);
  }

  private insert(step: number): void {
    if (this.finite === this.sorted.length) {
      const grown = new Float64Array(Math.min(2 * this.sorted.length, Math.max(this.capacity + 1, 8)));
      grown.set(this.sorted);
      this.sorted = grown;
    }
    const at = upperBound(this.sorted, this.finite, step);
    this.sorted.copyWithin(at + 1, at, this.finite);
    this.sorted[at] = step;
    this.finite += 1;
  }

  private remove(step: number): void {
    const at = lowerBound(this.sorted, this.finite, step);
    this.sorted.copyWithin(at, at + 1, this.finite);
    this.finite -= 1;
  }
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

/**
 * Median of a non-empty list of numbers (mean of the two middle values for an even length).
 * Sorts a copy. The drift rule does not sort at every snapshot: it keeps its steps sorted
 * (`StepWindow`), and comes here only while a step is not finite.
 *
 * @example
 * median([3, 1, 2]);     // 2
 * median([4, 1, 3, 2]);  // 2.5
 */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median() needs at least one value, but got [].');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

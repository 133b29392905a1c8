/**
 * Which snapshots' histograms go to TensorBoard. Scalars are written at every snapshot; a
 * 30-bin histogram is 750 bytes, three times a weight's seven scalars (20,000 snapshots of the
 * demo model's four would alone make 60 MB), and TensorBoard keeps 500 histograms per tag anyway
 * (reservoir sampling at load). So: every snapshot's for the first 500, then every
 * 2nd for the next 500 written, every 4th for the next 500, and so on (the stride doubles each
 * time 500 more have been written), which bounds a long run's file (20,000 batch snapshots of the
 * demo model: 2,641 histograms per weight, measured sizes in docs/tensorboard.md). The output
 * adds the snapshot at which an alert started and the last one of each `fit`.
 */

/** Histograms written at every snapshot before the stride starts doubling. */
export const HISTOGRAMS_AT_FULL_RATE = 500;

/**
 * Whether the snapshot at `index` (from 0, across `fit` calls) has its histograms written.
 * @example
 * histogramsDue(499) // true
 * histogramsDue(501) // false: from 500 on, every 2nd
 */
export function histogramsDue(index: number): boolean {
  const stride = 2 ** Math.floor(Math.log2(index / HISTOGRAMS_AT_FULL_RATE + 1));
  return index % stride === 0;
}

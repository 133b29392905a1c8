/**
 * For custom-loop tests: copies of a model's weights taken by the test itself after each step,
 * and the check of a monitor's snapshots against the float64 reference computed from them.
 */
import type * as tf from '@tensorflow/tfjs';
import type { HistoryDocument } from '../../src/history-types';
import { compareStats, referenceStats } from './reference';

/** Weight name -> its values, as the test read them. */
export type WeightCopies = Map<string, Float32Array>;

/** Reads every weight of `model` now (the test's own copy, independent of the monitor). */
export function copyWeights(model: tf.LayersModel): WeightCopies {
  return new Map(model.weights.map((w) => [w.name, Float32Array.from(w.read().dataSync())]));
}

/**
 * Compares every snapshot that has a `step` with the float64 reference of the copies the test
 * took at that step: the statistics, the drift against the previous snapshot's copies and
 * `fromStart` against the first's. Returns one line per mismatch (none when all agree).
 */
export function stepSnapshotErrors(history: HistoryDocument, copiesAtStep: Map<number, WeightCopies>, bins = 30): string[] {
  const config = { bins, zeroTolerance: 0 };
  const norm = (a: Float32Array) => referenceStats({ value: a }, config).stats.l2Norm;
  const snapshots = history.snapshots.filter((s) => s.step !== undefined);
  const errors: string[] = [];
  snapshots.forEach((snapshot, i) => {
    const now = copiesAtStep.get(snapshot.step as number);
    if (now === undefined) {
      errors.push(`no copy taken at step ${snapshot.step}`);
      return;
    }
    const before = i === 0 ? undefined : copiesAtStep.get(snapshots[i - 1].step as number);
    const first = copiesAtStep.get(snapshots[0].step as number) as WeightCopies;
    for (const [name, stats] of Object.entries(snapshot.stats)) {
      const value = now.get(name) as Float32Array;
      const previous = before?.get(name);
      const initial = first.get(name) as Float32Array;
      const ref = referenceStats(previous === undefined ? { value } : {
        value, previous, previousL2: norm(previous), initial, initialL2: norm(initial),
      }, config);
      errors.push(...compareStats(stats, ref).map((m) => `${name} at step ${snapshot.step}: ${m}`));
    }
  });
  return errors;
}

/** The alerts at warn or error severity that started (a healthy run has none). */
export function warnings(history: HistoryDocument): string[] {
  return history.alerts.filter((a) => a.severity !== 'info' && a.status === 'started').map((a) => a.message);
}

/**
 * What a history says TensorBoard should read: the scalar points of every series column, the
 * histogram of each kept snapshot as TensorBoard's [k, 3] rows, the alerts as text rows, each at
 * its step. Shared by the tests of the `tensorboard` option, the CLI command and the check by
 * TensorBoard itself.
 */
import type { HistoryDocument, Histogram } from '../../src';
import { eventFilesIn, readEventFile, seriesByTag } from './event-file-reader';

export const STATISTICS = ['l2Norm', 'mean', 'std', 'driftRelative', 'zeroFraction', 'nanCount', 'infCount'] as const;

/** The gradient figures written under `<weight>/gradient/` (option `gradients`). */
export const GRADIENT_STATISTICS = ['l2Norm', 'maxNorm', 'meanNorm', 'updateRatio'] as const;

/**
 * `expected` when `read` is it to float32 precision (the float32 nearest to it, or the next one:
 * the history rounds to 9 digits, which can cross the midpoint between two float32), else `read`.
 */
export function asFloat32Of(read: number, expected: number | undefined): number {
  if (expected === undefined) return read;
  if (read === Math.fround(expected)) return expected;
  return Math.abs(read - expected) <= Math.abs(expected) * 2 ** -23 ? expected : read;
}

export const stepAt = (history: HistoryDocument, j: number) => history.series.step?.[j] ?? history.series.batch[j] ?? history.series.epoch[j];

/** Per tag `<weight>/<statistic>`: [step, value] of every non-null point of the series, in order. */
export function expectedScalars(history: HistoryDocument): Record<string, [number, number][]> {
  const out: Record<string, [number, number][]> = {};
  for (const [weight, columns] of Object.entries(history.series.weights)) {
    for (const statistic of STATISTICS) {
      const points: [number, number][] = [];
      columns[statistic].forEach((value, j) => { if (value !== null) points.push([stepAt(history, j), value]); });
      out[`${weight}/${statistic}`] = points;
    }
  }
  for (const [weight, columns] of Object.entries(history.series.gradients ?? {})) {
    for (const statistic of GRADIENT_STATISTICS) {
      const points: [number, number][] = [];
      columns[statistic].forEach((value, j) => { if (value !== null) points.push([stepAt(history, j), value]); });
      out[`${weight}/gradient/${statistic}`] = points;
    }
  }
  return out;
}

/** TensorBoard's rows (left, right, count) for a history histogram, computed here from its definition. */
export function expectedRows(h: Histogram): number[] {
  if (h.min === null || h.max === null) return [];
  const total = h.counts.reduce((a, b) => a + b, 0);
  if (h.min === h.max) return [h.min, h.max, total];
  const k = h.counts.length;
  return h.counts.flatMap((count, i) => [h.min! + (i * (h.max! - h.min!)) / k, i === k - 1 ? h.max! : h.min! + ((i + 1) * (h.max! - h.min!)) / k, count]);
}

/**
 * Per histogram tag (the weight's name, and `<weight>/gradient` for its gradient): step -> rows,
 * for every snapshot the history kept whole.
 */
export function expectedHistograms(history: HistoryDocument): Record<string, Map<number, number[]>> {
  const out: Record<string, Map<number, number[]>> = {};
  for (const snapshot of history.snapshots) {
    const step = snapshot.step ?? snapshot.batch ?? snapshot.epoch;
    for (const [weight, stats] of Object.entries(snapshot.stats)) (out[weight] ??= new Map()).set(step, expectedRows(stats.histogram));
    for (const [weight, stats] of Object.entries(snapshot.gradients ?? {})) {
      (out[`${weight}/gradient`] ??= new Map()).set(step, expectedRows(stats.histogram));
    }
  }
  return out;
}

/** [step, row] of every alert, in order. */
export function expectedAlertRows(history: HistoryDocument): [number, string][] {
  return history.alerts.map((a) => [a.step ?? a.batch ?? a.epoch, `${a.severity} ${a.kind} ${a.status}: ${a.message}`]);
}

/** Edges equal to float64 rounding (the writer and this file compute min + i * width the same way). */
export function expectRowsClose(actual: number[], expected: number[]): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((x, i) => {
    if (i % 3 === 2) expect(x).toBe(expected[i]);
    else expect(Math.abs(x - expected[i])).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(expected[i])));
  });
}

/** The one event file in `folder`, read whole. */
export function readFolder(folder: string) {
  const files = eventFilesIn(folder);
  expect(files).toHaveLength(1);
  const read = readEventFile(files[0]);
  expect(read.tornBytes).toBe(0);
  return read;
}

/** Every scalar, histogram and alert the history holds is in the file, and nothing else. */
export function expectFileMatchesHistory(folder: string, history: HistoryDocument, histograms: 'every' | 'some' = 'every'): void {
  const { events } = readFolder(folder);
  expect(events[0]).toMatchObject({ step: 0, fileVersion: 'brain.Event:2' });
  expectSeriesMatchHistory(seriesByTag(events.slice(1)), history, histograms);
}

/** A point of a tag as read back, by the test's reader or by TensorBoard. */
export type ReadPoint = { step: number; values: number[] | string[]; shape: number[]; plugin: string | null };

/**
 * The series read back, per tag, hold exactly what the history says: each scalar point (to the
 * history's 9 digits), each histogram's rows, the alerts as text rows at their steps.
 */
export function expectSeriesMatchHistory(byTag: Map<string, ReadPoint[]>, history: HistoryDocument, histograms: 'every' | 'some' = 'every'): void {
  const scalars = expectedScalars(history);
  const rows = expectedHistograms(history);
  const histogramTags = Object.keys(rows);
  const tags = [...byTag.keys()].sort();
  const withPoints = Object.keys(scalars).filter((tag) => scalars[tag].length > 0);
  expect(tags).toEqual([...withPoints, ...histogramTags, ...(history.alerts.length > 0 ? ['alerts'] : [])].sort());
  for (const [tag, points] of Object.entries(scalars)) {
    const read = byTag.get(tag) ?? [];
    expect({ tag, plugin: read[0]?.plugin }).toEqual({ tag, plugin: points.length > 0 ? 'scalars' : undefined });
    // TensorBoard keeps scalars as float32: each equals the history's value to float32 precision.
    const asRead = read.map((p, i) => [p.step, asFloat32Of(p.values[0] as number, points[i]?.[1])]);
    expect({ tag, points: asRead }).toEqual({ tag, points });
  }
  for (const weight of histogramTags) {
    const read = byTag.get(weight) ?? [];
    expect(read[0]?.plugin).toBe('histograms');
    if (histograms === 'every') expect(read.map((p) => p.step)).toEqual([...rows[weight].keys()].filter((step) => rows[weight].get(step)!.length > 0));
    for (const point of read) {
      expect(point.shape).toEqual([point.values.length / 3, 3]);
      expectRowsClose(point.values as number[], rows[weight].get(point.step)!);
    }
  }
  const alertRows = (byTag.get('alerts') ?? []).flatMap((p) => (p.values as string[]).map((row) => [p.step, row]));
  expect(alertRows).toEqual(expectedAlertRows(history));
}

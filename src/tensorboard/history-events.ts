/**
 * A saved history as TensorBoard events (the CLI's `tensorboard` command), so runs recorded
 * without the `tensorboard` option, or before it existed, can be viewed too. The scalars come
 * from `series`, which holds every snapshot taken; the histograms from the whole snapshots the
 * history kept (at most `maxSnapshots`, thinned evenly); the alerts at their steps. Steps and
 * tags are those the `tensorboard` option writes during training.
 */
import type { Alert, GradientSeries, HistoryDocument, WeightSeries } from '../history-types';
import { EventFile } from './event-file';
import { EventWriter, GradientScalarSource, ScalarSource, alertLine, stepOf } from './event-writer';

export interface HistoryEventsResult {
  /** The event file written. */
  file: string;
  /** Snapshots (series columns) written. */
  snapshots: number;
  /** Snapshots written with their histograms. */
  histograms: number;
  alerts: number;
  bytes: number;
}

/** The scalars of series column `j`, per weight. */
function scalarsAt(weights: Record<string, WeightSeries>, j: number): Record<string, ScalarSource> {
  const scalars: Record<string, ScalarSource> = {};
  for (const [name, s] of Object.entries(weights)) {
    scalars[name] = {
      l2Norm: s.l2Norm[j], mean: s.mean[j], std: s.std[j], zeroFraction: s.zeroFraction[j],
      nanCount: s.nanCount[j], infCount: s.infCount[j], drift: { relative: s.driftRelative[j] },
    };
  }
  return scalars;
}

/** The gradient figures of series column `j`, per weight that has them. */
function gradientsAt(gradients: Record<string, GradientSeries>, j: number): Record<string, GradientScalarSource> {
  const values: Record<string, GradientScalarSource> = {};
  for (const [name, g] of Object.entries(gradients)) {
    values[name] = { l2Norm: g.l2Norm[j] ?? null, maxNorm: g.maxNorm[j] ?? null, meanNorm: g.meanNorm[j] ?? null, updateRatio: g.updateRatio[j] ?? null };
  }
  return values;
}

/**
 * Writes `history` as one new event file in `folder` (created if missing), flushed to disk.
 * @param option how the folder was named, for the error message
 * @throws {RangeError} when the folder cannot be written
 */
export function writeHistoryEvents(history: HistoryDocument, folder: string, option = 'tensorboard'): HistoryEventsResult {
  const { series } = history;
  const kept = new Map(history.snapshots.map((s) => [s.index, s]));
  const firstTime = history.snapshots.length > 0 ? Date.parse(history.snapshots[0].time) / 1000 : Date.now() / 1000;
  const writer = new EventWriter(new EventFile(option, folder, firstTime));
  const alerts = history.alerts;
  let next = 0; // the first alert not written yet
  let wallTime = firstTime;
  let histograms = 0;
  /** Alerts of steps before `step`, each step's as one event. */
  const alertsBefore = (step: number) => {
    while (next < alerts.length && stepOf(alerts[next]) < step) {
      const at = stepOf(alerts[next]);
      const group: Alert[] = [];
      while (next < alerts.length && stepOf(alerts[next]) === at) group.push(alerts[next++]);
      writer.write(at, wallTime, { alertLines: group.map(alertLine) });
    }
  };
  try {
    for (let j = 0; j < series.epoch.length; j += 1) {
      const step = stepOf({ epoch: series.epoch[j], batch: series.batch[j], step: series.step?.[j] });
      const snapshot = kept.get(j);
      if (snapshot) wallTime = Date.parse(snapshot.time) / 1000;
      alertsBefore(step);
      const group: Alert[] = [];
      while (next < alerts.length && stepOf(alerts[next]) === step) group.push(alerts[next++]);
      if (snapshot) histograms += 1;
      writer.write(step, wallTime, {
        scalars: scalarsAt(series.weights, j), histograms: snapshot?.stats,
        gradients: series.gradients && gradientsAt(series.gradients, j), gradientHistograms: snapshot?.gradients, alertLines: group.map(alertLine),
      });
    }
    alertsBefore(Infinity);
  } finally {
    writer.file.close();
  }
  return { file: writer.file.file, snapshots: series.epoch.length, histograms, alerts: alerts.length, bytes: writer.file.bytes };
}

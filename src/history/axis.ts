/**
 * The axis a history is read along: epochs for `fit`, optimizer steps for a custom training loop
 * (`attach()`), whose snapshots all stay at epoch 0. The log, the command and the report show a
 * snapshot's or an alert's place on it.
 */
import type { HistoryDocument } from '../history-types';

export interface HistoryAxis {
  /** `step` when every snapshot of the history has a step (a custom loop), else `epoch`. */
  unit: 'epoch' | 'step';
  /** The place of every snapshot of `series` on the axis. */
  values: number[];
  /** The place of a snapshot, an alert or a run start on the axis. */
  at(item: { epoch: number; step?: number }): number;
}

/**
 * @example
 * historyAxis(history).unit;  // 'step' for a history written by attach(), 'epoch' for fit
 */
export function historyAxis(history: HistoryDocument): HistoryAxis {
  const steps = history.series.step;
  if (steps !== undefined && steps.length > 0 && steps.every((s) => s !== null)) {
    return { unit: 'step', values: steps as number[], at: (item) => item.step ?? 0 };
  }
  return { unit: 'epoch', values: history.series.epoch, at: (item) => item.epoch };
}

/**
 * What the runs of a history were, e.g. `2 fit calls`, `1 custom loop (attach)`.
 * @example
 * describeRuns(history);  // '1 fit call and 1 custom loop (attach)'
 */
export function describeRuns(history: HistoryDocument): string {
  const loops = history.runs.filter((run) => run.startStep !== undefined).length;
  const fits = history.runs.length - loops;
  const parts = [
    ...(fits > 0 || loops === 0 ? [`${fits} fit call${fits === 1 ? '' : 's'}`] : []),
    ...(loops > 0 ? [`${loops} custom loop${loops === 1 ? '' : 's'} (attach)`] : []),
  ];
  return parts.join(' and ');
}

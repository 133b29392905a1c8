/** One line that says what a history covers: fit calls, epochs, snapshots, alerts by severity. */
import type { HistoryDocument } from '../history-types';

/**
 * @example
 * runOutline(history);  // '2 fit calls, epochs 0-5, 6 snapshots; alerts: 0 error, 2 warn, 0 info'
 */
export function runOutline(history: HistoryDocument): string {
  const epochs = history.series.epoch;
  const span = epochs.length === 0 ? 'no snapshots' :
    `epochs ${epochs[0]}-${epochs[epochs.length - 1]}, ${epochs.length} snapshot${epochs.length === 1 ? '' : 's'}`;
  const started = history.alerts.filter((a) => a.status === 'started');
  const count = (severity: string) => started.filter((a) => a.severity === severity).length;
  const runs = history.runs.length;
  return `${runs} fit call${runs === 1 ? '' : 's'}, ${span}; alerts: ${count('error')} error, ${count('warn')} warn, ${count('info')} info`;
}

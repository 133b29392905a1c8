/** One line that says what a history covers: fit calls, epochs, snapshots, alerts by severity. */
import type { HistoryDocument } from '../history-types';
import { describeRuns, historyAxis } from '../history/axis';

/**
 * @example
 * runOutline(history);  // '2 fit calls, epochs 0-5, 6 snapshots; alerts: 0 error, 2 warn, 0 info'
 * runOutline(loop);     // '1 custom loop (attach), steps 0-200, 9 snapshots; alerts: 0 error, 0 warn, 0 info'
 */
export function runOutline(history: HistoryDocument): string {
  const { unit, values } = historyAxis(history);
  const span = values.length === 0 ? 'no snapshots' :
    `${unit}s ${values[0]}-${values[values.length - 1]}, ${values.length} snapshot${values.length === 1 ? '' : 's'}`;
  const started = history.alerts.filter((a) => a.status === 'started');
  const count = (severity: string) => started.filter((a) => a.severity === severity).length;
  return `${describeRuns(history)}, ${span}; alerts: ${count('error')} error, ${count('warn')} warn, ${count('info')} info`;
}

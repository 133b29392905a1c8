/** `alerts <file> [--severity warn] [--kind drift,frozen]`: the alerts in the order raised. */
import type { Alert, AlertKind, AlertSeverity, HistoryDocument } from '../history-types';
import { ALERT_KINDS } from '../alerts/options';
import { atLeast } from '../report/weight-summary';
import { textTable } from './text-table';

/** Every kind an alert in a history can have (the rules' kinds and the monitor's own). */
export const HISTORY_ALERT_KINDS: readonly AlertKind[] = [...new Set<AlertKind>([...ALERT_KINDS, 'monitor-error'])];

export interface AlertFilter {
  /** Lowest severity shown. */
  severity: AlertSeverity;
  /** Kinds shown; all when undefined. */
  kinds?: AlertKind[];
}

/** What `alerts --json` prints. */
export interface AlertsOutput {
  file: string;
  /** Alerts in the history before filtering. */
  total: number;
  alerts: Alert[];
}

/**
 * Parses `--kind drift,frozen` into kinds, or throws a RangeError naming the bad one.
 *
 * @example
 * parseKinds('drift,frozen');  // ['drift', 'frozen']
 */
export function parseKinds(text: string): AlertKind[] {
  const kinds = text.split(',').map((k) => k.trim()).filter((k) => k !== '');
  if (kinds.length === 0) throw new RangeError(`--kind needs at least one alert kind (${HISTORY_ALERT_KINDS.join(', ')})`);
  for (const kind of kinds) {
    if (!(HISTORY_ALERT_KINDS as readonly string[]).includes(kind)) {
      throw new RangeError(`unknown alert kind "${kind}" in --kind (known: ${HISTORY_ALERT_KINDS.join(', ')})`);
    }
  }
  return kinds as AlertKind[];
}

export function alertsData(file: string, history: HistoryDocument, filter: AlertFilter): AlertsOutput {
  const alerts = history.alerts.filter((a) => atLeast(a.severity, filter.severity)
    && (filter.kinds === undefined || filter.kinds.includes(a.kind)));
  return { file, total: history.alerts.length, alerts };
}

/** Where an alert happened: `3` (epoch 3), `3 (batch 120)` for batch snapshots, `step 40` in a custom loop. */
export function alertWhen(alert: Alert): string {
  if (alert.step !== undefined) return alert.epoch > 0 ? `step ${alert.step} (epoch ${alert.epoch})` : `step ${alert.step}`;
  return alert.batch === undefined ? String(alert.epoch) : `${alert.epoch} (batch ${alert.batch})`;
}

export function alertsText(data: AlertsOutput): string {
  if (data.alerts.length === 0) {
    return data.total === 0 ? 'no alerts\n' : `no alerts match (${data.total} in the file)\n`;
  }
  const table = textTable(
    [{ heading: data.alerts.every((a) => a.step !== undefined) ? 'when' : 'epoch', align: 'right' }, { heading: 'severity', align: 'left' }, { heading: 'kind', align: 'left' },
      { heading: 'status', align: 'left' }, { heading: 'message', align: 'left' }],
    data.alerts.map((a) => [alertWhen(a), a.severity, a.kind, a.status, a.message]),
  );
  return `${table}\n${data.alerts.length} of ${data.total} alerts\n`;
}

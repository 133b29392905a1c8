/**
 * Alert episodes for the timeline: a condition on a weight from the epoch it started to the
 * epoch it cleared (or the end of the history when it never did).
 */
import type { AlertKind, AlertSeverity, HistoryDocument } from '../history-types';
import { historyAxis } from '../history/axis';

export interface AlertEpisode {
  kind: AlertKind;
  severity: AlertSeverity;
  /** Null for model-wide alerts. */
  weight: string | null;
  layer: string | null;
  from: number;
  /** Where it cleared, or the end of the history when it still held (epochs, or steps for a custom loop). */
  to: number;
  cleared: boolean;
  /** The message of the alert that started it. */
  message: string;
}

/** Episodes in the order they started. */
export function alertEpisodes(history: HistoryDocument): AlertEpisode[] {
  const axis = historyAxis(history);
  const lastEpoch = axis.values.length === 0 ? 0 : axis.values[axis.values.length - 1];
  const episodes: AlertEpisode[] = [];
  const open = new Map<string, AlertEpisode>();
  for (const alert of history.alerts) {
    const key = `${alert.kind}\u0000${alert.weight ?? ''}`;
    if (alert.status === 'started') {
      const episode: AlertEpisode = {
        kind: alert.kind, severity: alert.severity, weight: alert.weight, layer: alert.layer,
        from: axis.at(alert), to: Math.max(axis.at(alert), lastEpoch), cleared: false, message: alert.message,
      };
      episodes.push(episode);
      open.set(key, episode);
    } else if (alert.status === 'cleared') {
      const episode = open.get(key);
      if (episode !== undefined) {
        episode.to = axis.at(alert);
        episode.cleared = true;
        open.delete(key);
      }
    }
  }
  return episodes;
}

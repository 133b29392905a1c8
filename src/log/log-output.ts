/**
 * The log as one of the monitor's outputs: the census line (when it changes, so a loop of `fit`
 * calls logs it once), a line per snapshot (per weight at debug), a line per alert, and the
 * per-layer summary table at the end of each `fit` or at `dispose()` (the `summary` option).
 */
import type { Alert, ModelRecord, Snapshot, WeightRecord } from '../history-types';
import type { CensusEvent, FitEndEvent, MonitorOutput } from '../output';
import { censusLine, snapshotLine, summaryTable, weightLine } from './log-format';
import type { LogSink } from './log-sink';

export class LogOutput implements MonitorOutput {
  /** What the last census line said. */
  private censusLogged: string | null = null;
  private model: { model: ModelRecord; weights: WeightRecord[] } | null = null;
  private last: Snapshot | undefined;
  /** Epochs completed, for the summary's record. */
  private epoch = 0;
  private readonly alerts: Alert[] = [];

  /** @param sink also used by the monitor for its own records; closed by `close()` */
  constructor(private readonly sink: LogSink, private readonly summary: 'dispose' | 'fit' | false) {}

  census(event: CensusEvent): void {
    this.model = { model: event.model, weights: event.weights };
    this.epoch = event.epoch;
    const line = censusLine(event.model, event.watched, event.backend);
    if (line === this.censusLogged) return;
    this.censusLogged = line;
    this.sink.log('info', line, {
      event: 'census', epoch: event.epoch, totalParams: event.model.totalParams,
      trainableParams: event.model.trainableParams, nonTrainableParams: event.model.nonTrainableParams,
    });
  }

  snapshot(snapshot: Snapshot, alerts: readonly Alert[]): void {
    this.last = snapshot;
    const { epoch, batch, step, stats } = snapshot;
    if (this.sink.enabled('info')) { // the line is built only for a logger that takes it
      this.sink.log('info', snapshotLine(snapshot, alerts as Alert[]), {
        event: 'snapshot', epoch, batch, step, weights: Object.keys(stats).length, computeMs: snapshot.computeMs,
      });
    }
    if (this.sink.enabled('debug')) {
      for (const name of Object.keys(stats)) {
        this.sink.log('debug', weightLine(snapshot, name), { event: 'weight', epoch, batch, step, weight: name, ...stats[name] });
      }
    }
    for (const alert of alerts) this.alert(alert);
  }

  alert(alert: Alert): void {
    this.alerts.push(alert);
    const { message, ...meta } = alert;
    // A condition that clears is good news: logged at info, recorded with its kind's severity.
    this.sink.log(alert.status === 'cleared' ? 'info' : alert.severity, message, { event: 'alert', ...meta });
  }

  fitEnd(event: FitEndEvent): void {
    this.last = event.lastSnapshot;
    this.epoch = event.epoch;
    if (this.summary === 'fit') this.logSummary();
  }

  /** Logs the summary (with `summary: 'dispose'`), then closes the log file. */
  close(): void {
    if (this.summary === 'dispose') this.logSummary();
    this.sink.close();
  }

  private logSummary(): void {
    if (!this.model) return;
    this.sink.log('info', summaryTable(this.model.model, this.model.weights, this.last, this.alerts), { event: 'summary', epoch: this.epoch });
  }
}

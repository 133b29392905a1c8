/**
 * Where the monitor's records go, in order: a measured snapshot into the history, through the
 * alert rules, then to every output (../output.ts) and to `onAlert`; an alert raised outside a
 * snapshot (the census's, the monitor's own) the same way. Keeps the monitor's own failures as
 * the `monitor-error` condition.
 */
import { describePosition, type TrainingPosition } from '../alerts/alert-message';
import type { AlertEngine } from '../alerts/engine';
import { addUpdateRatios } from '../gradients/gradient-recorder';
import type { HistoryRecorder } from '../history/recorder';
import type { Alert, AlertKind, GradientStats, WeightStats } from '../history-types';
import type { LogSink } from '../log/log-sink';
import type { ResolvedMonitorOptions } from '../monitor-options';
import type { CensusEvent, MonitorOutput } from '../output';

export class RecordKeeper {
  /** Message of the `monitor-error` condition that holds, if any (reported once, then cleared). */
  private failing: string | null = null;

  constructor(
    private readonly history: HistoryRecorder,
    private readonly engine: AlertEngine,
    /** In the order every event goes to them (../monitor-outputs.ts); closed in the reverse order. */
    private readonly outputs: readonly MonitorOutput[],
    private readonly options: Pick<ResolvedMonitorOptions, 'alerts' | 'onAlert'>,
    private readonly sink: LogSink,
  ) {}

  /** A new census (each `fit`, `attach()`): to the alert rules and the outputs; `param-count` checked. */
  census(event: CensusEvent): void {
    this.engine.setWeights(event.weights);
    for (const output of this.outputs) output.census?.(event);
    this.raise(this.engine.checkCensus(event.model, event.epoch));
  }

  /** Adds a measured snapshot to the history, evaluates the alert rules on it, hands both to the outputs. */
  snapshot(at: TrainingPosition, started: number, ms: number,
    stats: Record<string, WeightStats>, gradients: Record<string, GradientStats> | null = null): void {
    if (gradients) addUpdateRatios(gradients, stats);
    const snapshot = this.history.addSnapshot({
      ...at, time: new Date(started).toISOString(), computeMs: Math.round(ms * 1000) / 1000,
    }, stats, gradients);
    const raised = this.engine.evaluate(snapshot);
    if (raised.some((alert) => alert.status === 'started')) this.history.pin(snapshot);
    for (const alert of raised) this.history.addAlert(alert);
    for (const output of this.outputs) output.snapshot?.(snapshot, raised, started);
    if (this.failing !== null) this.monitorError(at, null);
    for (const alert of raised) this.notify(alert);
  }

  /**
   * The monitor's own failures, as a condition: reported when one starts (or its message
   * changes), once, and cleared by the next snapshot that works. Honours `disable` and `severity`.
   */
  monitorError(at: TrainingPosition, message: string | null): void {
    const { disable, severity } = this.options.alerts;
    const previous = this.failing;
    this.failing = message;
    if (disable.includes('monitor-error') || message === previous) return;
    const base = {
      kind: 'monitor-error' as const, severity: severity['monitor-error'], weight: null, layer: null, ...at,
      value: null, threshold: null, count: 1,
    };
    this.raise([message === null
      ? { ...base, status: 'cleared', message: `tfjs-param-monitor takes snapshots again (${describePosition(at)}).` }
      : { ...base, status: 'started', message }]);
  }

  /** Whether a condition of this kind holds now (started now or earlier). */
  holds(kind: AlertKind): boolean {
    return kind === 'monitor-error' ? this.failing !== null : this.engine.isActive(kind);
  }

  /** Ends a `fit` call's run, or (with `step`) an attached run. */
  endRun(epoch: number, step?: number): void {
    this.history.endRun(epoch, step);
    const final = this.history.lastSnapshot;
    if (final) this.history.pin(final);
    for (const output of this.outputs) output.fitEnd?.({ epoch, lastSnapshot: final });
  }

  /** Closes every output, the log last. */
  close(): void {
    for (const output of [...this.outputs].reverse()) output.close();
  }

  /** Alerts raised outside a snapshot: to the history, the outputs, `onAlert`. */
  private raise(alerts: Alert[]): void {
    for (const alert of alerts) {
      this.history.addAlert(alert);
      for (const output of this.outputs) output.alert?.(alert);
      this.notify(alert);
    }
  }

  private notify(alert: Alert): void {
    if (!this.options.onAlert) return;
    try {
      this.options.onAlert(alert);
    } catch (error) {
      this.sink.log('error', `The \`onAlert\` callback threw: ${(error as Error).message}`, { event: 'onAlert-error' });
    }
  }
}

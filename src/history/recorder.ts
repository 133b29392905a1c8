/**
 * Everything the monitor records in a run, as plain numbers: the `fit` calls, the snapshots
 * (thinned to `maxSnapshots`), the full-resolution scalar series and the alerts; and the history
 * document made of them.
 */
import type {
  Alert, EnvironmentRecord, GradientStats, HistoryDocument, ModelRecord, Snapshot, TrainingRun, WeightRecord, WeightStats,
} from '../history-types';
import { SCHEMA_VERSION } from '../history-types';
import { SeriesRecorder } from './series';
import { SnapshotThinning } from './thinning';

/** What the document says beside the records: the settings and the model's census. */
export interface HistoryHeader {
  environment: EnvironmentRecord;
  options: HistoryDocument['options'];
  model: ModelRecord;
  weights: WeightRecord[];
}

export class HistoryRecorder {
  private readonly runs: TrainingRun[] = [];
  private readonly alertList: Alert[] = [];
  private readonly thinning: SnapshotThinning;
  private readonly series = new SeriesRecorder();
  /** Counts changes, so a writer can tell whether the document changed since it last wrote. */
  private changes = 0;

  constructor(maxSnapshots: number) {
    this.thinning = new SnapshotThinning(maxSnapshots);
  }

  get version(): number {
    return this.changes;
  }

  get alerts(): readonly Alert[] {
    return this.alertList;
  }

  /** A `fit` call begins, or with `startStep` a custom loop is attached. */
  startRun(startEpoch: number, startStep?: number): void {
    this.runs.push({
      startEpoch, endEpoch: null, startTime: new Date().toISOString(), endTime: null,
      ...(startStep === undefined ? {} : { startStep, endStep: null }),
    });
    this.changes += 1;
  }

  endRun(endEpoch: number, endStep?: number): void {
    const run = this.runs[this.runs.length - 1];
    if (!run) return;
    run.endEpoch = endEpoch;
    run.endTime = new Date().toISOString();
    if (endStep !== undefined) run.endStep = endStep;
    this.changes += 1;
  }

  addAlert(alert: Alert): void {
    this.alertList.push(alert);
    this.changes += 1;
  }

  /** Snapshots taken so far (kept or thinned). */
  get snapshotCount(): number {
    return this.series.size;
  }

  /** The newest snapshot, never thinned away. */
  get lastSnapshot(): Snapshot | undefined {
    return this.thinning.last;
  }

  /** Records a snapshot and returns it, with its `index`. */
  addSnapshot(
    fields: Omit<Snapshot, 'index' | 'stats' | 'gradients'>, stats: Record<string, WeightStats>,
    gradients?: Record<string, GradientStats> | null,
  ): Snapshot {
    this.changes += 1;
    const index = this.series.append(fields.epoch, fields.batch, stats, fields.step, gradients ?? undefined);
    const snapshot: Snapshot = { index, ...fields, stats, ...(gradients ? { gradients } : {}) };
    this.thinning.add(snapshot);
    return snapshot;
  }

  /** Keeps this snapshot whole through thinning (an alert started at it, or a `fit` ended). */
  pin(snapshot: Snapshot): void {
    this.thinning.pin(snapshot.index);
  }

  /** The history document. It shares arrays with the recorder: serialise it, don't keep it. */
  document(header: HistoryHeader): HistoryDocument {
    return {
      schemaVersion: SCHEMA_VERSION,
      ...header,
      runs: this.runs,
      snapshots: this.thinning.snapshots as Snapshot[],
      series: this.series.toJSON(),
      alerts: this.alertList,
    };
  }
}

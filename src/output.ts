/**
 * The contract between the monitor and what it writes: the log, the `output` history file,
 * TensorBoard event files. The monitor hands each event to every output in turn, the way winston
 * hands a record to its transports; a new output is a new folder that implements this, not new
 * branches in monitor.ts. Events carry plain numbers only, never tensors.
 */
import type { Alert, ModelRecord, Snapshot, WeightRecord } from './history-types';

/** How an output reports its own failures and recoveries: to the log, where training goes on. */
export type Report = (level: 'error' | 'info', message: string, meta: Record<string, unknown>) => void;

/** Training began (each `fit`): what the census found. */
export interface CensusEvent {
  model: ModelRecord;
  /** Every weight of the census, watched or not. */
  weights: WeightRecord[];
  /** How many of them the monitor watches. */
  watched: number;
  /** The tfjs backend, e.g. `wasm`. */
  backend: string;
  /** Epochs completed before this `fit`. */
  epoch: number;
}

/** A `fit` ended, after its last snapshot was recorded. */
export interface FitEndEvent {
  /** Epochs completed. */
  epoch: number;
  /** The newest snapshot, if any was taken. */
  lastSnapshot: Snapshot | undefined;
}

/**
 * One destination of the monitor's records. Every method is called on the training thread and
 * must not throw: a failure is the output's to report (through the log) and training goes on.
 */
export interface MonitorOutput {
  /** Training began: the census of the model. */
  census?(event: CensusEvent): void;
  /**
   * A snapshot was recorded in the history, with the alerts its rules raised (already in the
   * history too, so a document written now holds them); `time` is its `time` in ms since the
   * epoch, for an output that would otherwise parse the string.
   */
  snapshot?(snapshot: Snapshot, alerts: readonly Alert[], time: number): void;
  /** An alert raised outside a snapshot: the census's `param-count`, the monitor's own errors. */
  alert?(alert: Alert): void;
  /** A `fit` ended. */
  fitEnd?(event: FitEndEvent): void;
  /** `dispose()`: write what is left and release files. Called once. */
  close(): void;
}

/**
 * The `stopOn` option at work: once a condition of one of its kinds holds, stops a `fit` through
 * `model.stopTraining`, and a custom loop through its attached optimizer's steps being skipped
 * (the step driver asks `requested`). The request lasts until the next `fit` or `attach()`.
 */
import type * as tf from '@tensorflow/tfjs';
import type { AlertKind } from '../history-types';
import type { LogSink } from '../log/log-sink';

/** What stopping needs of the monitor. */
export interface StopHost {
  /** Whether a condition of this kind holds now. */
  holds(kind: AlertKind): boolean;
  /** The model being trained (throws when tfjs did not hand it over). */
  model(): tf.LayersModel;
  /** Epochs completed, for the log record. */
  epoch(): number;
  sink: LogSink;
}

export class StopOn {
  /**
   * Set when a `stopOn` condition holds; reset when the next `fit` begins. tfjs clears
   * `stopTraining` after `onTrainBegin`, so a stop asked for there is asked again at each batch.
   */
  private stopRequested = false;

  constructor(private readonly kinds: ReadonlySet<AlertKind>, private readonly host: StopHost) {}

  /** True once a `stopOn` condition holds (until `reset`). */
  get requested(): boolean {
    return this.stopRequested;
  }

  /** A new `fit` or `attach()` begins: training may go on. */
  reset(): void {
    this.stopRequested = false;
  }

  /** Stops training while a condition of a `stopOn` kind holds (started now or earlier). */
  check(): void {
    if (this.stopRequested) return;
    const kind = [...this.kinds].find((k) => this.host.holds(k));
    if (kind === undefined) return;
    this.stopRequested = true;
    this.setStopTraining();
    this.host.sink.log('warn', `stopping training: a ${kind} alert holds (stopOn)`, { event: 'stop', kind, epoch: this.host.epoch() });
  }

  /** After each batch: asks `fit` to stop again, if a stop was asked for (tfjs may have cleared it). */
  repeat(): void {
    if (this.stopRequested) this.setStopTraining();
  }

  private setStopTraining(): void {
    try {
      this.host.model().stopTraining = true;
    } catch (error) {
      this.host.sink.log('error', `could not stop training: ${(error as Error).message}`, { event: 'stop-error' });
    }
  }
}

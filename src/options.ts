/** Options of `paramMonitor()`. Validation lives in `validate-options.ts`. */
import type * as tf from '@tensorflow/tfjs';
import type { Logger } from 'winston';

export interface CoreOptions {
  /**
   * The model being trained. Needed only where tfjs does not hand the model to the monitor:
   * when the first entry of `callbacks` is a plain object (as `tfvis.show.fitCallbacks()`
   * returns), or when two copies of tfjs are installed side by side.
   * @default the model tfjs passes to the callback
   */
  model?: tf.LayersModel;
  /**
   * Histogram bins per weight (equal width over [min, max] of its finite elements).
   * @default 30
   */
  bins?: number;
  /**
   * An element counts as zero (`zeroCount`, `dead`) when |x| <= zeroTolerance.
   * @default 0
   */
  zeroTolerance?: number;
  /**
   * Take a snapshot every N epochs (plus one at training start and one at training end).
   * @default 1
   */
  everyEpochs?: number;
  /**
   * Take a snapshot every N batches instead of every N epochs; each snapshot then records
   * `batch`, the global batch count. Cannot be combined with `everyEpochs`.
   * @default undefined (snapshots follow epochs)
   */
  everyBatches?: number;
  /**
   * A winston logger (or `logger.child(...)`) used as is; `false` silences the monitor.
   * @default a console logger at level `info`
   */
  logger?: Logger | false;
  /**
   * Also write every log record as a JSON line to this file (added to the default logger, or
   * to a child of the given one).
   * @default undefined
   */
  logFile?: string;
}

export interface ResolvedCoreOptions {
  model: tf.LayersModel | undefined;
  bins: number;
  zeroTolerance: number;
  everyEpochs: number | null;
  everyBatches: number | null;
  logger: Logger | false | undefined;
  logFile: string | undefined;
}

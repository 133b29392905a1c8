/** Options of `paramMonitor()`. Validation lives in `validate-options.ts`. */
import type * as tf from '@tensorflow/tfjs';
import type { Logger } from 'winston';
import type { StatsOn } from './stats/engine-choice';

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
   * Where the statistics are computed: `'device'`, with tensor ops on the backend that trains the
   * model (on tfjs-node-gpu only a small vector per weight leaves the GPU); `'host'`, with fused
   * loops over the weights in host memory; `'auto'`, host on the `cpu` and `wasm` backends (whose
   * tensors live in host memory; about 40x and 5x faster there, see `npm run bench`) and device
   * elsewhere. Both give the same results to float32 rounding.
   * @default 'auto'
   */
  statsOn?: StatsOn;
  /**
   * A winston logger (or `logger.child(...)`) used as is; `false` silences the monitor.
   * @default a console logger at level `info`
   */
  logger?: Logger | false;
  /**
   * Also write every log record, debug included, as a JSON line to this file, through a logger of
   * the monitor's own (the `logger` is not modified; with `logger: false` only the file is
   * written). The folder must exist; the file is opened when the monitor is created.
   * @default undefined
   */
  logFile?: string;
  /**
   * Keep a copy of each weight's initial value and measure `fromStart` against it. `false` leaves
   * `fromStart` out of the snapshots and halves the memory the monitor holds: one copy of the
   * model's weights (for drift) instead of two.
   * @default true
   */
  fromStart?: boolean;
}

export interface ResolvedCoreOptions {
  model: tf.LayersModel | undefined;
  bins: number;
  zeroTolerance: number;
  everyEpochs: number | null;
  everyBatches: number | null;
  statsOn: StatsOn;
  logger: Logger | false | undefined;
  logFile: string | undefined;
  fromStart: boolean;
}

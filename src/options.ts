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
   * model (on a GPU only small vectors leave it, and the copies kept for drift stay in GPU
   * memory); `'host'`, with two fused passes (WebAssembly SIMD) over the weights in host memory;
   * `'auto'`, host on the `cpu` and `wasm` backends and on tfjs-node, CPU or GPU (on a GPU one
   * download of each weight per snapshot, measured on the CPU that GPU training leaves idle, the
   * copies out of GPU memory; docs/statistics.md) and device elsewhere, except on `webgl` with half-float
   * textures, where the device engine cannot run (docs/browser.md). Both give the same results to
   * float32 rounding.
   * @default 'auto'
   */
  statsOn?: StatsOn;
  /**
   * Where the host engine measures (it has no effect on the device engine): `'worker'`, on a
   * worker thread, which keeps the copies of the weights: a snapshot then costs the training
   * thread one copy of the weights, and they are measured on another core while the next batch
   * trains; `'main'`, on the training thread, before the callback returns; `'auto'`, the worker
   * when snapshots follow batches (`everyBatches`), the process has two cores or more and the
   * backend leaves a core idle (`cpu`, `wasm`; not tfjs-node's `tensorflow`, whose thread pool
   * already uses every core), the training thread otherwise; while the worker starts (28-50 ms),
   * `'auto'` measures on the training thread instead of making a batch wait for it. The worker holds the weights' bytes once more (the memory they are
   * copied into for it).
   * On the worker, a batch snapshot's statistics, alerts, log line and `stopOn` come at the end of
   * the next batch (or at the end of `fit`, and whenever the history is read); snapshots taken at
   * training start, at epochs and at the end of `fit` are complete before the callback returns.
   * @default 'auto'
   */
  thread?: 'auto' | 'main' | 'worker';
  /**
   * A winston logger (or `logger.child(...)`) used as is; `false` silences the monitor.
   * @default a console logger at level `info`
   */
  logger?: Logger | false;
  /**
   * Also append every log record, debug included, as a JSON line to this file (the `logger` is
   * not modified; with `logger: false` only the file is written). Missing folders are created and
   * the file is opened when the monitor is created; each record is written as it is logged, so
   * none is lost at exit, with or without `dispose()`. `{model}` in the path is replaced by the
   * name of the `model` option's model (see `output`). Two live monitors cannot write one file:
   * a monitor whose `logFile` another (not yet disposed) writes, as `logFile` or `output`, throws
   * a RangeError when it is created.
   * @default undefined
   */
  logFile?: string;
  /**
   * Keep the history document in this file as training goes: rewritten atomically (a temporary
   * file renamed over it) after the first snapshot, at the end of each `fit`, at `dispose()`, and
   * in between at most once a second and at most 2% of the time (soon after an alert starts). The
   * file is always a complete document that `loadHistory` reads. Missing folders are created and
   * the path is checked when the monitor is created; a write that fails later is logged once and
   * training goes on, the history kept in memory for `save()`. `{model}` in the path is replaced
   * by the name of the `model` option's model, so monitors side by side can share their options
   * and each write its own file. Two live monitors cannot write one file: a monitor whose `output`
   * another (not yet disposed) writes, as `output` or `logFile`, throws a RangeError when it is
   * created; `dispose()` frees the path.
   * @default undefined
   * @example
   * const files = { output: 'runs/gan/{model}.json', logFile: 'runs/gan/{model}.jsonl' };
   * paramMonitor({ model: discriminator, ...files }); // runs/gan/discriminator.json
   * paramMonitor({ model: combined, sharedWith: [discriminator], ...files }); // runs/gan/combined.json
   */
  output?: string;
  /**
   * Also write TensorBoard event files into this folder (created if missing), read by
   * `tensorboard --logdir` with no TensorFlow in the training process, on any backend. Per
   * snapshot: scalars `<weight>/<statistic>` (l2Norm, mean, std, driftRelative, zeroFraction,
   * nanCount, infCount), the histogram of each weight's finite elements (every snapshot for the
   * first 500, then ever more sparsely, see docs/tensorboard.md) and the alerts as text. The step
   * is the snapshot's epoch count, or its batch count with `everyBatches`: the steps
   * `tf.node.tensorBoard` gives its epoch and batch scalars. A writer thread appends the records,
   * so the training thread only copies numbers; `dispose()` and the process's exit write every
   * record and `fsync` the file, and a SIGKILL loses at most the writer's last poll interval
   * (10 to 250 ms) and tears at most one record.
   * @default undefined
   * @example
   * paramMonitor({ tensorboard: 'logs/run1' }) // then: tensorboard --logdir logs
   */
  tensorboard?: string;
  /**
   * Whole snapshots (statistics and histograms) kept in the history. Past it, older snapshots are
   * thinned evenly, always keeping the first and the newest, and, up to half the cap (the oldest
   * released first), the last of each `fit` and those at which an alert started; the scalar
   * `series` keeps every snapshot at full resolution.
   * @default 1000
   */
  maxSnapshots?: number;
  /**
   * When the per-layer summary table is logged: `'dispose'` once, when `dispose()` is called (so a
   * loop of `fit` calls reads like one run), `'fit'` at the end of every `fit`, `false` never.
   * @default 'dispose'
   */
  summary?: 'dispose' | 'fit' | false;
  /**
   * Keep a copy of each weight's initial value and measure `fromStart` against it. `false` leaves
   * `fromStart` out of the snapshots and halves the memory the monitor holds: one copy of the
   * model's weights (for drift) instead of two.
   * @default true
   */
  fromStart?: boolean;
  /**
   * Also watch the gradients: each snapshot then records, per weight, the statistics of the last
   * training step's gradient (as a weight's), the largest and mean gradient L2 norm and whether any
   * was NaN or Inf over every step since the previous snapshot, the update ratio, and dead output
   * units of Dense and Conv kernels; the `gradient-*` and `dead-units` alerts use them. The
   * optimizer's `applyGradients` is wrapped while `fit` runs (nothing is wrapped when false).
   * With `stopOn: ['gradient-non-finite']`, a step whose gradient holds NaN or Inf is not applied.
   * @default false
   */
  gradients?: boolean;
}

export interface ResolvedCoreOptions {
  model: tf.LayersModel | undefined;
  bins: number;
  zeroTolerance: number;
  everyEpochs: number | null;
  everyBatches: number | null;
  statsOn: StatsOn;
  /**
   * `'auto'` resolved: whether the host engine may measure on the worker. With `threadAuto`, only
   * where it wins on the backend of the snapshot (src/stats/thread-choice.ts).
   */
  thread: 'main' | 'worker';
  /** Whether `thread` was left to `'auto'`. */
  threadAuto: boolean;
  logger: Logger | false | undefined;
  logFile: string | undefined;
  output: string | undefined;
  tensorboard: string | undefined;
  maxSnapshots: number;
  summary: 'dispose' | 'fit' | false;
  fromStart: boolean;
  gradients: boolean;
}

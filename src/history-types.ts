/**
 * The parameter history document that `ParamMonitor.toJSON()` returns and the CLI reads.
 * Plain JSON: no tensors, no NaN or Infinity (an absent or undefined value is `null`).
 */

/**
 * Version of the history document layout. Fields are only ever added, never renamed.
 * 2 added `series`, `Snapshot.index` and `options.maxSnapshots`; `loadHistory` upgrades a version 1 file.
 * 3 added optional fields only (a version 2 file is a valid version 3 document): the optimizer
 * `step` of snapshots, alerts, runs and series taken in a custom training loop (`attach()`),
 * `options.everySteps`, and `WeightRecord.sharedWith`; with the `gradients` option,
 * `Snapshot.gradients`, `series.gradients` and `options.gradients`.
 */
export const SCHEMA_VERSION = 3;

/**
 * Equal-width histogram of the finite elements of a weight, numpy.histogram semantics:
 * `counts.length` bins over [min, max], every bin half-open except the last, which is closed.
 * The counts sum to the finite element count. When min === max (a constant weight) every finite
 * element is counted in the first bin; when there is no finite element min and max are null and
 * every count is 0.
 */
export interface Histogram {
  /** Left edge of the first bin: the smallest finite element; null when none is finite. */
  min: number | null;
  /** Right edge of the last bin: the largest finite element; null when none is finite. */
  max: number | null;
  /** Elements per bin, `bins` of them. */
  counts: number[];
}

/** Change of a weight since the previous snapshot of it. */
export interface DriftStats {
  /** ||W_t - W_prev||_2 over the elements finite in both snapshots. */
  l2: number | null;
  /** `l2 / ||W_prev||_2`; null when ||W_prev|| is 0 and the weight moved, or nothing is finite. */
  relative: number | null;
  /** max |W_t - W_prev| over the elements finite in both. */
  maxAbs: number | null;
  /** Share of all elements whose value changed at all (NaN staying NaN counts as unchanged). */
  changedFraction: number | null;
}

/** Change of a weight since the first snapshot of it (the initial weights). */
export interface FromStartStats {
  /** `||W_t - W_0|| / ||W_0||`; null when ||W_0|| is 0 and the weight moved. */
  relative: number | null;
}

/** Distribution of one weight at one snapshot. NaN and Inf elements are counted, never folded in. */
export interface WeightStats {
  /** Number of finite elements. */
  count: number;
  /** Mean of the finite elements; null when none is finite (likewise for the statistics below). */
  mean: number | null;
  /** Population standard deviation. */
  std: number | null;
  /** Smallest finite element. */
  min: number | null;
  /** Largest finite element. */
  max: number | null;
  /** Mean of |x|. */
  absMean: number | null;
  /** Euclidean norm, sqrt(sum of x^2). */
  l2Norm: number | null;
  /** Finite elements with |x| <= `zeroTolerance`. */
  zeroCount: number;
  /** `zeroCount / count`; null when count is 0. */
  zeroFraction: number | null;
  /** NaN elements. */
  nanCount: number;
  /** +Infinity and -Infinity elements. */
  infCount: number;
  /** Equal-width histogram of the finite elements over [min, max]. */
  histogram: Histogram;
  /** Absent on a weight's first snapshot. */
  drift?: DriftStats;
  /** Absent on a weight's first snapshot. */
  fromStart?: FromStartStats;
}

/**
 * The gradient of one weight at one snapshot (option `gradients: true`): the statistics of the
 * gradient of the last training step before the snapshot, with the same fields as a weight's
 * (no drift), plus running figures over every step since the previous snapshot.
 */
export interface GradientStats extends Omit<WeightStats, 'drift' | 'fromStart'> {
  /** Training steps (optimizer `applyGradients` calls) since the previous snapshot, the last one included. */
  steps: number;
  /** Global step count (from 1, across `fit` calls) of the last step, the one measured above. */
  step: number;
  /** Largest gradient L2 norm over those steps; null when a step's gradient was not finite. */
  maxNorm: number | null;
  /** Mean gradient L2 norm over those steps; null when a step's gradient was not finite. */
  meanNorm: number | null;
  /**
   * Whether the gradient of any of those steps held NaN or Inf (or had a squared norm beyond
   * float32, a norm above 1.8e19).
   */
  nonFinite: boolean;
  /**
   * Update ratio per step: the weight's relative drift since the previous snapshot divided by
   * `steps` (|Δw| / |w| per step; about 1e-3 is the usual rule of thumb). Null without drift.
   */
  updateRatio: number | null;
  /**
   * Output units (the kernel's last axis) of a Dense or Conv kernel whose incoming gradient was
   * exactly zero at every one of those steps. Absent for other weights.
   */
  deadUnits?: number;
  /** Output units counted by `deadUnits`. */
  units?: number;
}

/** One weight (tfjs variable) of the model, as the census found it. */
export interface WeightRecord {
  /** The tfjs variable name, e.g. `dense_Dense1/kernel`: the key used everywhere else. */
  name: string;
  /** Name of the layer that owns it. */
  layer: string;
  /** Class of that layer, e.g. `Dense`. */
  layerClass: string;
  /** The variable's shape. */
  shape: number[];
  /** tfjs dtype: `float32` or `int32`. */
  dtype: string;
  /** Element count: the product of `shape`. */
  size: number;
  /** False when either the layer or the variable says the weight is not trainable. */
  trainable: boolean;
  /** The layer's `trainable` flag. */
  layerTrainable: boolean;
  /** The variable's `trainable` flag. */
  variableTrainable: boolean;
  /**
   * Whether the optimizer updates it: membership in the trainable weights that `compile`
   * collected. Null before the model is compiled or where tfjs does not expose that list.
   */
  optimized: boolean | null;
  /**
   * True for state that the layer declares non-trainable and updates itself (BatchNormalization
   * `moving_mean` / `moving_variance`): it changes by design and is not a parameter.
   */
  movingStatistic: boolean;
  /**
   * Not trained by this model's own training but by the training of these other models, which
   * share its layer (the `sharedWith` option): its changes are expected, so it raises no
   * `changed-while-frozen` and no `frozen-by-design`. Absent when no other model trains it.
   */
  sharedWith?: string[];
}

/** One layer of the census. Nested models are flattened; a shared layer appears once. */
export interface LayerRecord {
  /** The layer's name, as in `WeightRecord.layer`. */
  name: string;
  /** Class name, e.g. `Dense`, `Conv2D`. */
  class: string;
  /** Element count of the layer's own weights (each variable counted once). */
  params: number;
  /** Elements of its trainable weights. */
  trainableParams: number;
  /** Elements of its non-trainable weights. */
  nonTrainableParams: number;
  /** The layer's `trainable` flag. */
  trainable: boolean;
  /** Names of the weights this layer owns. */
  weights: string[];
}

export interface ModelRecord {
  /** The model tfjs handed the callback (`Sequential.fit` hands its inner `<name>_model`). */
  name: string;
  /** Elements of every weight, each counted once; equals `model.countParams()`. */
  totalParams: number;
  /** Elements of the trainable weights. */
  trainableParams: number;
  /** Elements of the non-trainable weights. */
  nonTrainableParams: number;
  /** Every layer, nested models flattened, a shared layer once. */
  layers: LayerRecord[];
}

export interface EnvironmentRecord {
  /** Version of `@tensorflow/tfjs-core` in use. */
  tfjsVersion: string;
  /** tfjs backend name: `cpu`, `wasm`, `tensorflow` (tfjs-node), `webgl`, ... */
  backend: string;
  /** True when the backend runs on a GPU (tfjs-node-gpu with a CUDA device, or webgl/webgpu). */
  gpu: boolean;
  /** `@tensorflow/tfjs-node-gpu` is the package behind the `tensorflow` backend. */
  tfjsNodeGpuPackage: boolean;
  /** Node.js version; null outside Node.js. */
  nodeVersion: string | null;
  /** Version of tfjs-param-monitor that wrote the document. */
  monitorVersion: string;
  /** Where the statistics were computed (see the `statsOn` option). */
  statsPath: 'device' | 'host';
}

/** A snapshot of every watched weight, taken at training start and after epochs or batches. */
export interface Snapshot {
  /** Position of this snapshot among all snapshots taken (its column in `series`), from 0. */
  index: number;
  /** Epochs completed when it was taken (0: the initial weights). Counts across `fit` calls. */
  epoch: number;
  /** Global count of batches completed, on snapshots taken with `everyBatches`. */
  batch?: number;
  /**
   * Optimizer steps applied since `attach()` (0: the weights at `attach()`), on snapshots taken
   * in a custom training loop; counts across `attach()` calls.
   */
  step?: number;
  /** ISO-8601 time it was taken. */
  time: string;
  /**
   * Milliseconds the training thread spent on the snapshot, to the microsecond: reading the weights
   * and computing their statistics; for a batch snapshot on the measuring worker, copying the
   * weights out and any wait for the worker's answer (see the `thread` option).
   */
  computeMs: number;
  /** Statistics of every watched weight, keyed by weight name. */
  stats: Record<string, WeightStats>;
  /**
   * With the `gradients` option: the gradient of every watched weight the optimizer stepped since
   * the previous snapshot, keyed by weight name. Absent when no step happened since.
   */
  gradients?: Record<string, GradientStats>;
}

export type AlertKind =
  | 'non-finite'
  | 'frozen'
  | 'changed-while-frozen'
  | 'frozen-by-design'
  | 'dead'
  | 'drift'
  | 'exploding'
  | 'vanishing'
  | 'param-count'
  | 'gradient-non-finite'
  | 'gradient-vanishing'
  | 'gradient-exploding'
  | 'dead-units'
  /** The monitor itself failed to take a snapshot; training went on. */
  | 'monitor-error';

export type AlertSeverity = 'info' | 'warn' | 'error';

/** One alert raised during training. */
export interface Alert {
  /** What happened: see the README's table of alert kinds. */
  kind: AlertKind;
  /** `info`, `warn` or `error` (per-kind defaults, changed by the `severity` option). */
  severity: AlertSeverity;
  /** `started` when a condition begins, `ongoing` for a reminder, `cleared` when it ends. */
  status: 'started' | 'ongoing' | 'cleared';
  /** Null for model-wide alerts (`param-count`). */
  weight: string | null;
  /** The weight's layer; null for model-wide alerts. */
  layer: string | null;
  /** Epochs completed at the snapshot that raised it. */
  epoch: number;
  /** Global batch count, on snapshots taken with `everyBatches`. */
  batch?: number;
  /** Optimizer steps applied, on snapshots taken in a custom training loop (`attach()`). */
  step?: number;
  /** The measured number the rule compared (e.g. the relative drift); null where none applies. */
  value: number | null;
  /** The threshold it was compared with; null where none applies. */
  threshold: number | null;
  /** Snapshots in a row the condition has held (1 when it starts). */
  count: number;
  /** The readable line that was logged. */
  message: string;
}

/** One `fit` / `fitDataset` call the monitor watched, or one `attach()` ... `detach()` of a custom loop. */
export interface TrainingRun {
  /** Epochs completed before this run began. */
  startEpoch: number;
  /** Epochs completed when it ended; null while it runs (or when it never ended). */
  endEpoch: number | null;
  /** ISO-8601 time it began. */
  startTime: string;
  /** ISO-8601 time it ended; null while it runs. */
  endTime: string | null;
  /** Optimizer steps applied before an `attach()` began; absent for a `fit` call. */
  startStep?: number;
  /** Optimizer steps applied when it was detached; null while attached; absent for a `fit` call. */
  endStep?: number | null;
}

/**
 * The scalar statistics of one weight at every snapshot taken, one array per statistic, each as
 * long as `HistorySeries.epoch`. Null where the weight was not measured at that snapshot or the
 * value is absent (no finite element, or a first snapshot for the drift columns).
 */
export interface WeightSeries {
  /** `mean` of each snapshot (likewise for the columns below, each after its statistic). */
  mean: (number | null)[];
  std: (number | null)[];
  min: (number | null)[];
  max: (number | null)[];
  absMean: (number | null)[];
  l2Norm: (number | null)[];
  zeroFraction: (number | null)[];
  nanCount: (number | null)[];
  infCount: (number | null)[];
  /** `drift.relative` of each snapshot. */
  driftRelative: (number | null)[];
  /** `fromStart.relative` of each snapshot. */
  fromStartRelative: (number | null)[];
}

/**
 * The gradient figures of one weight at every snapshot taken (option `gradients`), as long as
 * `HistorySeries.epoch`; null where the snapshot has no gradient of it (no step since the
 * previous snapshot, or before the weight was stepped) or the value is absent.
 */
export interface GradientSeries {
  /** `GradientStats.l2Norm` of each snapshot: the last step's gradient norm. */
  l2Norm: (number | null)[];
  /** `GradientStats.maxNorm`. */
  maxNorm: (number | null)[];
  /** `GradientStats.meanNorm`. */
  meanNorm: (number | null)[];
  /** `GradientStats.updateRatio`. */
  updateRatio: (number | null)[];
}

/**
 * Every snapshot taken, at full resolution, as columns: `snapshots` keeps whole snapshots
 * (histograms included) only up to `maxSnapshots`, while these series are never thinned.
 */
export interface HistorySeries {
  /** Epoch of each snapshot taken. */
  epoch: number[];
  /** Global batch count of each snapshot taken; null for snapshots that follow epochs. */
  batch: (number | null)[];
  /**
   * Optimizer step of each snapshot taken; null for snapshots without one. Present once a
   * snapshot has a step (a custom training loop, `attach()`).
   */
  step?: (number | null)[];
  /** Keyed by weight name, as `Snapshot.stats`. */
  weights: Record<string, WeightSeries>;
  /** Keyed by weight name, as `Snapshot.gradients`: present once a snapshot had gradients. */
  gradients?: Record<string, GradientSeries>;
}

export interface HistoryDocument {
  /** The layout version, 3 (`SCHEMA_VERSION`); `loadHistory` reads version 1 and 2 files too. */
  schemaVersion: 3;
  /** Where the run happened: versions, backend, engine. */
  environment: EnvironmentRecord;
  /** The monitor's options that shape the document (null: not set). */
  options: {
    /** The `bins` option. */
    bins: number;
    /** The `zeroTolerance` option. */
    zeroTolerance: number;
    /** The `everyEpochs` option; null when snapshots follow batches. */
    everyEpochs: number | null;
    /** The `everyBatches` option; null when snapshots follow epochs. */
    everyBatches: number | null;
    /** The `everySteps` option (snapshots in a custom loop, `attach()`). Absent in files from before it. */
    everySteps?: number;
    /** The `statsOn` option (`environment.statsPath` says which engine ran). */
    statsOn: 'auto' | 'device' | 'host';
    /** Whole snapshots kept in `snapshots` before older ones are thinned (see `maxSnapshots`). */
    maxSnapshots: number;
    /** The `fromStart` option: false when `fromStart` statistics were not measured. */
    fromStart: boolean;
    /**
     * The `thread` option, resolved: where the host engine measured. On `worker`, `computeMs` of a
     * batch snapshot is the training thread's share. Absent in files from before the option.
     */
    thread?: 'main' | 'worker';
    /** The `gradients` option. Absent in files from before the option. */
    gradients?: boolean;
  };
  /** The census of the model at the latest `fit`. */
  model: ModelRecord;
  /** Every weight of the census, watched or not. */
  weights: WeightRecord[];
  /** One entry per `fit` / `fitDataset` call watched. */
  runs: TrainingRun[];
  /**
   * Whole snapshots in the order taken; on long runs thinned evenly to at most `maxSnapshots`,
   * always keeping the first and the newest and, up to half the cap, the last of each `fit` and
   * those at which an alert started (the oldest of these released first).
   */
  snapshots: Snapshot[];
  /** The scalar statistics of every snapshot taken, never thinned. */
  series: HistorySeries;
  /** Every alert raised (started, ongoing reminders, cleared), in order. */
  alerts: Alert[];
}

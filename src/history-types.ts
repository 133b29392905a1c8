/**
 * The parameter history document that `ParamMonitor.toJSON()` returns and the CLI reads.
 * Plain JSON: no tensors, no NaN or Infinity (an absent or undefined value is `null`).
 */

/**
 * Version of the history document layout. Fields are only ever added, never renamed.
 * 2 added `series`, `Snapshot.index` and `options.maxSnapshots`; `loadHistory` upgrades a version 1 file.
 */
export const SCHEMA_VERSION = 2;

/**
 * Equal-width histogram of the finite elements of a weight, numpy.histogram semantics:
 * `counts.length` bins over [min, max], every bin half-open except the last, which is closed.
 * The counts sum to the finite element count. When min === max (a constant weight) every finite
 * element is counted in the first bin; when there is no finite element min and max are null and
 * every count is 0.
 */
export interface Histogram {
  min: number | null;
  max: number | null;
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
  mean: number | null;
  /** Population standard deviation. */
  std: number | null;
  min: number | null;
  max: number | null;
  absMean: number | null;
  l2Norm: number | null;
  /** Finite elements with |x| <= `zeroTolerance`. */
  zeroCount: number;
  /** `zeroCount / count`; null when count is 0. */
  zeroFraction: number | null;
  nanCount: number;
  infCount: number;
  histogram: Histogram;
  /** Absent on a weight's first snapshot. */
  drift?: DriftStats;
  /** Absent on a weight's first snapshot. */
  fromStart?: FromStartStats;
}

/** One weight (tfjs variable) of the model, as the census found it. */
export interface WeightRecord {
  /** The tfjs variable name, e.g. `dense_Dense1/kernel`: the key used everywhere else. */
  name: string;
  layer: string;
  layerClass: string;
  shape: number[];
  dtype: string;
  size: number;
  /** False when either the layer or the variable says the weight is not trainable. */
  trainable: boolean;
  layerTrainable: boolean;
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
}

/** One layer of the census. Nested models are flattened; a shared layer appears once. */
export interface LayerRecord {
  name: string;
  class: string;
  /** Element count of the layer's own weights (each variable counted once). */
  params: number;
  trainableParams: number;
  nonTrainableParams: number;
  trainable: boolean;
  /** Names of the weights this layer owns. */
  weights: string[];
}

export interface ModelRecord {
  name: string;
  totalParams: number;
  trainableParams: number;
  nonTrainableParams: number;
  layers: LayerRecord[];
}

export interface EnvironmentRecord {
  tfjsVersion: string;
  backend: string;
  /** True when the backend runs on a GPU (tfjs-node-gpu with a CUDA device, or webgl/webgpu). */
  gpu: boolean;
  /** `@tensorflow/tfjs-node-gpu` is the package behind the `tensorflow` backend. */
  tfjsNodeGpuPackage: boolean;
  nodeVersion: string | null;
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
  /** ISO-8601 time it was taken. */
  time: string;
  /** Milliseconds spent computing and downloading its statistics. */
  computeMs: number;
  stats: Record<string, WeightStats>;
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
  /** The monitor itself failed to take a snapshot; training went on. */
  | 'monitor-error';

export type AlertSeverity = 'info' | 'warn' | 'error';

/** One alert raised during training. */
export interface Alert {
  kind: AlertKind;
  severity: AlertSeverity;
  /** `started` when a condition begins, `ongoing` for a reminder, `cleared` when it ends. */
  status: 'started' | 'ongoing' | 'cleared';
  /** Null for model-wide alerts (`param-count`). */
  weight: string | null;
  layer: string | null;
  epoch: number;
  batch?: number;
  value: number | null;
  threshold: number | null;
  /** Snapshots in a row the condition has held (1 when it starts). */
  count: number;
  message: string;
}

/** One `fit` / `fitDataset` call the monitor watched. */
export interface TrainingRun {
  /** Epochs completed before this run began. */
  startEpoch: number;
  endEpoch: number | null;
  startTime: string;
  endTime: string | null;
}

/**
 * The scalar statistics of one weight at every snapshot taken, one array per statistic, each as
 * long as `HistorySeries.epoch`. Null where the weight was not measured at that snapshot or the
 * value is absent (no finite element, or a first snapshot for the drift columns).
 */
export interface WeightSeries {
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
 * Every snapshot taken, at full resolution, as columns: `snapshots` keeps whole snapshots
 * (histograms included) only up to `maxSnapshots`, while these series are never thinned.
 */
export interface HistorySeries {
  /** Epoch of each snapshot taken. */
  epoch: number[];
  /** Global batch count of each snapshot taken; null for snapshots that follow epochs. */
  batch: (number | null)[];
  /** Keyed by weight name, as `Snapshot.stats`. */
  weights: Record<string, WeightSeries>;
}

export interface HistoryDocument {
  /** The layout version, 2 (`SCHEMA_VERSION`); `loadHistory` reads version 1 files too. */
  schemaVersion: 2;
  environment: EnvironmentRecord;
  options: {
    bins: number;
    zeroTolerance: number;
    everyEpochs: number | null;
    everyBatches: number | null;
    statsOn: 'auto' | 'device' | 'host';
    /** Whole snapshots kept in `snapshots` before older ones are thinned (see `maxSnapshots`). */
    maxSnapshots: number;
  };
  model: ModelRecord;
  weights: WeightRecord[];
  runs: TrainingRun[];
  /**
   * Whole snapshots in the order taken; on long runs thinned evenly to at most `maxSnapshots`,
   * always keeping the first, the last and every snapshot at which an alert started.
   */
  snapshots: Snapshot[];
  /** The scalar statistics of every snapshot taken, never thinned. */
  series: HistorySeries;
  alerts: Alert[];
}

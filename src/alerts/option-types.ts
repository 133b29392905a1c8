/** Types of the alert options; `validateAlertOptions` (options.ts) turns one into the other. */
import type { AlertKind, AlertSeverity } from '../history-types';

/**
 * A weight name to match exactly (`'dense_Dense1/kernel'`), or a RegExp tested against the
 * weight name (`/\/bias$/`). Global and sticky flags are dropped when the options are validated,
 * so matching never depends on a RegExp's `lastIndex`.
 */
export type WeightPattern = string | RegExp;

/**
 * Options of the alert rules. Every field is optional; `validateAlertOptions` fills in the
 * defaults and rejects bad values.
 *
 * "A trained weight" below means `record.trainable && !record.movingStatistic`.
 *
 * @example
 * ```ts
 * const options = validateAlertOptions({ driftThreshold: 3, exclude: [/\/bias$/] });
 * ```
 */
export interface AlertOptions {
  /**
   * `frozen`: a trained weight counts as unchanged in a snapshot when no element changed
   * (`drift.changedFraction` 0) or its relative drift is below this. 0 counts only exact
   * stillness. The default is about float32 machine epsilon (1.19e-7): an update smaller than
   * that relative to the weight is below what float32 can resolve. On the alert corpus, healthy
   * runs stay quiet up to 2.7e-5, and every frozen fault has exactly 0 change.
   * @default 1e-7
   */
  frozenTolerance?: number;
  /**
   * `frozen`: unchanged snapshots in a row before a trained weight is reported frozen. 3 rides
   * out the odd batch with no gradient for a weight while reporting a weight the optimizer misses
   * within 3 snapshots; the four frozen faults of the alert corpus are caught at exactly 3.
   * @default 3
   */
  frozenPatience?: number;
  /**
   * `dead`: a trained weight is dead when its `zeroFraction` is at or above this, after training
   * has started (epoch > 0 or batch > 0). 1: every finite element is zero.
   * @default 1
   */
  deadThreshold?: number;
  /**
   * `drift`: fires when a trained weight's relative drift since its previous snapshot
   * (`||W_t - W_prev|| / ||W_prev||`) is above this: the weight moved by more than twice its own
   * norm in one snapshot. After `driftWarmup`, no weight of the 60 healthy corpus runs went above
   * 0.86 (2.3x below); sgd past its stability limit moves a kernel by 2.97 x its norm in its third
   * batch (caught up to 3.77). Mid-run jumps below this are the spike check's job. Weights whose
   * initial values were all zero (biases, BatchNormalization beta) are judged by spikes only:
   * while they are small, a healthy epoch moves them by several times their norm.
   * @default 2
   */
  driftThreshold?: number;
  /**
   * `drift`: a step (`drift.l2`, the norm of the change since the previous snapshot) is a spike
   * when it is above this many times the median of the weight's earlier steps (and above the
   * `driftSpikeSpread` limit, and at least `driftFloor` relative drift). It guards steady weights,
   * whose spread is near zero (adam's nearly constant steps). With the spread at its default, the
   * healthy corpus is quiet from 1.44 up; a learning rate raised 40x mid-run gives steps 8 to 11 x
   * their median.
   * @default 5
   */
  driftSpikeFactor?: number;
  /**
   * `drift`: a spike must also be above the median of the weight's earlier steps plus this many
   * times their robust spread (1.4826 x the median absolute deviation): a step is judged against
   * the weight's own noise, so a noisy weight (a small bias under sgd, per-batch snapshots) needs
   * a larger jump than a steady one. The healthy corpus (sgd on batches of 8 rows with a snapshot
   * every batch is the noisiest) is quiet from 11.9 up; faults are caught up to 214. 0: the factor
   * alone decides.
   * @default 20
   */
  driftSpikeSpread?: number;
  /**
   * `drift`: a spike whose relative drift is below this is never reported: a weight that moved by
   * less than 1% of its norm since its previous snapshot has not jumped, however still it was
   * before (late in a run, adam's steps are tiny and the odd larger one is still small).
   * 0: no floor.
   * @default 0.01
   */
  driftFloor?: number;
  /**
   * `drift`: earlier steps a weight needs before spikes are checked. The median and spread of 3
   * or 4 early steps misjudge the next one (with `driftSpikeSpread` 10, a healthy GRU run with a
   * snapshot every batch raised a spike at 4); with 8, a learning rate raised at epoch 8 is missed.
   * @default 5
   */
  driftSpikeMinHistory?: number;
  /**
   * `drift`: the spike median and spread are taken over at most this many most recent steps, which
   * bounds memory and time on long runs with per-batch snapshots. At least `driftSpikeMinHistory`.
   * @default 100
   */
  driftSpikeWindow?: number;
  /**
   * `exploding`: fires when the largest magnitude of a trained weight (`max(|min|, |max|)`) is
   * above this. No weight of the healthy corpus went above 1.87; 1000 leaves room for the final
   * bias of a regression on raw targets (a target in the thousands needs a higher value).
   * @default 1000
   */
  explodeThreshold?: number;
  /**
   * `exploding`: also fires when a trained weight's l2Norm is more than this many times the largest
   * l2Norm it had in any earlier snapshot. After `driftWarmup`, healthy corpus runs grow by at most
   * 2.59 x (a zero-initialised bias in its first batches); a diverging run multiplies its norms far
   * faster. Must be > 1.
   * @default 5
   */
  growthThreshold?: number;
  /**
   * `vanishing`: fires when a trained weight's l2Norm falls below this fraction of its l2Norm in
   * its first snapshot. No weight of the healthy corpus went below 0.889 of it; an L2 penalty
   * 1,000x too strong takes a kernel to 0.068 in one epoch (0.01 would miss it). Weights that
   * started at zero are never checked. Must be in (0, 1).
   * @default 0.1
   */
  vanishThreshold?: number;
  /**
   * `drift` and l2Norm growth skip each weight's first this many comparisons with a non-zero
   * previous snapshot, and keep them out of the spike history: the first change of a weight
   * (from its initial values, or from its first update when it started at zero, like biases and
   * BatchNormalization beta) is the largest of a healthy run. Adam at lr 0.01 moves an MNIST
   * kernel by 2.4 x its norm in epoch 1; with 0, four healthy corpus runs raise `drift`. Magnitude
   * and non-finite checks still run. 0: check from the first comparison.
   * @default 1
   */
  driftWarmup?: number;
  /**
   * `gradient-vanishing` (option `gradients`): a trained weight's gradient scale (its mean
   * gradient L2 norm since the previous snapshot over its own L2 norm) is below this fraction of
   * the median scale of the model's other weights. On the alert corpus, healthy runs stay quiet up
   * to 5e-5 (a Dense bias feeding BatchNormalization, whose gradient is float32 noise by design);
   * the layers of saturated sigmoids, dead ReLUs and blank inputs are at 0 to 1.8e-12. Must be in
   * (0, 1).
   * @default 1e-6
   */
  gradientVanishRatio?: number;
  /**
   * `gradient-vanishing`: also fires when the gradient scale is below this, whatever the other
   * weights do (a model whose every gradient vanished has no healthy layer to compare with).
   * Healthy corpus runs stay quiet up to 4.5e-6; the faults are at 0 to 7e-13. Must be >= 0.
   * @default 1e-8
   */
  gradientVanishFloor?: number;
  /**
   * `gradient-exploding` (option `gradients`): fires when a trained weight's largest gradient norm
   * since the previous snapshot is above this many times the median of its earlier ones and, once
   * it has 5 or more, above that median plus `gradientExplodeSpread` robust spreads, as the drift
   * spike is judged. Healthy corpus runs stay quiet from 4.32 (an LSTM's kernels in its first
   * epochs); sgd past its stability limit is caught up to 7.24. Must be > 1.
   * @default 5
   */
  gradientExplodeFactor?: number;
  /**
   * `gradient-exploding`: the robust spreads above the median a jump must also clear, once the
   * weight has 5 earlier gradient norms. Healthy corpus runs stay quiet from 17. Must be >= 0.
   * @default 20
   */
  gradientExplodeSpread?: number;
  /**
   * `gradient-exploding`: earlier snapshots with a gradient needed before a jump is judged. A
   * divergence from the first step must be caught in its first few snapshots, so the default is
   * small; with fewer than 5 only `gradientExplodeFactor` applies. Must be >= 1.
   * @default 2
   */
  gradientExplodeMinHistory?: number;
  /**
   * `dead-units` (option `gradients`): fires when at least this share of a Dense or Conv kernel's
   * output units got an exactly zero gradient at every step since the previous snapshot. Healthy
   * corpus runs reach 0.59 (a ReLU layer on raw inputs under adam, which still learns); dead
   * layers are at 0.94 to 1. Must be in (0, 1].
   * @default 0.75
   */
  deadUnitsThreshold?: number;
  /**
   * `gradient-vanishing` and `dead-units`: snapshots in a row the condition must hold before it
   * is reported. Must be >= 1.
   * @default 2
   */
  gradientPatience?: number;
  /**
   * `param-count`: the expected total parameter count (`ModelRecord.totalParams`). Null or
   * undefined: not checked.
   * @default null
   */
  expectedParams?: number | null;
  /**
   * An ongoing condition is reported when it starts, then reminded every this many snapshots
   * while it holds (with `reminderEvery` 10: at counts 11, 21, 31, ...), then once when it
   * clears. 0: no reminders.
   * @default 10
   */
  reminderEvery?: number;
  /**
   * Weights to watch: exact names or RegExps. Undefined or null watches every weight; an empty
   * list is rejected (it would silently watch nothing).
   * @default null
   */
  include?: readonly WeightPattern[] | null;
  /**
   * Weights never to watch, even when `include` matches them.
   * @default []
   */
  exclude?: readonly WeightPattern[];
  /**
   * Alert kinds never to raise.
   * @default []
   */
  disable?: readonly AlertKind[];
  /**
   * Severity per alert kind, overriding `DEFAULT_SEVERITY` for the kinds listed.
   * @default {}
   */
  severity?: Partial<Record<AlertKind, AlertSeverity>>;
}

/** Alert options after validation: every field present, patterns normalised. */
export interface ResolvedAlertOptions {
  readonly frozenTolerance: number;
  readonly frozenPatience: number;
  readonly deadThreshold: number;
  readonly driftThreshold: number;
  readonly driftSpikeFactor: number;
  readonly driftSpikeSpread: number;
  readonly driftFloor: number;
  readonly driftSpikeMinHistory: number;
  readonly driftSpikeWindow: number;
  readonly explodeThreshold: number;
  readonly growthThreshold: number;
  readonly vanishThreshold: number;
  readonly driftWarmup: number;
  readonly gradientVanishRatio: number;
  readonly gradientVanishFloor: number;
  readonly gradientExplodeFactor: number;
  readonly gradientExplodeSpread: number;
  readonly gradientExplodeMinHistory: number;
  readonly deadUnitsThreshold: number;
  readonly gradientPatience: number;
  readonly expectedParams: number | null;
  readonly reminderEvery: number;
  /** Null: every weight. */
  readonly include: readonly WeightPattern[] | null;
  readonly exclude: readonly WeightPattern[];
  readonly disable: readonly AlertKind[];
  /** Severity of every kind, defaults merged with the override. */
  readonly severity: Readonly<Record<AlertKind, AlertSeverity>>;
}

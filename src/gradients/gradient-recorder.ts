/**
 * The gradient side of the monitor (option `gradients: true`): a listener on an optimizer's steps
 * (src/training/optimizer-hook.ts) that keeps the last step's gradients (a `tf.clone`, which shares
 * the gradient's memory instead of copying it) and the running figures of every step
 * (./step-figures.ts), and turns them into plain `GradientStats` at each snapshot.
 *
 * `watch(optimizer)` is the one entry point: `fit` (at `onTrainBegin`) and a custom loop's
 * `attach(optimizer)` both call it.
 */
import * as tf from '@tensorflow/tfjs';
import type { GradientStats, WeightStats } from '../history-types';
import { measureWith, type StatsOn } from '../stats/engine-choice';
import type { StatsConfig } from '../stats/types';
import { hookOptimizer, type AppliedStep, type StepListener } from '../training/optimizer-hook';
import { StepFigures, type Accumulator, type StepInput } from './step-figures';

/**
 * The gradients since the previous snapshot, taken out of the recorder at one moment (inside a
 * step, for a custom loop's snapshot) and measured later; `discard()` frees them (idempotent).
 */
export interface GradientCut {
  readonly figures: Accumulator[];
  /** The kept gradients of the last step (clones of their own) and the step each is from. */
  readonly last: Map<string, { tensor: tf.Tensor; step: number }>;
  discard(): void;
}

export interface GradientRecorderOptions extends StatsConfig {
  statsOn: StatsOn;
  /** Read every step's finiteness before it is applied, and skip a step that is not finite. */
  skipNonFinite: boolean;
  /**
   * Output units of a weight whose dead units are counted (Dense and Conv kernels), and its
   * layer's bias when it has one; null for other weights.
   */
  unitsOf(name: string): { units: number; bias: string | null } | null;
  /** Whether a weight is watched: the others are not measured. */
  watches(name: string): boolean;
  /** Gets an error thrown inside a step: it never reaches the training loop. */
  onError(error: unknown): void;
}

/** A step whose gradient was not finite, found before it was applied (`skipNonFinite`). */
export interface SkippedStep {
  /** Global step count, from 1. */
  step: number;
  /** The weights whose gradient held NaN or Inf. */
  weights: string[];
}

export class GradientRecorder {
  private readonly figures = new StepFigures();
  /** The last step's gradients, by weight name (clones, disposed when replaced). */
  private last = new Map<string, tf.Tensor>();
  /** The step each kept gradient is from (an optimizer may step some weights only). */
  private readonly lastSteps = new Map<string, number>();
  private stepCount = 0;
  private skipped: SkippedStep | null = null;
  /** Whether the next step's gradients are kept for measuring (see `keepNext`). */
  private keepNextStep = true;
  private readonly listener: StepListener;

  constructor(private readonly options: GradientRecorderOptions) {
    this.listener = {
      beforeApply: (step) => this.onStep(step),
      onListenerError: (error) => options.onError(error),
    };
  }

  /** Listens to `optimizer`'s steps; returns the function that stops listening (idempotent). */
  watch(optimizer: tf.Optimizer): () => void {
    return hookOptimizer(optimizer, this.listener);
  }

  /** Steps seen so far (from 1), across `fit` calls and optimizers. */
  get steps(): number {
    return this.stepCount;
  }

  /**
   * Whether to keep the next step's gradients: only the last step before a snapshot is measured,
   * and keeping one costs a kernel per gradient. The monitor says so before each batch; without
   * a word (a custom loop), every step's are kept.
   */
  keepNext(keep: boolean): void {
    this.keepNextStep = keep;
  }

  /** The step skipped since the last call, if any (then cleared). */
  takeSkipped(): SkippedStep | null {
    const s = this.skipped;
    this.skipped = null;
    return s;
  }

  private onStep(step: AppliedStep): 'skip' | void {
    this.stepCount += 1;
    const { watches, unitsOf, skipNonFinite } = this.options;
    const inputs: StepInput[] = [];
    for (const g of step.gradients) {
      if (!watches(g.name)) continue;
      const units = unitsOf(g.name);
      inputs.push({ name: g.name, tensor: g.tensor, units: units?.units ?? null, bias: units?.bias ?? null });
    }
    if (inputs.length === 0) return;
    const squares = this.figures.add(inputs, skipNonFinite);
    let bad: string[] = [];
    if (squares !== null) {
      let values: ArrayLike<number>;
      try {
        values = squares.dataSync(); // one small read per step, only with stopOn gradient-non-finite
      } finally {
        squares.dispose();
      }
      bad = inputs.filter((g, i) => !Number.isFinite(values[i]) && !allFinite(g.tensor)).map((g) => g.name);
    }
    // A skipped step is measured at once: its gradients are kept too.
    if (this.keepNextStep || bad.length > 0) this.keep(inputs);
    if (bad.length === 0) return;
    this.skipped ??= { step: this.stepCount, weights: bad };
    return 'skip';
  }

  /** The gradients die when the step ends: keeps a reference to their memory (a clone, not a copy). */
  private keep(inputs: readonly StepInput[]): void {
    const kept = new Map<string, tf.Tensor>();
    for (const { name, tensor } of inputs) {
      kept.set(name, tf.keep(tf.clone(tensor)));
      this.lastSteps.set(name, this.stepCount);
    }
    for (const [name, old] of this.last) if (!kept.has(name)) kept.set(name, old); else old.dispose();
    this.last = kept;
  }

  /**
   * The gradient statistics of every weight stepped since the last call, or null when no step
   * happened since. `updateRatio` is null until `addUpdateRatios` fills it.
   */
  async measure(cut: GradientCut | null = this.cut()): Promise<Record<string, GradientStats> | null> {
    if (cut === null) return null;
    try {
      return await this.measureCut(cut);
    } finally {
      cut.discard();
    }
  }

  /**
   * Takes the gradients since the previous snapshot out, synchronously: the running figures and
   * a clone of each kept gradient; null when no step happened since.
   */
  cut(): GradientCut | null {
    if (this.figures.empty) return null;
    const figures = this.figures.take();
    const last = new Map([...this.last].map(([name, t]) => [name, { tensor: tf.keep(tf.clone(t)), step: this.lastSteps.get(name) ?? this.stepCount }]));
    let freed = false;
    return {
      figures, last,
      discard() {
        if (freed) return;
        freed = true;
        StepFigures.discard(figures);
        for (const { tensor } of last.values()) tensor.dispose();
      },
    };
  }

  private async measureCut(cut: GradientCut): Promise<Record<string, GradientStats>> {
    const figures = cut.figures.splice(0); // read (and freed) once
    const running = await StepFigures.read(figures);
    const names = [...running.keys()].filter((name) => cut.last.has(name));
    const { bins, zeroTolerance, statsOn } = this.options;
    const stats = await measureWith(statsOn, names.map((name) => ({ value: cut.last.get(name)!.tensor })), { bins, zeroTolerance });
    const result: Record<string, GradientStats> = {};
    names.forEach((name, i) => {
      const f = running.get(name)!;
      const nonFinite = !Number.isFinite(f.sumNorm);
      result[name] = {
        ...stats[i],
        steps: f.steps,
        step: cut.last.get(name)!.step,
        maxNorm: nonFinite ? null : f.maxNorm,
        meanNorm: nonFinite ? null : f.sumNorm / f.steps,
        nonFinite,
        updateRatio: null,
        ...(f.deadUnits !== undefined ? { deadUnits: f.deadUnits, units: f.units } : {}),
      };
    });
    return result;
  }

  /** Frees the kept gradients and the running figures. Idempotent. */
  dispose(): void {
    this.figures.dispose();
    for (const t of this.last.values()) t.dispose();
    this.last.clear();
  }
}

/**
 * Fills each gradient's `updateRatio` from the weight statistics of the same snapshot: the relative
 * drift since the previous snapshot, per step.
 */
export function addUpdateRatios(gradients: Record<string, GradientStats>, weights: Record<string, WeightStats>): void {
  for (const [name, g] of Object.entries(gradients)) {
    const drift = weights[name]?.drift?.relative;
    g.updateRatio = drift == null || g.steps === 0 ? null : drift / g.steps;
  }
}

/** Exact check, for the rare step whose squared norm is not finite: overflow is not NaN. */
function allFinite(t: tf.Tensor): boolean {
  const data = t.dataSync();
  for (let i = 0; i < data.length; i += 1) if (!Number.isFinite(data[i])) return false;
  return true;
}

/**
 * Drives a monitor from an optimizer's steps, for training loops that never call `fit`: a custom
 * loop's `applyGradients`, `trainOnBatch`, a GAN's alternating models. It listens on the optimizer
 * through the one optimizer hook (./optimizer-hook.ts), counts the applied steps, and every
 * `everySteps` steps captures the watched weights inside the step (copies kept as they are then,
 * so the loop may go on at once) and has them measured after it, in order.
 *
 * Other listeners (e.g. gradient statistics) join the same hook with `hookOptimizer` on the
 * optimizer `attach()` was given: see `StepDriver.optimizer`.
 */
import type * as tf from '@tensorflow/tfjs';
import { hookOptimizer, type StepListener } from './optimizer-hook';

/** Weights captured at one step, measured later (the copies are the host's to free). */
export interface CapturedSnapshot {
  /** Frees the copies without measuring them (the monitor was disposed meanwhile). */
  discard(): void;
}

/** What the driver needs of the monitor; `C`, what it captures at a step. */
export interface StepHost<C extends CapturedSnapshot = CapturedSnapshot> {
  /**
   * Takes the census and starts a run at this step (as `onTrainBegin` does for `fit`). Returns
   * whether the history has snapshots already (then `attach()` takes none: the latest has these
   * weights, as a second `fit` takes none at its start).
   */
  begin(step: number): boolean;
  /** Copies the watched weights as they are now, synchronously, for the snapshot at `step`. */
  capture(step: number): C;
  /** Measures and records a captured snapshot; never throws. */
  record(captured: C): Promise<void>;
  /** Ends the run at this step (as `onTrainEnd` does for `fit`). */
  end(step: number): void;
  /** Whether a `stopOn` condition holds: the optimizer's steps are then skipped. */
  stopRequested(): boolean;
  /** A failure inside a step: reported, never thrown into the training loop. */
  stepFailed(error: unknown): void;
}

export class StepDriver<C extends CapturedSnapshot = CapturedSnapshot> {
  private unhook: (() => void) | null = null;
  private attachedTo: tf.Optimizer | null = null;
  /** Applied steps, counted across `attach()` calls. */
  private steps = 0;
  /** The step whose weights the latest snapshot holds, so attach and detach do not take a step twice. */
  private lastCaptured: number | null = null;
  /** Captured snapshots are measured one after another, in the order of their steps. */
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly host: StepHost<C>, private readonly everySteps: number) {}

  /** The optimizer attached to, or null: the one a second listener would hook too. */
  get optimizer(): tf.Optimizer | null {
    return this.attachedTo;
  }

  /** Whether `attach()` was ever called: the history then says `everySteps`. */
  get used(): boolean {
    return this.lastCaptured !== null || this.attachedTo !== null;
  }

  /** Optimizer steps applied while attached, across `attach()` calls. */
  get step(): number {
    return this.steps;
  }

  /**
   * Hooks the optimizer, takes the census and captures the weights at this step; resolves when
   * that snapshot is recorded. Steps count from the moment it returns, awaited or not.
   */
  attach(optimizer: tf.Optimizer): Promise<void> {
    if (this.attachedTo !== null) {
      throw new Error('tfjs-param-monitor: attach() was called twice; call detach() before attaching to another optimizer.');
    }
    const listener: StepListener = {
      beforeApply: () => (this.host.stopRequested() ? 'skip' : undefined),
      afterApply: (_step, applied) => {
        if (!applied) return;
        this.steps += 1;
        if (this.steps % this.everySteps === 0) this.captureNow();
      },
      onListenerError: (error) => this.host.stepFailed(error),
    };
    this.unhook = hookOptimizer(optimizer, listener);
    this.attachedTo = optimizer;
    let hasSnapshots: boolean;
    try {
      hasSnapshots = this.host.begin(this.steps);
    } catch (error) {
      this.stop(); // the optimizer is left as it was
      throw error;
    }
    if (this.lastCaptured === null && !hasSnapshots) this.captureNow();
    else this.lastCaptured = this.steps; // the latest snapshot (a detach, or the end of a fit) has these weights
    return this.settled();
  }

  /**
   * Unhooks the optimizer (it is left exactly as it was), captures the final weights unless the
   * last snapshot has them, and resolves when every captured snapshot is recorded.
   */
  async detach(): Promise<void> {
    if (this.attachedTo === null) return this.settled();
    this.stop();
    if (this.lastCaptured !== this.steps) this.captureNow();
    await this.settled();
    this.host.end(this.steps);
  }

  /** Captures the weights now, at the current step; resolves when recorded. */
  snapshot(): Promise<void> {
    this.captureNow();
    return this.settled();
  }

  /** Unhooks without a final snapshot (`dispose()`); captured snapshots are discarded by the host. */
  stop(): void {
    this.unhook?.();
    this.unhook = null;
    this.attachedTo = null;
  }

  /** Resolves when every snapshot captured so far is recorded. */
  settled(): Promise<void> {
    return this.queue;
  }

  private captureNow(): void {
    let captured: C;
    try {
      captured = this.host.capture(this.steps);
    } catch (error) {
      this.host.stepFailed(error);
      return;
    }
    this.lastCaptured = this.steps;
    // Measured in a later microtask, outside the step and any `tf.tidy` around it.
    this.queue = this.queue.then(() => this.host.record(captured));
  }
}

/**
 * Takes the monitor's snapshots: measures the watched weights (and, with the `gradients` option,
 * the gradients since the previous snapshot) into plain numbers, on the training thread or on the
 * measuring worker, and hands them on to be recorded (./record-keeper.ts). A snapshot sent to the
 * worker is recorded when its numbers come (`settle`). Never throws: a failure is handed on as a
 * message, and training goes on.
 */
import { performance } from 'perf_hooks';
import { describePosition, type TrainingPosition } from '../alerts/alert-message';
import type { WatchedWeight } from '../census';
import type { CapturedWithGradients, GradientWatch } from '../gradients/gradient-watch';
import { captureWeights } from '../training/step-mode';
import type { GradientStats, WeightStats } from '../history-types';
import type { ResolvedCoreOptions } from '../options';
import type { TapBuffers } from '../stats/measure-tap';
import { SnapshotStore, type PendingStats } from '../stats/snapshot-store';

/** Where measured snapshots go. */
export interface SnapshotSink {
  /**
   * A measured snapshot: `started`, when it was taken (ms since the epoch); `ms`, the training
   * thread's time on it.
   */
  record(at: TrainingPosition, started: number, ms: number,
    stats: Record<string, WeightStats>, gradients: Record<string, GradientStats> | null): void;
  /** A snapshot that could not be taken, and why. */
  failed(at: TrainingPosition, message: string): void;
}

/**
 * Where the measuring worker also publishes the snapshots it measures (../stats/measure-tap.ts),
 * and what it labels each with: the TensorBoard output, which then writes their statistics
 * without the training thread handing them over.
 */
export interface MeasurementTap {
  /** The tap's memory, once it exists. */
  buffers(): TapBuffers | null;
  /**
   * The label of the snapshot at `at`, taken at `time` (ms since the epoch), asked for when, and
   * only when, it goes to the tap.
   */
  label(at: TrainingPosition, time: number): ArrayLike<number>;
}

export class SnapshotTaker {
  /** A batch snapshot the measuring worker is measuring, recorded when its numbers come (`settle`). */
  private pending: {
    at: TrainingPosition; started: number; spentMs: number; stats: PendingStats;
    gradients: Record<string, GradientStats> | null;
  } | null = null;
  private disposed = false;

  /** The copies of the weights and the engines that measure them. */
  private readonly store: SnapshotStore;

  constructor(
    options: Pick<ResolvedCoreOptions, 'bins' | 'zeroTolerance' | 'statsOn' | 'fromStart' | 'thread' | 'threadAuto'>,
    private readonly gradients: GradientWatch | null,
    /** The weights to measure now. */
    private readonly watched: () => readonly WatchedWeight[],
    private readonly sink: SnapshotSink,
    private readonly tap: MeasurementTap | null = null,
  ) {
    this.store = new SnapshotStore({ bins: options.bins, zeroTolerance: options.zeroTolerance }, options.statsOn, {
      fromStart: options.fromStart,
      thread: options.thread === 'worker' && options.threadAuto ? 'auto' : options.thread,
      tap: () => tap?.buffers() ?? null,
    });
  }

  /** Whether a snapshot is on the worker: reading the history records it, so the document changes. */
  get inFlight(): boolean {
    return this.pending !== null;
  }

  /** Whether `thread: 'auto'` chose the measuring worker. */
  get autoWorker(): boolean {
    return this.store.autoWorker;
  }

  /**
   * Measures every watched weight, or the weights `captured` in a custom loop's step. With
   * `defer` and the measuring worker, returns once the weights are sent to it (see `settle`).
   */
  async take(at: TrainingPosition, defer = false, captured?: CapturedWithGradients): Promise<void> {
    if (this.disposed && captured) return captured.discard(); // captured in a step before dispose()
    this.settle();
    const started = Date.now();
    const clock = performance.now();
    try {
      const weights = captured?.weights ?? this.watched().map((w) => ({ name: w.record.name, value: w.variable.read() }));
      const tap = this.tap;
      const label = tap === null ? undefined : () => tap.label(at, started);
      if (defer && this.store.defers) {
        const stats = this.store.send(weights, label);
        const gradients = await (this.gradients?.measure(captured) ?? null);
        this.pending = { at, started, spentMs: performance.now() - clock, stats, gradients };
        return;
      }
      const stats = await this.store.measure(weights, label);
      const gradients = await (this.gradients?.measure(captured) ?? null);
      this.sink.record(at, started, performance.now() - clock, stats, gradients);
    } catch (error) {
      this.failed(at, error);
    } finally {
      captured?.discard();
    }
  }

  /**
   * Copies the watched weights as they are now, inside a custom loop's step, with the gradients
   * since the previous snapshot: the loop may step again before the snapshot is measured (`take`).
   */
  capture(at: TrainingPosition): CapturedWithGradients {
    const captured = captureWeights(this.watched(), at);
    return this.gradients?.withGradients(captured) ?? captured;
  }

  /**
   * Records the snapshot the measuring worker holds, if any, waiting for its numbers (which
   * normally came while the next batch trained). Its `computeMs` is the training thread's time:
   * copying the weights out, and any wait here.
   */
  settle(): void {
    const pending = this.pending;
    if (pending === null) return;
    this.pending = null;
    const clock = performance.now();
    try {
      const stats = pending.stats.receive();
      this.sink.record(pending.at, pending.started, pending.spentMs + performance.now() - clock, stats, pending.gradients);
    } catch (error) {
      this.failed(pending.at, error);
    }
  }

  /** Records what the worker holds and frees the copies of the weights; later captures are discarded. */
  dispose(): void {
    this.settle();
    this.store.dispose();
    this.disposed = true;
  }

  private failed(at: TrainingPosition, error: unknown): void {
    this.sink.failed(at, `tfjs-param-monitor could not take the snapshot at ${describePosition(at)}: ${(error as Error).message}. Training goes on.`);
  }
}

/**
 * The monitor's gradients (option `gradients: true`): its gradient recorder (./for-monitor.ts),
 * hooked to the optimizer of the current `fit` or `attach()`, and the gradients that go with each
 * snapshot: those cut with its weights inside a custom loop's step, else those since the previous
 * snapshot.
 */
import type * as tf from '@tensorflow/tfjs';
import type { GradientStats } from '../history-types';
import type { LogSink } from '../log/log-sink';
import type { ResolvedMonitorOptions } from '../monitor-options';
import type { CapturedWeights } from '../training/step-mode';
import { gradientRecorderFor, type MonitorGradientSettings } from './for-monitor';
import type { GradientCut, GradientRecorder, SkippedStep } from './gradient-recorder';

/** Weights captured in a custom loop's step, with the gradients cut at the same moment. */
export type CapturedWithGradients = CapturedWeights & { gradients?: GradientCut | null };

export class GradientWatch {
  private readonly recorder: GradientRecorder;
  /** Stops listening to the optimizer of the current `fit` or `attach()`. */
  private unhook: (() => void) | null = null;

  /**
   * @param monitor the census' weights now, and whether the monitor watches a weight
   * @param sink where a failure inside a step is logged (training goes on)
   */
  constructor(options: Pick<ResolvedMonitorOptions, 'bins' | 'zeroTolerance' | 'statsOn' | 'stopOn'>,
    monitor: Pick<MonitorGradientSettings, 'weights' | 'watches'>, sink: LogSink) {
    this.recorder = gradientRecorderFor({
      bins: options.bins, zeroTolerance: options.zeroTolerance, statsOn: options.statsOn,
      skipNonFinite: options.stopOn.has('gradient-non-finite'),
      weights: monitor.weights,
      watches: monitor.watches,
      onError: (error) => sink.log('error', `tfjs-param-monitor could not measure a gradient: ${(error as Error).message}. Training goes on.`, { event: 'gradient-error' }),
    });
  }

  /**
   * Listens to the steps of the optimizer this `fit` uses (`compile` may have replaced it since
   * the last) or the one `attach()` was given; every step's gradients are kept until a batch says
   * otherwise (`keepNext`).
   */
  hook(optimizer: tf.Optimizer | null | undefined): void {
    this.unhookNow();
    if (optimizer == null) return; // not compiled: tfjs fails the fit itself
    this.recorder.keepNext(true);
    this.unhook = this.recorder.watch(optimizer);
  }

  unhookNow(): void {
    this.unhook?.();
    this.unhook = null;
  }

  /** Whether the next step's gradients are kept: only the last step before a snapshot is measured. */
  keepNext(keep: boolean): void {
    this.recorder.keepNext(keep);
  }

  /** The step skipped for a non-finite gradient since the last call, if any (then cleared). */
  takeSkipped(): SkippedStep | null {
    return this.recorder.takeSkipped();
  }

  /** Adds the gradients since the previous snapshot to weights captured in a custom loop's step. */
  withGradients(captured: CapturedWeights): CapturedWithGradients {
    const gradients = this.recorder.cut();
    return { ...captured, gradients, discard: () => { captured.discard(); gradients?.discard(); } };
  }

  /** The gradients of a snapshot: those captured with its weights, else those since the previous one. */
  async measure(captured?: CapturedWithGradients): Promise<Record<string, GradientStats> | null> {
    this.recorder.takeSkipped(); // this snapshot measures that step
    return captured === undefined ? this.recorder.measure() : this.recorder.measure(captured.gradients ?? null);
  }

  dispose(): void {
    this.unhookNow();
    this.recorder.dispose();
  }
}

/**
 * The `model.fit` callback, and the public face of the monitor: takes the census at training start,
 * a snapshot of every watched weight at start and after every N epochs (or batches), or every N
 * optimizer steps of a custom loop (`attach()`), evaluates the alert rules on each, and hands each
 * event to its outputs (./output.ts): the log, the `output` history file, TensorBoard.
 * Only plain numbers are kept, except the per-weight copies in the snapshot store.
 *
 * It coordinates; the parts do the work: ./snapshots/ measures and records the snapshots,
 * ./monitor-outputs.ts chooses the outputs, ./history/monitor-document.ts assembles the history
 * document, ./training/ counts the fit's epochs and batches (fit-schedule.ts), drives a custom
 * loop (step-driver.ts) and stops training (stop-on.ts), ./gradients/gradient-watch.ts listens
 * to the optimizer's gradients, ./current-census.ts holds the census.
 */
import * as tf from '@tensorflow/tfjs';
import { AlertEngine } from './alerts/engine';
import { CurrentCensus } from './current-census';
import { claimFiles } from './files/file-claims';
import type { HistoryOutput } from './history/history-output';
import { HistoryRecorder } from './history/recorder';
import { MonitorDocument } from './history/monitor-document';
import { GradientWatch, type CapturedWithGradients } from './gradients/gradient-watch';
import type { HistoryDocument } from './history-types';
import { LogSink } from './log/log-sink';
import { recordedOptions, validateMonitorOptions, type ParamMonitorOptions, type ResolvedMonitorOptions } from './monitor-options';
import { createOutputs } from './monitor-outputs';
import { RecordKeeper } from './snapshots/record-keeper';
import { SnapshotTaker } from './snapshots/snapshot-taker';
import type { TensorBoardOutput } from './tensorboard/tensorboard-output';
import { FitSchedule, type FitParams } from './training/fit-schedule';
import { StepDriver } from './training/step-driver';
import { resolveOptimizer } from './training/step-mode';
import { StopOn } from './training/stop-on';
import { trainedModel } from './training/trained-model';

const DISPOSED = 'tfjs-param-monitor: this monitor was disposed; create a new one with paramMonitor().';

/**
 * A tfjs callback that watches every weight of the model while it trains.
 * Create it with {@link paramMonitor}.
 */
export class ParamMonitor extends tf.Callback {
  private readonly options: ResolvedMonitorOptions;
  private readonly engine: AlertEngine;
  private readonly sink: LogSink;
  /** The census of the model at the latest `fit` or `attach()`, and the weights watched. */
  private readonly census: CurrentCensus;
  private readonly history: HistoryRecorder;
  /** The history document, for the `output` file, `toJSON()` and `save()`. */
  private readonly document: MonitorDocument;
  /** The `output` file's writer (its write counters are read by `npm run bench:history`). */
  private readonly output: HistoryOutput | null;
  /** The `tensorboard` folder's writer (its counters are read by `npm run bench:tensorboard`). */
  private readonly tensorboard: TensorBoardOutput | null;
  /** The history, the alert rules and the outputs, fed each snapshot and alert in order. */
  private readonly records: RecordKeeper;
  /** Measures the snapshots (it holds the copies of the weights) and hands them to `records`. */
  private readonly taker: SnapshotTaker;
  /** Epochs and batches of `fit`, and when its snapshots fall. */
  private readonly schedule: FitSchedule;
  private readonly stop: StopOn;
  private disposed = false;
  /** Gives the `output` and `logFile` paths back to other monitors (`dispose()`). */
  private readonly releaseFiles: () => void;
  /** With the `gradients` option: the listener on the optimizer's steps (src/gradients/). */
  private readonly gradients: GradientWatch | null;
  /** Custom training loops: the optimizer steps after `attach()`. */
  private readonly steps: StepDriver<CapturedWithGradients>;

  constructor(options: ParamMonitorOptions = {}) {
    super();
    const o = (this.options = validateMonitorOptions(options));
    // Before any file is opened: a monitor never touches a file another live one writes.
    this.releaseFiles = claimFiles({ output: o.output, logFile: o.logFile });
    let sink: LogSink | undefined;
    try {
      this.engine = new AlertEngine(o.alerts);
      this.census = new CurrentCensus(o.statsOn, o.steps.sharedWith, (name) => this.engine.watches(name));
      this.schedule = new FitSchedule(o.everyEpochs, o.everyBatches);
      this.sink = sink = new LogSink(o);
      this.gradients = !o.gradients ? null : new GradientWatch(o, {
        weights: () => this.census.weights, watches: (name) => this.engine.watches(name),
      }, this.sink);
      this.history = new HistoryRecorder(o.maxSnapshots);
      this.taker = new SnapshotTaker(o, this.gradients, () => this.census.watched(), {
        record: (...snapshot) => {
          this.records.snapshot(...snapshot);
          this.stop.check();
        },
        failed: (at, message) => this.records.monitorError(at, message),
      }, o.tensorboard === undefined ? null : {
        // The TensorBoard output, created below, reads the measuring worker's statistics itself.
        buffers: () => this.tensorboard?.tap ?? null,
        label: (at, time) => (this.tensorboard as TensorBoardOutput).label(at, time),
      });
      this.stop = new StopOn(o.stopOn, {
        holds: (kind) => this.records.holds(kind), model: () => this.trainedModel, epoch: () => this.schedule.epochs, sink: this.sink,
      });
      this.steps = new StepDriver({
        begin: (step) => {
          this.beginRun(step);
          return this.history.snapshotCount > 0;
        },
        capture: (step) => this.taker.capture({ epoch: this.schedule.epochs, step }),
        record: (captured) => this.taker.take(captured.at, true, captured),
        end: (step) => {
          this.taker.settle(); // the last snapshot, if the measuring worker holds it
          this.records.endRun(this.schedule.epochs, step);
        },
        stopRequested: () => this.stop.requested,
        stepFailed: (error) => this.records.monitorError({ epoch: this.schedule.epochs, step: this.steps.step },
          `tfjs-param-monitor failed inside an optimizer step: ${(error as Error).message}. Training goes on.`),
      }, o.steps.everySteps);
      this.document = new MonitorDocument(this.history, () => this.census.header(
        recordedOptions(o, { stepsUsed: this.steps.used, autoWorker: this.taker.autoWorker }),
      ), this.taker);
      const outputs = createOutputs(o, this.sink, this.document, () => this.schedule.epochs);
      this.output = outputs.output;
      this.tensorboard = outputs.tensorboard;
      this.records = new RecordKeeper(this.history, this.engine, outputs.all, o, this.sink);
    } catch (error) {
      // A monitor that was not created writes nothing and holds nothing: the log file it may
      // have opened (a bad `tensorboard` folder is found after it) is closed.
      sink?.close();
      this.releaseFiles();
      throw error;
    }
    // tfjs calls these unbound when it wraps the monitor as a plain config object.
    this.onTrainBegin = this.onTrainBegin.bind(this);
    this.onEpochEnd = this.onEpochEnd.bind(this);
    this.onBatchBegin = this.onBatchBegin.bind(this);
    this.onBatchEnd = this.onBatchEnd.bind(this);
    this.onTrainEnd = this.onTrainEnd.bind(this);
  }

  private get trainedModel(): tf.LayersModel {
    return trainedModel(this.options.model, this.model as tf.LayersModel | undefined);
  }

  override async onTrainBegin(): Promise<void> {
    this.beginRun();
    if (this.history.snapshotCount === 0) await this.taker.take({ epoch: this.schedule.epochs });
    this.gradients?.hook(this.trainedModel.optimizer as tf.Optimizer | undefined);
    this.stop.check();
  }

  override async onBatchBegin(batch: number): Promise<void> {
    this.gradients?.keepNext(this.schedule.snapshotFollows(batch, this.params as FitParams | undefined, this.stop.requested));
  }

  /** Census and a new run, for `fit` or (with `step`) `attach()`. */
  private beginRun(step?: number): void {
    if (this.disposed) throw new Error(DISPOSED);
    this.taker.settle(); // a fit that ended with an exception leaves its last batch snapshot in flight
    this.stop.reset();
    this.history.startRun(this.schedule.epochs, step);
    this.refreshCensus();
  }

  /** The census of the model now, logged when it changed; `param-count` checked. */
  private refreshCensus(): void {
    this.records.census(this.census.retake(this.trainedModel, this.schedule.epochs));
  }

  override async onEpochEnd(): Promise<void> {
    if (this.disposed) return;
    if (this.schedule.epochEnded()) await this.taker.take({ epoch: this.schedule.epochs });
  }

  override async onBatchEnd(): Promise<void> {
    if (this.disposed) return;
    this.taker.settle(); // a snapshot from the worker is recorded one batch later, whatever `everyBatches`
    this.stop.repeat();
    const due = this.schedule.batchEnded();
    const at = { epoch: this.schedule.epochs, batch: this.schedule.batches };
    // A step skipped for a non-finite gradient (stopOn): measured at once, so that its alert stops training.
    if (!due && this.gradients?.takeSkipped()) await this.taker.take(at);
    if (due) await this.taker.take(at, true);
  }

  override async onTrainEnd(): Promise<void> {
    if (this.disposed) return;
    this.taker.settle();
    if (this.census.taken && this.schedule.needsFinal(this.history.lastSnapshot)) await this.taker.take(this.schedule.position);
    this.gradients?.unhookNow();
    this.records.endRun(this.schedule.epochs);
  }

  /**
   * Watches a training loop that does not call `fit`: hooks `optimizer.applyGradients` (both its
   * array and map forms, the argument passed on untouched), takes the census and a snapshot of
   * the weights now (step 0), then one every `everySteps` applied steps, with no line added to
   * the loop. `trainOnBatch` steps the model's optimizer, so it is counted too. Resolves when the
   * first snapshot is recorded.
   * @param optimizer the optimizer the loop steps
   * @default the model's own optimizer, `model.optimizer` (set by `compile`)
   * @throws {TypeError} when there is no `model` option, or no optimizer to attach to
   * @throws {Error} when already attached
   * @example
   * const monitor = paramMonitor({ model: qNet, everySteps: 10, output: 'runs/dqn.json' });
   * await monitor.attach(optimizer);
   * for (...) optimizer.applyGradients(tf.variableGrads(loss).grads);
   * await monitor.detach();
   */
  attach(optimizer?: tf.Optimizer): Promise<void> {
    if (this.disposed) throw new Error(DISPOSED);
    const resolved = resolveOptimizer(this.options.model, optimizer);
    const attached = this.steps.attach(resolved);
    this.gradients?.hook(resolved);
    return attached;
  }

  /**
   * Stops watching the optimizer, leaving it exactly as it was, and takes a last snapshot of the
   * weights unless the latest one has them. Resolves when every snapshot is recorded and written.
   * @example
   * await monitor.detach();
   */
  detach(): Promise<void> {
    return this.steps.detach().finally(() => this.gradients?.unhookNow());
  }

  /**
   * Takes a snapshot of the weights now, wherever the training is; resolves when it is recorded.
   * @example
   * if (episode % 100 === 0) await monitor.snapshot();
   */
  async snapshot(): Promise<void> {
    if (this.disposed) return;
    if (this.steps.optimizer !== null) return this.steps.snapshot();
    if (!this.census.taken) this.refreshCensus();
    await this.taker.take(this.schedule.position);
  }

  /**
   * True once a `stopOn` condition holds (until the next `fit` or `attach()`). In a custom loop,
   * the attached optimizer's steps are skipped from then on: end the loop on it.
   * @default false
   * @example
   * while (!monitor.shouldStop && episode < 1000) { ... }
   */
  get shouldStop(): boolean {
    return this.stop.requested;
  }

  /** The parameter history so far, as plain JSON (no tensors, NaN or Infinity: absent is null). */
  toJSON(): HistoryDocument {
    return this.document.toJSON();
  }

  /**
   * Writes the history document to `file` now, atomically (a temporary file renamed over it), in
   * the form `loadHistory` reads. Works after `dispose()` too.
   * @param file where to write it
   * @default the `output` option's file
   * @throws {TypeError} when there is neither `file` nor an `output` option
   * @throws {Error} naming the file and the reason when it cannot be written
   * @example
   * await model.fit(xs, ys, { epochs: 10, callbacks: [monitor] });
   * monitor.save('runs/exp1/params.json');
   */
  save(file: string | undefined = this.options.output): void {
    this.document.save(file);
  }

  /**
   * Frees every tensor the monitor holds (the copies of previous and initial weights), writes the
   * `output` file a last time, flushes the `tensorboard` event file to disk (`fsync`) and closes
   * it, logs the per-layer summary (with `summary: 'dispose'`, the default) and closes the log
   * file. Idempotent. Every record is on disk when it returns; the
   * promise is kept for compatibility. The history stays readable with `toJSON()` and `save()`.
   */
  dispose(): Promise<void> {
    this.steps.stop(); // snapshots captured in steps but not yet measured are dropped
    this.taker.dispose();
    this.gradients?.dispose();
    if (this.disposed) return Promise.resolve();
    this.disposed = true;
    this.records.close();
    this.releaseFiles();
    return Promise.resolve();
  }
}

/**
 * Creates a {@link ParamMonitor}.
 * @example
 * const monitor = paramMonitor({ output: 'runs/exp1/params.json' });
 * await model.fit(xs, ys, { epochs: 10, callbacks: [monitor] });
 * await monitor.dispose();
 * const history = loadHistory('runs/exp1/params.json');
 */
export function paramMonitor(options?: ParamMonitorOptions): ParamMonitor {
  return new ParamMonitor(options);
}

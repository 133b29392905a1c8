/**
 * The `model.fit` callback: takes the census at training start, a snapshot of every watched
 * weight at start and after every N epochs (or batches), evaluates the alert rules on each, and
 * hands each event to its outputs (./output.ts): the log, the `output` history file, TensorBoard.
 * Only plain numbers are kept, except the per-weight copies in the snapshot store.
 */
import { performance } from 'perf_hooks';
import * as tf from '@tensorflow/tfjs';
import { AlertEngine } from './alerts/engine';
import { describeEnvironment } from './environment';
import { Census, takeCensus } from './census';
import { writeFileAtomic } from './files/atomic-write';
import { prepareWritableFile } from './files/writable-path';
import { HistoryOutput } from './history/history-output';
import { HistoryRecorder } from './history/recorder';
import { historyPieces, serializeHistory } from './history/serialize';
import { addUpdateRatios, type GradientCut, type GradientRecorder } from './gradients/gradient-recorder';
import { gradientRecorderFor } from './gradients/for-monitor';
import type { Alert, EnvironmentRecord, GradientStats, HistoryDocument } from './history-types';
import { LogOutput } from './log/log-output';
import { LogSink } from './log/log-sink';
import type { ParamMonitorOptions } from './monitor-options';
import { ResolvedMonitorOptions, validateMonitorOptions } from './monitor-options';
import type { WeightStats } from './history-types';
import type { MonitorOutput } from './output';
import { PendingStats, SnapshotStore } from './stats/snapshot-store';
import { TensorBoardOutput } from './tensorboard/tensorboard-output';
import { describePosition, type TrainingPosition } from './alerts/alert-message';
import { sharedTrainers } from './training/shared-weights';
import { StepDriver } from './training/step-driver';
import { captureWeights, CapturedWeights, resolveOptimizer } from './training/step-mode';

const MISSING_MODEL =
  'tfjs-param-monitor: training started but tfjs did not hand the model to the monitor. tfjs passes the ' +
  'model only to callbacks that are instances of its own Callback class: either the first entry of ' +
  '`callbacks` is a plain object (as tfvis.show.fitCallbacks() returns), so tfjs wrapped every entry as a ' +
  'config object, or two copies of @tensorflow/tfjs are installed side by side (check `npm ls @tensorflow/tfjs`). ' +
  'Fix: pass the model explicitly, paramMonitor({ model }), which works in any position of `callbacks`.';

/**
 * A tfjs callback that watches every weight of the model while it trains.
 * Create it with {@link paramMonitor}.
 */
export class ParamMonitor extends tf.Callback {
  private readonly options: ResolvedMonitorOptions;
  private readonly store: SnapshotStore;
  private readonly engine: AlertEngine;
  private readonly sink: LogSink;
  private census: Census | null = null;
  private environment: EnvironmentRecord | null = null;
  private readonly history: HistoryRecorder;
  /** The `output` file's writer (its write counters are read by `npm run bench:history`). */
  private readonly output: HistoryOutput | null;
  /** The `tensorboard` folder's writer (its counters are read by `npm run bench:tensorboard`). */
  private readonly tensorboard: TensorBoardOutput | null;
  /**
   * Where every event goes, in this order: the log first, so that no file holds a snapshot the log
   * has not recorded yet (a kill between two outputs); closed in the reverse order, the log last,
   * so that it reports the others' failures until the end.
   */
  private readonly outputs: MonitorOutput[];
  private epochsCompleted = 0;
  private batchesCompleted = 0;
  private disposed = false;
  /**
   * Set when a `stopOn` condition holds; reset when the next `fit` begins. tfjs clears
   * `stopTraining` after `onTrainBegin`, so a stop asked for there is asked again at each batch.
   */
  private stopRequested = false;
  /** Message of the `monitor-error` condition that holds, if any (reported once, then cleared). */
  private failing: string | null = null;
  /** A batch snapshot the measuring worker is measuring, recorded when its numbers come (`settle`). */
  private pending: {
    at: TrainingPosition; started: number; spentMs: number; stats: PendingStats;
    gradients: Record<string, GradientStats> | null;
  } | null = null;
  /** With the `gradients` option: the listener on the optimizer's steps (src/gradients/). */
  private readonly gradients: GradientRecorder | null;
  /** Stops listening to the optimizer of the current `fit` or `attach()`. */
  private unhookGradients: (() => void) | null = null;
  /** Custom training loops: the optimizer steps after `attach()`. */
  private readonly steps: StepDriver;

  constructor(options: ParamMonitorOptions = {}) {
    super();
    this.options = validateMonitorOptions(options);
    this.store = new SnapshotStore({ bins: this.options.bins, zeroTolerance: this.options.zeroTolerance }, this.options.statsOn, {
      fromStart: this.options.fromStart,
      thread: this.options.thread === 'worker' && this.options.threadAuto ? 'auto' : this.options.thread,
    });
    this.engine = new AlertEngine(this.options.alerts);
    this.gradients = !this.options.gradients ? null : gradientRecorderFor({
      bins: this.options.bins, zeroTolerance: this.options.zeroTolerance, statsOn: this.options.statsOn,
      skipNonFinite: this.options.stopOn.has('gradient-non-finite'),
      weights: () => this.census?.weights ?? [],
      watches: (name) => this.engine.watches(name),
      onError: (error) => this.sink.log('error', `tfjs-param-monitor could not measure a gradient: ${(error as Error).message}. Training goes on.`, { event: 'gradient-error' }),
    });
    this.history = new HistoryRecorder(this.options.maxSnapshots);
    this.sink = new LogSink(this.options);
    this.steps = new StepDriver({
      begin: (step) => {
        this.beginRun(step);
        return this.history.snapshotCount > 0;
      },
      capture: (step) => this.withGradients(captureWeights(this.watched(), { epoch: this.epochsCompleted, step })),
      record: (captured) => this.measureNow((captured as CapturedWeights).at, true, captured as CapturedWeights),
      end: (step) => {
        this.settle(); // the last snapshot, if the measuring worker holds it
        this.endRun(step);
      },
      stopRequested: () => this.stopRequested,
      stepFailed: (error) => this.monitorError({ epoch: this.epochsCompleted, step: this.steps.step },
        `tfjs-param-monitor failed inside an optimizer step: ${(error as Error).message}. Training goes on.`),
    }, this.options.steps.everySteps);
    const report = (level: 'error' | 'info', message: string, meta: Record<string, unknown>) => this.sink.log(level, message, { ...meta, epoch: this.epochsCompleted });
    this.output = this.options.output === undefined ? null : new HistoryOutput(
      prepareWritableFile('output', this.options.output),
      // A snapshot in flight on the worker changes the document (reading it records the snapshot):
      // without it counted, a write at exit would find the version written and skip that snapshot.
      () => 2 * this.history.version + (this.pending === null ? 0 : 1),
      () => this.document(),
      report,
    );
    // From now on the file is always a complete document, empty until the first snapshot.
    this.output?.write('now');
    this.tensorboard = this.options.tensorboard === undefined ? null : new TensorBoardOutput(this.options.tensorboard, report, this.options.bins);
    this.outputs = [new LogOutput(this.sink, this.options.summary), this.output, this.tensorboard]
      .filter((output): output is NonNullable<typeof output> => output !== null);
    // tfjs calls these unbound when it wraps the monitor as a plain config object.
    this.onTrainBegin = this.onTrainBegin.bind(this);
    this.onEpochEnd = this.onEpochEnd.bind(this);
    this.onBatchBegin = this.onBatchBegin.bind(this);
    this.onBatchEnd = this.onBatchEnd.bind(this);
    this.onTrainEnd = this.onTrainEnd.bind(this);
  }

  private get trainedModel(): tf.LayersModel {
    const model = this.options.model ?? (this.model as tf.LayersModel | undefined);
    if (!model) throw new Error(MISSING_MODEL);
    return model;
  }

  override async onTrainBegin(): Promise<void> {
    this.beginRun();
    if (this.history.snapshotCount === 0) await this.measureNow({ epoch: this.epochsCompleted });
    this.hookGradients(this.trainedModel.optimizer as tf.Optimizer | undefined);
    this.checkStop();
  }

  /**
   * Listens to the steps of the optimizer this `fit` uses (`compile` may have replaced it since
   * the last) or the one `attach()` was given; every step's gradients are kept until a batch says
   * otherwise (`onBatchBegin`).
   */
  private hookGradients(optimizer: tf.Optimizer | null | undefined): void {
    this.unhookGradients?.();
    this.unhookGradients = null;
    if (this.gradients === null || optimizer == null) return; // not compiled: tfjs fails the fit itself
    this.gradients.keepNext(true);
    this.unhookGradients = this.gradients.watch(optimizer);
  }

  private unhookGradientsNow(): void {
    this.unhookGradients?.();
    this.unhookGradients = null;
  }

  override async onBatchBegin(batch: number): Promise<void> {
    this.gradients?.keepNext(this.snapshotFollows(batch));
  }

  /**
   * Whether a snapshot may follow this batch (`batch`: its index in the epoch), so that its
   * gradients are the ones measured: with `everyBatches`, the batch it falls on; otherwise the
   * last batch of every epoch (and every batch when the epoch's length is unknown, or once a
   * stop was asked for).
   */
  private snapshotFollows(batch: number): boolean {
    const every = this.options.everyBatches;
    if (this.stopRequested) return true;
    if (every !== null) return (this.batchesCompleted + 1) % every === 0;
    const params = this.params as { steps?: number | null; samples?: number | null; batchSize?: number | null } | undefined;
    const perEpoch = params?.steps ?? (params?.samples != null && params.batchSize ? Math.ceil(params.samples / params.batchSize) : null);
    return perEpoch == null || batch === perEpoch - 1;
  }

  /** Census and a new run, for `fit` or (with `step`) `attach()`. */
  private beginRun(step?: number): void {
    if (this.disposed) throw new Error('tfjs-param-monitor: this monitor was disposed; create a new one with paramMonitor().');
    this.settle(); // a fit that ended with an exception leaves its last batch snapshot in flight
    this.stopRequested = false;
    this.history.startRun(this.epochsCompleted, step);
    this.refreshCensus();
  }

  /** The census of the model now, logged when it changed; `param-count` checked. */
  private refreshCensus(): void {
    this.census = takeCensus(this.trainedModel, sharedTrainers(this.options.steps.sharedWith));
    this.environment = describeEnvironment(this.options.statsOn);
    this.engine.setWeights(this.census.weights.map((w) => w.record));
    const census = {
      model: this.census.model, weights: this.census.weights.map((w) => w.record), watched: this.watched().length,
      backend: this.environment.backend, epoch: this.epochsCompleted,
    };
    for (const output of this.outputs) output.census?.(census);
    this.raise(this.engine.checkCensus(this.census.model, this.epochsCompleted));
  }

  override async onEpochEnd(): Promise<void> {
    if (this.disposed) return;
    this.epochsCompleted += 1;
    const every = this.options.everyEpochs;
    if (every !== null && this.epochsCompleted % every === 0) await this.measureNow({ epoch: this.epochsCompleted });
  }

  override async onBatchEnd(): Promise<void> {
    if (this.disposed) return;
    this.settle(); // a snapshot from the worker is recorded one batch later, whatever `everyBatches`
    if (this.stopRequested) this.setStopTraining();
    this.batchesCompleted += 1;
    const every = this.options.everyBatches;
    const due = every !== null && this.batchesCompleted % every === 0;
    // A step skipped for a non-finite gradient (stopOn): measured at once, so that its alert stops training.
    if (!due && this.gradients?.takeSkipped()) await this.measureNow({ epoch: this.epochsCompleted, batch: this.batchesCompleted });
    if (due) await this.measureNow({ epoch: this.epochsCompleted, batch: this.batchesCompleted }, true);
  }

  override async onTrainEnd(): Promise<void> {
    if (this.disposed) return;
    this.settle();
    const last = this.history.lastSnapshot;
    // In batch mode the last batch's snapshot (taken before its epoch ended) is already final.
    const stale = this.options.everyBatches !== null
      ? last?.batch !== this.batchesCompleted
      : last?.epoch !== this.epochsCompleted;
    if (this.census && (!last || stale)) {
      await this.measureNow(this.options.everyBatches !== null
        ? { epoch: this.epochsCompleted, batch: this.batchesCompleted } : { epoch: this.epochsCompleted });
    }
    this.unhookGradientsNow();
    this.endRun();
  }

  /** Ends a `fit` call's run, or (with `step`) an attached run. */
  private endRun(step?: number): void {
    this.history.endRun(this.epochsCompleted, step);
    const final = this.history.lastSnapshot;
    if (final) this.history.pin(final);
    for (const output of this.outputs) output.fitEnd?.({ epoch: this.epochsCompleted, lastSnapshot: final });
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
    if (this.disposed) throw new Error('tfjs-param-monitor: this monitor was disposed; create a new one with paramMonitor().');
    const resolved = resolveOptimizer(this.options.model, optimizer);
    const attached = this.steps.attach(resolved);
    this.hookGradients(resolved);
    return attached;
  }

  /**
   * Stops watching the optimizer, leaving it exactly as it was, and takes a last snapshot of the
   * weights unless the latest one has them. Resolves when every snapshot is recorded and written.
   * @example
   * await monitor.detach();
   */
  detach(): Promise<void> {
    return this.steps.detach().finally(() => this.unhookGradientsNow());
  }

  /**
   * Takes a snapshot of the weights now, wherever the training is; resolves when it is recorded.
   * @example
   * if (episode % 100 === 0) await monitor.snapshot();
   */
  async snapshot(): Promise<void> {
    if (this.disposed) return;
    if (this.steps.optimizer !== null) return this.steps.snapshot();
    if (this.census === null) this.refreshCensus();
    await this.measureNow({ epoch: this.epochsCompleted, ...(this.options.everyBatches !== null ? { batch: this.batchesCompleted } : {}) });
  }

  /**
   * True once a `stopOn` condition holds (until the next `fit` or `attach()`). In a custom loop,
   * the attached optimizer's steps are skipped from then on: end the loop on it.
   * @default false
   * @example
   * while (!monitor.shouldStop && episode < 1000) { ... }
   */
  get shouldStop(): boolean {
    return this.stopRequested;
  }

  private watched() {
    return this.census ? this.census.weights.filter((w) => this.engine.watches(w.record.name)) : [];
  }

  /**
   * Measures every watched weight. Never throws: a failure is logged and recorded as an alert. With
   * `defer` and the measuring worker, returns once the weights are sent to it (see `settle`).
   */
  private async measureNow(at: TrainingPosition, defer = false, captured?: CapturedWeights): Promise<void> {
    if (this.disposed && captured) return captured.discard(); // captured in a step before dispose()
    this.settle();
    const started = Date.now();
    const clock = performance.now();
    try {
      const weights = captured?.weights ?? this.watched().map((w) => ({ name: w.record.name, value: w.variable.read() }));
      if (defer && this.store.defers) {
        const stats = this.store.send(weights);
        const gradients = await this.measureGradients(captured);
        this.pending = { at, started, spentMs: performance.now() - clock, stats, gradients };
        return;
      }
      const stats = await this.store.measure(weights);
      const gradients = await this.measureGradients(captured);
      this.record(at, started, performance.now() - clock, stats, gradients);
    } catch (error) {
      this.snapshotFailed(at, error);
    } finally {
      captured?.discard();
    }
  }

  /**
   * Records the snapshot the measuring worker holds, if any, waiting for its numbers (which
   * normally came while the next batch trained). Its `computeMs` is the training thread's time:
   * copying the weights out, and any wait here.
   */
  private settle(): void {
    const pending = this.pending;
    if (pending === null) return;
    this.pending = null;
    const clock = performance.now();
    try {
      const stats = pending.stats.receive();
      this.record(pending.at, pending.started, pending.spentMs + performance.now() - clock, stats, pending.gradients);
    } catch (error) {
      this.snapshotFailed(pending.at, error);
    }
  }

  /**
   * A snapshot captured inside a custom loop's step takes the gradients since the previous one
   * there too: the loop may step again before the snapshot is measured.
   */
  private withGradients(captured: CapturedWeights): CapturedWeights & { gradients?: GradientCut | null } {
    if (this.gradients === null) return captured;
    const gradients = this.gradients.cut();
    return { ...captured, gradients, discard: () => { captured.discard(); gradients?.discard(); } };
  }

  /** The gradients of this snapshot: those captured with its weights, else those since the previous one. */
  private async measureGradients(captured?: CapturedWeights & { gradients?: GradientCut | null }): Promise<Record<string, GradientStats> | null> {
    if (this.gradients === null) return null;
    this.gradients.takeSkipped(); // this snapshot measures that step
    return captured === undefined ? this.gradients.measure() : this.gradients.measure(captured.gradients ?? null);
  }

  private snapshotFailed(at: TrainingPosition, error: unknown): void {
    this.monitorError(at, `tfjs-param-monitor could not take the snapshot at ${describePosition(at)}: ${(error as Error).message}. Training goes on.`);
  }

  /** Adds a measured snapshot to the history, evaluates the alert rules on it, hands both to the outputs. */
  private record(at: TrainingPosition, started: number, ms: number,
    stats: Record<string, WeightStats>, gradients: Record<string, GradientStats> | null = null): void {
    if (gradients) addUpdateRatios(gradients, stats);
    const snapshot = this.history.addSnapshot({
      ...at, time: new Date(started).toISOString(), computeMs: Math.round(ms * 1000) / 1000,
    }, stats, gradients);
    const raised = this.engine.evaluate(snapshot);
    if (raised.some((alert) => alert.status === 'started')) this.history.pin(snapshot);
    for (const alert of raised) this.history.addAlert(alert);
    for (const output of this.outputs) output.snapshot?.(snapshot, raised);
    if (this.failing !== null) this.monitorError(at, null);
    for (const alert of raised) this.notify(alert);
    this.checkStop();
  }

  /**
   * The monitor's own failures, as a condition: reported when one starts (or its message
   * changes), once, and cleared by the next snapshot that works. Honours `disable` and `severity`.
   */
  private monitorError(at: TrainingPosition, message: string | null): void {
    const { disable, severity } = this.options.alerts;
    const previous = this.failing;
    this.failing = message;
    if (disable.includes('monitor-error') || message === previous) return;
    const base = {
      kind: 'monitor-error' as const, severity: severity['monitor-error'], weight: null, layer: null, ...at,
      value: null, threshold: null, count: 1,
    };
    this.raise([message === null
      ? { ...base, status: 'cleared', message: `tfjs-param-monitor takes snapshots again (${describePosition(at)}).` }
      : { ...base, status: 'started', message }]);
  }

  /** Stops training while a condition of a `stopOn` kind holds (started now or earlier). */
  private checkStop(): void {
    if (this.stopRequested) return;
    const kind = [...this.options.stopOn].find((k) => (k === 'monitor-error' ? this.failing !== null : this.engine.isActive(k)));
    if (kind === undefined) return;
    this.stopRequested = true;
    this.setStopTraining();
    this.sink.log('warn', `stopping training: a ${kind} alert holds (stopOn)`, { event: 'stop', kind, epoch: this.epochsCompleted });
  }

  private setStopTraining(): void {
    try {
      this.trainedModel.stopTraining = true;
    } catch (error) {
      this.sink.log('error', `could not stop training: ${(error as Error).message}`, { event: 'stop-error' });
    }
  }

  /** Alerts raised outside a snapshot (the census's, the monitor's own): to the history, the outputs, `onAlert`. */
  private raise(alerts: Alert[]): void {
    for (const alert of alerts) {
      this.history.addAlert(alert);
      for (const output of this.outputs) output.alert?.(alert);
      this.notify(alert);
    }
  }

  private notify(alert: Alert): void {
    if (!this.options.onAlert) return;
    try {
      this.options.onAlert(alert);
    } catch (error) {
      this.sink.log('error', `The \`onAlert\` callback threw: ${(error as Error).message}`, { event: 'onAlert-error' });
    }
  }


  private document(): HistoryDocument {
    this.settle();
    return this.history.document({
      environment: this.environment ?? describeEnvironment(this.options.statsOn),
      options: {
        bins: this.options.bins, zeroTolerance: this.options.zeroTolerance,
        everyEpochs: this.options.everyEpochs, everyBatches: this.options.everyBatches,
        ...(this.steps.used ? { everySteps: this.options.steps.everySteps } : {}),
        statsOn: this.options.statsOn, maxSnapshots: this.options.maxSnapshots, fromStart: this.options.fromStart,
        thread: this.options.thread === 'worker' && this.options.threadAuto && !this.store.autoWorker ? 'main' : this.options.thread,
        ...(this.options.gradients ? { gradients: true } : {}),
      },
      model: this.census?.model ?? { name: '', totalParams: 0, trainableParams: 0, nonTrainableParams: 0, layers: [] },
      weights: this.census ? this.census.weights.map((w) => w.record) : [],
    });
  }

  /** The parameter history so far, as plain JSON (no tensors, NaN or Infinity: absent is null). */
  toJSON(): HistoryDocument {
    return JSON.parse(serializeHistory(this.document()));
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
    if (typeof file !== 'string' || file.length === 0) {
      throw new TypeError(`save() takes the path of the file to write (or the monitor's \`output\` option), but got ${JSON.stringify(file)}.`);
    }
    try {
      writeFileAtomic(file, historyPieces(this.document()));
    } catch (error) {
      throw new Error(`tfjs-param-monitor could not save the history to ${file}: ${(error as Error).message}`);
    }
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
    this.settle();
    this.store.dispose();
    this.unhookGradientsNow();
    this.gradients?.dispose();
    if (this.disposed) return Promise.resolve();
    this.disposed = true;
    for (const output of [...this.outputs].reverse()) output.close();
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

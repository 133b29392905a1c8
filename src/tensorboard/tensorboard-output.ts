/**
 * The `tensorboard` option: TensorBoard event files as one of the monitor's outputs. One event
 * per snapshot (scalars, histograms when ./histogram-schedule.ts says so or an alert started,
 * the alerts it raised), one for an alert raised outside a snapshot, the last snapshot's
 * histograms at the end of each `fit` if they were skipped. The events go to the writer thread
 * (./write-thread.ts), which appends them within its poll interval, so the training thread pays
 * a copy of numbers and no system call. A write that fails is reported once and the file gets no
 * more events (appending after a torn record would hide every later one from TensorBoard);
 * training goes on. With the measuring worker, the worker publishes each batch snapshot's
 * statistics to a tap (../stats/measure-tap.ts) that the writer thread reads, labelled here with
 * the step and whether its histograms are due (`label`): the training thread then hands over
 * only what the worker does not know, the alerts and gradients. The browser build swaps this file for
 * src/browser/node-io/tensorboard-output.ts, which refuses the option.
 */
import { performance } from 'perf_hooks';
import type { TrainingPosition } from '../alerts/alert-message';
import type { Alert, Snapshot } from '../history-types';
import type { CensusEvent, FitEndEvent, MonitorOutput, Report } from '../output';
import { createTap, LABEL_SLOTS, LOST, type TapBuffers } from '../stats/measure-tap';
import { EventFile } from './event-file';
import { StepRecords, alertLine, stepOf } from './event-writer';
import { histogramsDue } from './histogram-schedule';
import { entrySlotsFor } from './step-codec';
import { tapLabel } from './tap-merge';
import { WriteThread } from './write-thread';

const wallTimeOf = (snapshot: Snapshot) => Date.parse(snapshot.time) / 1000;

/**
 * The clock, read twice for `timing`: the first read after a training step costs 1 to 3 µs (the
 * clock's code and page evicted), which is the timer's cost, not the output's.
 */
function warmNow(): number {
  performance.now();
  return performance.now();
}

export class TensorBoardOutput implements MonitorOutput {
  /** The writer thread's side on this thread (its counters are read by `npm run bench:tensorboard`). */
  readonly writer: WriteThread;
  /** The newest snapshot, while its histograms are unwritten. */
  private unwritten: Snapshot | null = null;
  private failed = false;
  /** The measuring worker's tap, made at the first census when the monitor measures there. */
  private tapBuffers: TapBuffers | null = null;
  private lost: Int32Array | null = null;
  private readonly labelSlots = new Float64Array(LABEL_SLOTS);
  /** The snapshot last labelled for the tap, until it is recorded: its step, whether its histograms were due, the tap's losses then. */
  private labelled: { step: number; histograms: boolean; lost: number } | null = null;
  /** The tap's measurements recorded so far: an event handed over after them is written after them. */
  private tapRecorded = 0;
  /** The index the next snapshot recorded will have. */
  private nextIndex = 0;
  /**
   * Events handed to the writer, snapshots with histograms, and with `timing` the training
   * thread's time in `snapshot` and `label` (for `npm run bench:tensorboard`).
   */
  readonly cost = { totalWriteMs: 0, writes: 0, histogramSnapshots: 0 };
  /**
   * Whether `snapshot` and `label` time themselves (set by `npm run bench:tensorboard`). Off
   * otherwise: reading the clock costs 1 to 3 µs right after a training step, a fifth of the
   * hand-over.
   */
  timing = false;

  /**
   * @param bins the histograms' bin count (the monitor's `bins`), to size the writer's memory
   * @param tapped whether the monitor may measure on the measuring worker (`thread: 'worker'`
   * or `'auto'`), which then publishes the statistics to the tap this output makes
   * @throws {RangeError} naming the `tensorboard` option when the folder cannot be written
   */
  constructor(folder: string, private readonly report: Report, private readonly bins = 30, private readonly tapped = false) {
    this.writer = new WriteThread(new EventFile('tensorboard', folder), report, bins);
  }

  /** The event file's path. */
  get file(): string {
    return this.writer.file;
  }

  get bytes(): number {
    return this.writer.bytes;
  }

  /** The measuring worker's tap, once made (the first census), for the worker to publish to. */
  get tap(): TapBuffers | null {
    return this.failed ? null : this.tapBuffers;
  }

  /** Training begins: the writer thread starts now rather than in the first snapshot. */
  census(event: CensusEvent): void {
    if (this.tapped && this.tapBuffers === null) {
      this.tapBuffers = createTap(event.watched, this.bins);
      this.lost = new Int32Array(this.tapBuffers.control);
    }
    this.writer.start(entrySlotsFor(event.watched, this.bins), this.tapBuffers);
  }

  /**
   * The label of the snapshot at `at`, which the measuring worker is about to measure and publish
   * to the tap: the step and wall time of its event, and whether its histograms are due.
   */
  label(at: TrainingPosition, time: number): Float64Array {
    if (!this.timing) return this.labelOf(at, time);
    const started = warmNow();
    const label = this.labelOf(at, time);
    this.cost.totalWriteMs += performance.now() - started;
    return label;
  }

  snapshot(snapshot: Snapshot, alerts: readonly Alert[], time: number): void {
    if (!this.timing) return this.handOver(snapshot, alerts, time);
    const started = warmNow();
    this.handOver(snapshot, alerts, time);
    this.cost.totalWriteMs += performance.now() - started;
  }

  private labelOf(at: TrainingPosition, time: number): Float64Array {
    const step = stepOf(at);
    const histograms = histogramsDue(this.nextIndex);
    this.labelled = { step, histograms, lost: Atomics.load(this.lost as Int32Array, LOST) };
    return tapLabel(this.labelSlots, step, time / 1000, histograms);
  }

  /** A snapshot's events to the writer: everything, or with the tap what the worker does not know. */
  private handOver(snapshot: Snapshot, alerts: readonly Alert[], time: number): void {
    this.nextIndex = snapshot.index + 1;
    const labelled = this.labelled;
    this.labelled = null;
    const alertStarted = alerts.length > 0 && alerts.some((a) => a.status === 'started');
    if (labelled !== null && labelled.step === stepOf(snapshot) && Atomics.load(this.lost as Int32Array, LOST) === labelled.lost) {
      this.tapRecorded += 1;
      this.fromTap(snapshot, alerts, labelled.histograms, alertStarted, time);
      return;
    }
    const histograms = histogramsDue(snapshot.index) || alertStarted;
    this.unwritten = histograms ? null : snapshot;
    if (histograms) this.cost.histogramSnapshots += 1;
    // The event's wall time is the snapshot's, as a number: `Date.parse(snapshot.time)` took 6 to
    // 9 µs after a training step, and even `Date.now()` 2 to 3 µs. The statistics go as rows,
    // the rest (rare, or with `gradients`) as a step entry after them.
    const step = stepOf(snapshot);
    if (!this.handOverStats(step, time / 1000, snapshot, histograms)) return;
    if (snapshot.gradients === undefined && alerts.length === 0) return;
    this.write(step, time / 1000, {
      gradients: snapshot.gradients, gradientHistograms: histograms ? snapshot.gradients : undefined,
      alertLines: alerts.length > 0 ? alerts.map(alertLine) : undefined,
    });
  }

  /** Hands the statistics of a snapshot measured on this thread over; false once the file failed. */
  private handOverStats(step: number, wallTime: number, snapshot: Snapshot, histograms: boolean): boolean {
    if (this.failed) return false;
    try {
      this.writer.writeStats(step, wallTime, snapshot.stats, histograms, this.tapRecorded);
    } catch (error) {
      this.fail(error);
      return false;
    }
    this.cost.writes += 1;
    return true;
  }

  /**
   * A snapshot whose statistics (and histograms, when due) the writer reads from the tap: hands
   * over the rest, the histograms when an alert started and they were not due, gradients and
   * alerts, or nothing.
   */
  private fromTap(snapshot: Snapshot, alerts: readonly Alert[], due: boolean, alertStarted: boolean, time: number): void {
    const histograms = !due && alertStarted;
    this.unwritten = due || histograms ? null : snapshot;
    if (due || histograms) this.cost.histogramSnapshots += 1;
    if (!histograms && snapshot.gradients === undefined && alerts.length === 0) {
      if (this.failed) return;
      try {
        this.writer.check();
      } catch (error) {
        this.fail(error);
      }
      return;
    }
    this.write(stepOf(snapshot), time / 1000, {
      histograms: histograms ? snapshot.stats : undefined,
      gradients: snapshot.gradients, gradientHistograms: due || histograms ? snapshot.gradients : undefined,
      alertLines: alerts.length > 0 ? alerts.map(alertLine) : undefined,
    });
  }

  alert(alert: Alert): void {
    this.write(stepOf(alert), Date.now() / 1000, { alertLines: [alertLine(alert)] });
  }

  fitEnd(event: FitEndEvent): void {
    const last = this.unwritten;
    if (last === null || last.index !== event.lastSnapshot?.index) return;
    this.unwritten = null;
    this.cost.histogramSnapshots += 1;
    this.write(stepOf(last), wallTimeOf(last), { histograms: last.stats, gradientHistograms: last.gradients });
  }

  /** Waits for the writer to write every event, flush the file to disk (`fsync`) and close it. */
  close(): void {
    try {
      this.writer.close();
    } catch (error) {
      this.fail(error);
    }
  }

  /** Hands the event over. */
  private write(step: number, wallTime: number, records: StepRecords): void {
    if (this.failed) return;
    try {
      this.writer.write(step, wallTime, records, this.tapRecorded);
    } catch (error) {
      this.fail(error);
      return;
    }
    this.cost.writes += 1;
  }

  private fail(error: unknown): void {
    if (this.failed) return;
    this.failed = true;
    const { file } = this.writer;
    try {
      this.writer.close();
    } catch {
      // Reported below; nothing more to do with a file that fails.
    }
    this.report('error', `could not write the TensorBoard event file ${file}: ${(error as Error).message}. Training goes on; the file gets no more events`, {
      event: 'tensorboard-error', file,
    });
  }
}

/**
 * The `tensorboard` option: TensorBoard event files as one of the monitor's outputs. One event
 * per snapshot (scalars, histograms when ./histogram-schedule.ts says so or an alert started,
 * the alerts it raised), one for an alert raised outside a snapshot, the last snapshot's
 * histograms at the end of each `fit` if they were skipped. The events go to the writer thread
 * (./write-thread.ts), which appends them within its poll interval, so the training thread pays
 * a copy of numbers and no system call. A write that fails is reported once and the file gets no
 * more events (appending after a torn record would hide every later one from TensorBoard);
 * training goes on. The browser build swaps this file for
 * src/browser/node-io/tensorboard-output.ts, which refuses the option.
 */
import { performance } from 'perf_hooks';
import type { Alert, Snapshot } from '../history-types';
import type { CensusEvent, FitEndEvent, MonitorOutput, Report } from '../output';
import { EventFile } from './event-file';
import { StepRecords, alertLine, stepOf } from './event-writer';
import { histogramsDue } from './histogram-schedule';
import { entrySlotsFor } from './step-codec';
import { WriteThread } from './write-thread';

const wallTimeOf = (snapshot: Snapshot) => Date.parse(snapshot.time) / 1000;

export class TensorBoardOutput implements MonitorOutput {
  /** The writer thread's side on this thread (its counters are read by `npm run bench:tensorboard`). */
  readonly writer: WriteThread;
  /** The newest snapshot, while its histograms are unwritten. */
  private unwritten: Snapshot | null = null;
  private failed = false;
  /**
   * The training thread's time in this output (choosing the histograms and handing the event to
   * the writer), events handed, snapshots with histograms (for `npm run bench:tensorboard`).
   */
  readonly cost = { totalWriteMs: 0, writes: 0, histogramSnapshots: 0 };

  /**
   * @param bins the histograms' bin count (the monitor's `bins`), to size the writer's memory
   * @throws {RangeError} naming the `tensorboard` option when the folder cannot be written
   */
  constructor(folder: string, private readonly report: Report, private readonly bins = 30) {
    this.writer = new WriteThread(new EventFile('tensorboard', folder), report);
  }

  /** The event file's path. */
  get file(): string {
    return this.writer.file;
  }

  get bytes(): number {
    return this.writer.bytes;
  }

  /** Training begins: the writer thread starts now rather than in the first snapshot. */
  census(event: CensusEvent): void {
    this.writer.start(entrySlotsFor(event.watched, this.bins));
  }

  snapshot(snapshot: Snapshot, alerts: readonly Alert[]): void {
    const started = performance.now();
    const histograms = histogramsDue(snapshot.index) || (alerts.length > 0 && alerts.some((a) => a.status === 'started'));
    this.unwritten = histograms ? null : snapshot;
    if (histograms) this.cost.histogramSnapshots += 1;
    // The event's wall time is now, when it is handed over (the snapshot's own time, or a batch
    // later when the measuring worker measured it), not `Date.parse(snapshot.time)`: parsing took
    // 6 to 9 µs after a training step, a third of the whole hand-over.
    this.write(stepOf(snapshot), Date.now() / 1000, {
      scalars: snapshot.stats, histograms: histograms ? snapshot.stats : undefined,
      gradients: snapshot.gradients, gradientHistograms: histograms ? snapshot.gradients : undefined, alertLines: alerts.length > 0 ? alerts.map(alertLine) : undefined,
    }, started);
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

  /** Hands the event over; `started` is when the output began with it, for the cost counter. */
  private write(step: number, wallTime: number, records: StepRecords, started = performance.now()): void {
    if (this.failed) return;
    try {
      this.writer.write(step, wallTime, records);
    } catch (error) {
      this.fail(error);
      return;
    }
    this.cost.totalWriteMs += performance.now() - started;
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

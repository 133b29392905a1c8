/**
 * The `output` option: when to rewrite the history file and what to say when a write fails.
 * Written at once when the monitor is created and after the first snapshot; soon (as soon as
 * the cost limit allows, by a timer if need be) after an alert starts or a `fit` ends, so that a
 * loop of short `fit` calls does not rewrite the whole document at each; otherwise on the time
 * budget; at `dispose()`; and, for a script that ends without `dispose()`, at process exit when
 * anything is unwritten.
 */
import type { Alert, HistoryDocument, Snapshot } from '../history-types';
import type { MonitorOutput, Report } from '../output';
import { HistoryFile } from './history-file';
import { historyPieces } from './serialize';

export type Urgency = 'now' | 'soon' | 'budget';

/** Outputs with something unwritten, flushed by one `exit` listener for the whole process. */
const pending = new Set<HistoryOutput>();
let exitHooked = false;

function flushAtExit(): void {
  for (const output of pending) output.write('now');
}

/** The `output` file as one of the monitor's outputs. */
export class HistoryOutput implements MonitorOutput {
  private readonly file: HistoryFile;
  private writtenVersion = -1;
  private timer: NodeJS.Timeout | null = null;

  /**
   * @param path a path checked with prepareWritableFile
   * @param version a number that changes whenever the document does
   * @param document the document now
   */
  constructor(path: string, private readonly version: () => number, private readonly document: () => HistoryDocument, private readonly report: Report) {
    this.file = new HistoryFile(path);
    if (!exitHooked) {
      process.on('exit', flushAtExit);
      exitHooked = true;
    }
    pending.add(this);
  }

  /** Time spent writing and writes made (for `npm run bench:history`). */
  get cost(): { totalWriteMs: number; writes: number } {
    return { totalWriteMs: this.file.totalWriteMs, writes: this.file.writes };
  }

  /**
   * Rewrites the file if the document changed and the urgency allows. A `'soon'` write that is
   * not due yet is made by a timer when it is (one timer at a time, which does not keep the
   * process alive). Never throws.
   */
  write(when: Urgency): void {
    const version = this.version();
    if (version === this.writtenVersion) return;
    if (when !== 'now' && !this.file.due(when)) {
      if (when === 'soon' && this.timer === null) {
        this.timer = setTimeout(() => {
          this.timer = null;
          this.write('soon');
        }, Math.ceil(this.file.wait('soon')));
        this.timer.unref();
      }
      return;
    }
    const outcome = this.file.write(() => historyPieces(this.document()));
    if (outcome.ok) this.writtenVersion = version;
    const meta = { event: outcome.failed !== undefined ? 'output-error' : 'output-recovered', file: this.file.file };
    if (outcome.failed !== undefined) {
      this.report('error', `could not write the history file ${this.file.file}: ${outcome.failed}. Training goes on; the history is kept in memory (monitor.save() writes it)`, meta);
    } else if (outcome.recovered) {
      this.report('info', `the history file ${this.file.file} is written again`, meta);
    }
  }

  /** The first snapshot at once; soon when an alert started at it; else on the time budget. */
  snapshot(snapshot: Snapshot, alerts: readonly Alert[]): void {
    this.write(snapshot.index === 0 ? 'now' : alerts.some((a) => a.status === 'started') ? 'soon' : 'budget');
  }

  alert(alert: Alert): void {
    this.write(alert.status === 'started' ? 'soon' : 'budget');
  }

  fitEnd(): void {
    this.write('soon');
  }

  /** Writes what is unwritten and stops the exit flush. Idempotent. */
  close(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.write('now');
    pending.delete(this);
  }
}

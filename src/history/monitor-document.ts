/**
 * A live monitor's history document: its records so far under the header of the moment (the
 * environment, the options, the census), once a snapshot the measuring worker holds is recorded;
 * read by the `output` file, `toJSON()` and `save()`.
 */
import { writeFileAtomic } from '../files/atomic-write';
import type { HistoryDocument } from '../history-types';
import type { HistoryHeader, HistoryRecorder } from './recorder';
import { historyPieces, serializeHistory } from './serialize';

/** A snapshot on the measuring worker: recorded when the document is read. */
export interface SnapshotInFlight {
  readonly inFlight: boolean;
  /** Records it now. */
  settle(): void;
}

export class MonitorDocument {
  constructor(private readonly history: HistoryRecorder, private readonly header: () => HistoryHeader,
    private readonly worker: SnapshotInFlight) {}

  /**
   * A number that changes whenever the document does. A snapshot in flight on the worker changes
   * it (reading the document records the snapshot): without it counted, a write at exit would
   * find the version written and skip that snapshot.
   */
  version(): number {
    return 2 * this.history.version + (this.worker.inFlight ? 1 : 0);
  }

  /** The document now. It shares arrays with the recorder: serialise it, don't keep it. */
  document(): HistoryDocument {
    this.worker.settle();
    return this.history.document(this.header());
  }

  /** The document now as plain JSON (no NaN or Infinity: absent is null). */
  toJSON(): HistoryDocument {
    return JSON.parse(serializeHistory(this.document()));
  }

  /**
   * Writes the document to `file` atomically.
   * @throws {TypeError} when `file` is not a path
   * @throws {Error} naming the file and the reason when it cannot be written
   */
  save(file: string | undefined): void {
    if (typeof file !== 'string' || file.length === 0) {
      throw new TypeError(`save() takes the path of the file to write (or the monitor's \`output\` option), but got ${JSON.stringify(file)}.`);
    }
    try {
      writeFileAtomic(file, historyPieces(this.document()));
    } catch (error) {
      throw new Error(`tfjs-param-monitor could not save the history to ${file}: ${(error as Error).message}`);
    }
  }
}

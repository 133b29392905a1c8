/**
 * The monitor's outputs (./output.ts), chosen by its options: the log always, the `output`
 * history file and the `tensorboard` event files when set. A new output is a line here and a
 * folder of its own, not a branch in the monitor.
 */
import { prepareWritableFile } from './files/writable-path';
import { HistoryOutput } from './history/history-output';
import type { HistoryDocument } from './history-types';
import { LogOutput } from './log/log-output';
import type { LogSink } from './log/log-sink';
import type { ResolvedCoreOptions } from './options';
import type { MonitorOutput, Report } from './output';
import { TensorBoardOutput } from './tensorboard/tensorboard-output';

export interface MonitorOutputs {
  /**
   * Where every event goes, in this order: the log first, so that no file holds a snapshot the
   * log has not recorded yet (a kill between two outputs); closed in the reverse order, the log
   * last, so that it reports the others' failures until the end.
   */
  all: MonitorOutput[];
  /** The `output` file's writer (its write counters are read by `npm run bench:history`). */
  output: HistoryOutput | null;
  /** The `tensorboard` folder's writer (its counters are read by `npm run bench:tensorboard`). */
  tensorboard: TensorBoardOutput | null;
}

/** What the `output` file needs of the monitor. */
export interface DocumentSource {
  /** A number that changes whenever the document does. */
  version(): number;
  /** The document now. */
  document(): HistoryDocument;
}

/**
 * Creates the outputs; the `output` file is written at once.
 * @param epoch epochs completed now, added to the outputs' own log records
 * @throws {RangeError} naming the option when the `output` file or the `tensorboard` folder cannot be written
 */
export function createOutputs(options: Pick<ResolvedCoreOptions, 'output' | 'tensorboard' | 'summary' | 'bins' | 'thread'>, sink: LogSink,
  history: DocumentSource, epoch: () => number): MonitorOutputs {
  const report: Report = (level, message, meta) => sink.log(level, message, { ...meta, epoch: epoch() });
  const output = options.output === undefined ? null : new HistoryOutput(
    prepareWritableFile('output', options.output), () => history.version(), () => history.document(), report,
  );
  // From now on the file is always a complete document, empty until the first snapshot.
  output?.write('now');
  const tensorboard = options.tensorboard === undefined ? null : new TensorBoardOutput(options.tensorboard, report, options.bins, options.thread === 'worker');
  const all = [new LogOutput(sink, options.summary), output, tensorboard]
    .filter((o): o is NonNullable<typeof o> => o !== null);
  return { all, output, tensorboard };
}

/**
 * One TensorBoard event file: created in the folder when the writer starts, its first record the
 * `file_version: "brain.Event:2"` event TensorBoard expects. Records are appended with
 * `fs.writeSync` on the descriptor opened once, all the records of a snapshot in one call, so they
 * are in the file (the kernel's page cache) when `append` returns: a process killed with SIGKILL
 * loses nothing written, and tears at most the record being written, which TensorBoard skips.
 * `fsync` runs once, at `close()`: one per snapshot would cost more than the rest of the write
 * (0.8 ms measured, against a snapshot of the demo model in about 0.4 ms), and protects only
 * against a power loss.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { writeAll } from '../files/atomic-write';
import { prepareWritableFile } from '../files/writable-path';
import { EventMessage } from './proto';
import { frameInPlace, frameRecords } from './tfrecord';

/** The version string TensorBoard's loader checks in the first event. */
export const FILE_VERSION = 'brain.Event:2';

/** Files this process created, so that two writers started in the same second get distinct names. */
let created = 0;

/**
 * TensorBoard's naming (`events.out.tfevents.<seconds>.<host>.<pid>.<n>`), with a suffix saying
 * who wrote it. TensorBoard reads every file whose name holds `tfevents`, in name order.
 */
export function eventFileName(now = Date.now()): string {
  const host = os.hostname().replace(/[^A-Za-z0-9.-]/g, '_') || 'localhost';
  created += 1;
  return `events.out.tfevents.${String(Math.floor(now / 1000)).padStart(10, '0')}.${host}.${process.pid}.${created}.param-monitor`;
}

/** An open event file, as handed to the writer thread, which goes on appending with `new EventFile(handle)`. */
export interface EventFileHandle {
  file: string;
  fd: number;
  bytes: number;
}

export class EventFile {
  /** Absolute path of the file. */
  readonly file: string;
  private fd: number | null;
  private scratch: Buffer = Buffer.allocUnsafe(4096);
  /** Bytes written so far. */
  bytes = 0;

  /**
   * Creates the file in `folder` (and the missing folders), named by {@link eventFileName}.
   * @param option the option or argument that named the folder, for the error message
   * @throws {RangeError} naming the option, the folder and the reason when it cannot be written
   */
  constructor(option: string, folder: string, wallTime?: number);
  /** The file another `EventFile` opened (in another thread): appends go on after its `bytes`. */
  constructor(handle: EventFileHandle);
  constructor(optionOrHandle: string | EventFileHandle, folder = '', wallTime = Date.now() / 1000) {
    if (typeof optionOrHandle !== 'string') {
      ({ file: this.file, fd: this.fd, bytes: this.bytes } = optionOrHandle);
      return;
    }
    const option = optionOrHandle;
    const resolved = path.resolve(folder);
    if (fs.existsSync(resolved) && !fs.statSync(resolved).isDirectory()) {
      throw new RangeError(`The \`${option}\` option must name a folder, but ${folder} is a file.`);
    }
    this.file = prepareWritableFile(option, path.join(resolved, eventFileName(wallTime * 1000)));
    try {
      this.fd = fs.openSync(this.file, 'wx');
    } catch (error) {
      throw new RangeError(`The \`${option}\` option names a folder where the event file cannot be written: ${this.file} (${(error as Error).message}).`);
    }
    this.append([EventMessage.encode({ wallTime, step: 0, fileVersion: FILE_VERSION }).finish()]);
  }

  /** Appends the encoded events as TFRecord frames, in one write. Throws Node's error when it fails. */
  append(events: readonly Uint8Array[]): void {
    if (this.fd === null) throw new Error(`the event file ${this.file} is closed`);
    const { buffer, bytes } = frameRecords(events, this.scratch);
    this.scratch = buffer;
    writeAll(this.fd, bytes);
    this.bytes += bytes.length;
  }

  /**
   * Appends the event at `buffer[dataStart, dataEnd)`, framed in place (12 bytes free before it
   * and 4 after), in one write: how the writer appends a snapshot without copying it again.
   */
  appendInPlace(buffer: Buffer, dataStart: number, dataEnd: number): void {
    if (this.fd === null) throw new Error(`the event file ${this.file} is closed`);
    const bytes = frameInPlace(buffer, dataStart, dataEnd);
    writeAll(this.fd, bytes);
    this.bytes += bytes.length;
  }

  /** The descriptor and bytes written, for another thread to go on appending; this object must then write no more. */
  get handle(): EventFileHandle {
    if (this.fd === null) throw new Error(`the event file ${this.file} is closed`);
    return { file: this.file, fd: this.fd, bytes: this.bytes };
  }

  get closed(): boolean {
    return this.fd === null;
  }

  /** Flushes the file to disk (`fsync`) and closes it. Idempotent. */
  close(): void {
    if (this.fd === null) return;
    const fd = this.fd;
    this.fd = null;
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  }
}

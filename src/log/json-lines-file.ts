/**
 * The `logFile`: one JSON line per record, appended with one `fs.writeSync` on a descriptor
 * opened when the monitor is created. A record is in the file (the kernel's page cache) when
 * `log()` returns, so nothing is lost at exit, with or without `dispose()`, and a process killed
 * with SIGKILL loses at most the record being written. Winston's file transport is not used: it
 * buffers, loses records and can crash the process on `end()` (winston#1504, #2219).
 */
import * as fs from 'fs';
import { writeAll } from '../files/atomic-write';
import { prepareWritableFile } from '../files/writable-path';

/** Any value as JSON: NaN and Infinity as null, bigint as a string, cycles and errors as text. */
function toJsonLine(record: Record<string, unknown>): string {
  const seen = new WeakSet<object>();
  return JSON.stringify(record, (_key, value: unknown) => {
    if (typeof value === 'number' && !Number.isFinite(value)) return null;
    if (typeof value === 'bigint') return value.toString();
    if (value instanceof Error) return { name: value.name, message: value.message };
    if (typeof value === 'object' && value !== null) {
      if (seen.has(value)) return '[Circular]';
      seen.add(value);
    }
    return value;
  });
}

export class JsonLinesFile {
  private fd: number | null;

  constructor(readonly file: string) {
    prepareWritableFile('logFile', file);
    try {
      this.fd = fs.openSync(file, 'a');
    } catch (error) {
      throw new RangeError(`The \`logFile\` option names a file that cannot be written: ${file} (${(error as Error).message}).`);
    }
  }

  /** Appends one record as a line. Throws Node's error when the write fails (the sink catches it). */
  write(record: Record<string, unknown>): void {
    if (this.fd === null) return;
    writeAll(this.fd, Buffer.from(`${toJsonLine(record)}\n`, 'utf8'));
  }

  /** Idempotent. */
  close(): void {
    if (this.fd === null) return;
    const fd = this.fd;
    this.fd = null;
    fs.closeSync(fd);
  }
}

/**
 * Writing a file the user keeps so that it is never half-written: the text goes to a temporary
 * file in the same folder, is flushed to disk, and is renamed over the old file (rename is atomic
 * within a folder), so a reader, or a process killed at any moment, sees the old file or the new.
 */
import * as fs from 'fs';
import * as path from 'path';

export function temporaryName(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
}

/**
 * Writes all of `bytes`: one `fs.writeSync` may write less than asked (a disk that fills up
 * takes what fits and reports no error), so it loops; the next call then fails with ENOSPC.
 */
export function writeAll(fd: number, bytes: Uint8Array): void {
  let written = 0;
  while (written < bytes.length) written += fs.writeSync(fd, bytes, written, bytes.length - written);
}

/**
 * Writes `text` (a string, or pieces of one, so that a document larger than V8's longest string
 * can be written) atomically. Throws Node's error (ENOSPC, EACCES, ...) after removing the
 * temporary file, the old file untouched.
 */
export function writeFileAtomic(file: string, text: string | Iterable<string>): void {
  const temporary = temporaryName(file);
  let fd: number | null = null;
  try {
    fd = fs.openSync(temporary, 'w');
    // Pieces gathered to about 1 MB a write: one syscall and one buffer per piece cost more.
    let pending = '';
    for (const piece of typeof text === 'string' ? [text] : text) {
      pending += piece;
      if (pending.length >= 1 << 20) {
        writeAll(fd, Buffer.from(pending, 'utf8'));
        pending = '';
      }
    }
    if (pending.length > 0) writeAll(fd, Buffer.from(pending, 'utf8'));
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = null;
    fs.renameSync(temporary, file);
  } catch (error) {
    if (fd !== null) fs.closeSync(fd);
    fs.rmSync(temporary, { force: true });
    throw error;
  }
}


/**
 * Writing a file the user keeps so that it is never half-written: the text goes to a temporary
 * file in the same folder, is flushed to disk, and is renamed over the old file (rename is atomic
 * within a folder), so a reader, or a process killed at any moment, sees the old file or the new.
 */
import * as fs from 'fs';
import * as path from 'path';

function temporaryName(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
}

/** Throws Node's error (ENOSPC, EACCES, ...) after removing the temporary file. */
export function writeFileAtomic(file: string, text: string): void {
  const temporary = temporaryName(file);
  let fd: number | null = null;
  try {
    fd = fs.openSync(temporary, 'w');
    fs.writeSync(fd, text);
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

/**
 * Makes sure `file` can be written, creating its missing folders one level at a time (Node's
 * recursive mkdir can spin on a folder it cannot create). Throws a RangeError naming the option,
 * the path and the reason.
 */
export function prepareWritableFile(option: string, file: string): string {
  const resolved = path.resolve(file);
  const missing: string[] = [];
  let folder = path.dirname(resolved);
  while (!fs.existsSync(folder)) {
    missing.unshift(folder);
    const parent = path.dirname(folder);
    if (parent === folder) break;
    folder = parent;
  }
  const fail = (reason: string) => new RangeError(`The \`${option}\` option names a file that cannot be written: ${file} (${reason}).`);
  try {
    for (const dir of missing) fs.mkdirSync(dir);
  } catch (error) {
    throw fail((error as Error).message);
  }
  if (fs.existsSync(resolved) && fs.statSync(resolved).isDirectory()) throw fail('it is a folder');
  const probe = temporaryName(resolved);
  try {
    fs.writeFileSync(probe, '');
    fs.rmSync(probe);
  } catch (error) {
    throw fail((error as Error).message);
  }
  return resolved;
}

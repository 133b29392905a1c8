/**
 * Checking, when the monitor is created, that a file it will write (`output`, `logFile`) can be
 * written, so that a bad path fails at once rather than after a long run.
 */
import * as fs from 'fs';
import * as path from 'path';
import { temporaryName } from './atomic-write';

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

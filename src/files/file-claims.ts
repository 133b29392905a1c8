/**
 * The files that the live monitors of this process write (`output`, `logFile`): a second monitor
 * may not write a file another one writes, since two writers of one history file overwrite each
 * other's documents and two of one log file interleave their records. A monitor claims its files
 * when it is created, before it opens them, and releases them at `dispose()`.
 */
import * as path from 'path';
import { describeValue as show } from '../describe-value';

/** Resolved path -> the option of the live monitor that writes it. */
const claimed = new Map<string, string>();

/**
 * Claims the files of one monitor, all or none.
 * @param files option name -> path (undefined: the option is not set)
 * @returns the function that releases them (idempotent)
 * @throws {RangeError} naming the option and the path when another live monitor writes that file
 * @example
 * const release = claimFiles({ output: 'runs/a.json', logFile: undefined });
 * release(); // at dispose()
 */
export function claimFiles(files: Record<string, string | undefined>): () => void {
  const wanted: { option: string; key: string }[] = [];
  for (const [option, file] of Object.entries(files)) {
    if (file === undefined) continue;
    const key = path.resolve(file);
    const holder = claimed.get(key);
    if (holder !== undefined) {
      const where = key === file ? show(file) : `${show(file)} (${key})`;
      throw new RangeError(`The \`${option}\` option names a file that another live monitor writes (its \`${holder}\`): ${where}. ` +
        'Give each monitor its own file, or dispose() the other monitor first.');
    }
    wanted.push({ option, key });
  }
  for (const { option, key } of wanted) claimed.set(key, option);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    for (const { key } of wanted) claimed.delete(key);
  };
}

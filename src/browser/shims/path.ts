/**
 * `path` in the browser bundle. The options read it only to compare the `output` and `logFile`
 * files, which the browser monitor refuses before that (src/browser/node-only-options.ts): so
 * reaching it is a bug, said loudly.
 */
function unreachable(name: string): never {
  throw new Error(`tfjs-param-monitor: path.${name}() was called in the browser, where the monitor writes no file.`);
}

export const resolve = (..._parts: string[]): string => unreachable('resolve');
export const join = (..._parts: string[]): string => unreachable('join');
export const dirname = (_file: string): string => unreachable('dirname');
export const basename = (_file: string): string => unreachable('basename');

/**
 * Where a worker thread's compiled script is: next to the module that starts it in the build
 * (dist/), or in dist/ when that module runs from the TypeScript sources (ts-jest). The measuring
 * worker and the TensorBoard writer both start from one.
 */
import * as fs from 'fs';
import * as path from 'path';

/**
 * The compiled `file` of `folder` (under src/ and dist/), seen from `dirname`, the starting
 * module's `__dirname`; null when neither place has it (a bundle that did not copy it).
 * @example
 * compiledWorkerScript(__dirname, 'stats', 'measure-worker.js') // .../dist/stats/measure-worker.js
 */
export function compiledWorkerScript(dirname: string, folder: string, file: string): string | null {
  const here = path.join(dirname, file);
  if (fs.existsSync(here)) return here;
  const built = path.join(dirname, '..', '..', 'dist', folder, file);
  return fs.existsSync(built) ? built : null;
}

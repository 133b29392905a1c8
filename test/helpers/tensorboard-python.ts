/**
 * TensorBoard itself (2.21.0, from pip, in the virtual environment scripts/setup-tensorboard.sh
 * makes) for the tests that let it read our event files. Where Python or pip is missing the
 * tests are skipped with one note; with REQUIRE_TENSORBOARD=1 (CI, .ci/run) they fail instead.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';

const ROOT = path.join(__dirname, '..', '..');
const REQUIRED = process.env.REQUIRE_TENSORBOARD === '1';

let found: { python: string; tensorboard: string } | null | undefined;

/** The venv's python and tensorboard executables, installing them if need be; null when they cannot be. */
export function tensorboardTools(): { python: string; tensorboard: string } | null {
  if (found !== undefined) return found;
  const setup = spawnSync(path.join(ROOT, 'scripts', 'setup-tensorboard.sh'), { cwd: ROOT, encoding: 'utf8', timeout: 600_000 });
  if (setup.status !== 0) {
    const why = `scripts/setup-tensorboard.sh failed (${setup.status ?? setup.error?.message}): ${(setup.stderr ?? '').trim().split('\n').slice(-3).join(' ')}`;
    if (REQUIRED) throw new Error(`REQUIRE_TENSORBOARD=1 but TensorBoard cannot be installed: ${why}`);
    found = null;
    return (console.warn(`TensorBoard checks skipped: ${why}. In CI (REQUIRE_TENSORBOARD=1) this fails.`), found);
  }
  const python = path.join(ROOT, setup.stdout.trim().split('\n').pop()!);
  found = { python, tensorboard: path.join(path.dirname(python), 'tensorboard') };
  return found;
}

/** `describe` when TensorBoard is available, else `describe.skip` after one note (an error with REQUIRE_TENSORBOARD=1). */
export function describeWithTensorBoard(name: string, fn: () => void): void {
  if (tensorboardTools() !== null) describe(name, fn);
  else describe.skip(name, fn); // skipped for the reason printed once by tensorboardTools()
}

/** Every series of a run folder as TensorBoard's loader reads it (test/helpers/tensorboard-read.py). */
export function readWithTensorBoard(folder: string): Map<string, { step: number; values: number[] | string[]; shape: number[]; plugin: string | null }[]> {
  const tools = tensorboardTools();
  if (tools === null) throw new Error('TensorBoard is not available');
  const run = spawnSync(tools.python, [path.join(__dirname, 'tensorboard-read.py'), folder], { encoding: 'utf8', timeout: 120_000, maxBuffer: 1 << 28 });
  if (run.status !== 0) throw new Error(`tensorboard-read.py failed: ${run.stderr}`);
  return new Map(Object.entries(JSON.parse(run.stdout).series));
}

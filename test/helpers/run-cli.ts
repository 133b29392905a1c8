/** Runs the built CLI (`dist/cli/main.js`, what the package `bin` points at) in a child process. */
import { spawnSync } from 'child_process';
import * as path from 'path';

export const CLI = path.join(__dirname, '..', '..', 'dist', 'cli', 'main.js');

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * @example
 * const { status, stdout } = runCli(['summary', 'history.json']);
 */
export function runCli(args: string[], cwd?: string): CliResult {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 60000 });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

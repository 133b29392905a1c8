/**
 * Runs a training child script (test/helpers/*-child.js) and kills it with SIGKILL when the test
 * says: the kill tests of the `output` file and of the TensorBoard event file share it.
 */
import { spawn } from 'child_process';

/** How a child ended, with the last count it printed on a progress line. */
export interface ChildOutcome { count: number; stdout: string; code: number | null; signal: NodeJS.Signals | null }

/**
 * Runs `script` with `args`. Each stdout line matching `progress` (one number captured) updates
 * `count`; `killWhen` sees each line, and every `pollMs` once the child printed `training`, an
 * empty line, with the ms since `training`, and says when to kill.
 */
export function runChildUntil(script: string, args: string[], progress: RegExp, pollMs: number,
  killWhen: (line: string, ms: number) => boolean): Promise<ChildOutcome> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [script, ...args]);
    let stdout = '';
    let stderr = '';
    let count = 0;
    let start = -1;
    let timer: NodeJS.Timeout | null = null;
    const check = (line: string) => {
      const ms = start < 0 ? 0 : performance.now() - start;
      if (proc.exitCode === null && proc.signalCode === null && killWhen(line, ms)) proc.kill('SIGKILL');
    };
    proc.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        if (proc.signalCode !== null) return;
        const m = progress.exec(line);
        if (m) count = Number(m[1]);
        if (line === 'training') {
          start = performance.now();
          timer = setInterval(() => check(''), pollMs);
        }
        check(line);
      }
    });
    proc.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    proc.on('error', reject);
    proc.on('close', (code, signal) => {
      if (timer) clearInterval(timer);
      if (code !== 0 && signal === null) reject(new Error(`child failed (${code}): ${stderr}`));
      else resolve({ count, stdout, code, signal });
    });
  });
}

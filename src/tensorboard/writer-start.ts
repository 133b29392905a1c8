/**
 * Starting the TensorBoard writer thread, and ending it with the process: the script it runs
 * (with a bootstrap that reports a script that cannot load through the ring's control block,
 * where the training thread, which never waits on the event loop, reads it), and the writers the
 * process's `exit` event closes (drained and flushed) when nothing closed them. Used by
 * ./write-thread.ts.
 */
import * as path from 'path';
import { compiledWorkerScript } from '../worker-script';
import { FAILED, LOAD_FAILED } from './write-ring';

/** The compiled writer script (../worker-script.ts), or why it cannot start. */
function writerScript(): string {
  const script = compiledWorkerScript(__dirname, 'tensorboard', 'write-worker.js');
  if (script !== null) return script;
  throw new Error(`its script is missing (${path.join(__dirname, 'write-worker.js')}); a bundler must copy it next to the monitor's code`);
}

/**
 * What the writer runs (`eval`): loads the script; if that throws, says why through the port and
 * the control block. Throws when the script is missing.
 */
export function writerBootstrap(): string {
  const script = writerScript();
  return `const { workerData } = require('worker_threads');
try {
  require(${JSON.stringify(script)});
} catch (error) {
  workerData.port.postMessage({ error: 'it could not load ' + ${JSON.stringify(script)} + ' (' + String(error && error.message).split('\\n')[0] + ')' });
  Atomics.store(new Int32Array(workerData.ring.control), ${FAILED}, ${LOAD_FAILED});
}`;
}

/** Something the process's exit closes, unless it was closed before. */
export interface ClosedAtExit {
  close(): void;
}

/** Writers not closed yet: the process's `exit` event drains them. */
const live = new Set<ClosedAtExit>();
let exitHooked = false;

function closeAtExit(): void {
  for (const writer of [...live]) {
    try {
      writer.close();
    } catch (error) {
      process.stderr.write(`tfjs-param-monitor: at exit, ${(error as Error).message}\n`);
    }
  }
}

/** Closes `writer` at the process's exit unless {@link forgetAtExit} comes first. */
export function closeWithProcess(writer: ClosedAtExit): void {
  live.add(writer);
  if (!exitHooked) {
    exitHooked = true;
    process.on('exit', closeAtExit);
  }
}

export function forgetAtExit(writer: ClosedAtExit): void {
  live.delete(writer);
}

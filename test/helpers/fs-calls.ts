/**
 * Records the order of the real `fs` calls a writer makes (open, write, fsync, close, rename),
 * each still doing its work: how a test proves that a file is flushed with `fsync` before it is
 * renamed into place, or after the writes of a record, which a killed process cannot show (the
 * page cache outlives it; only a power loss would). Restore with `jest.restoreAllMocks()`.
 */
// The module object itself (not an `import *` copy), so that the spies replace what src/ calls.
import fs = require('fs');

export type FsCall =
  | { op: 'open'; file: string; fd: number }
  | { op: 'write' | 'fsync' | 'close'; fd: number }
  | { op: 'rename'; from: string; to: string };

/**
 * Wraps `openSync`, `writeSync`, `fsyncSync`, `closeSync` and `renameSync` of the real fs module;
 * each still calls through. Returns the log of calls, appended to as they happen.
 *
 * @example
 * const calls = recordFsCalls();
 * writeFileAtomic(file, text);
 * expect(opsOnFile(calls, temporaryName(file))).toEqual(['write', 'fsync', 'close']);
 */
export function recordFsCalls(): FsCall[] {
  const calls: FsCall[] = [];
  const { openSync, writeSync, fsyncSync, closeSync, renameSync } = fs;
  jest.spyOn(fs, 'openSync').mockImplementation((file, ...rest) => {
    const fd = openSync(file, ...rest);
    calls.push({ op: 'open', file: String(file), fd });
    return fd;
  });
  jest.spyOn(fs, 'writeSync').mockImplementation(((fd: number, ...rest: unknown[]) => {
    const written = (writeSync as (...args: unknown[]) => number)(fd, ...rest);
    calls.push({ op: 'write', fd });
    return written;
  }) as typeof fs.writeSync);
  jest.spyOn(fs, 'fsyncSync').mockImplementation((fd) => {
    fsyncSync(fd);
    calls.push({ op: 'fsync', fd });
  });
  jest.spyOn(fs, 'closeSync').mockImplementation((fd) => {
    closeSync(fd);
    calls.push({ op: 'close', fd });
  });
  jest.spyOn(fs, 'renameSync').mockImplementation((from, to) => {
    renameSync(from, to);
    calls.push({ op: 'rename', from: String(from), to: String(to) });
  });
  return calls;
}

/**
 * What happened to the descriptor last opened on `file` before call number `before` (default:
 * the end of the log), from its open on: the ops `write`, `fsync` and `close`, in order.
 */
export function opsOnFile(calls: FsCall[], file: string, before = calls.length): ('write' | 'fsync' | 'close')[] {
  const openIndex = calls.slice(0, before).map((c) => c.op === 'open' && c.file === file).lastIndexOf(true);
  if (openIndex < 0) throw new Error(`opsOnFile: ${file} was never opened`);
  return opsFromOpen(calls.slice(0, before), openIndex);
}

/** The same for the descriptor first opened on `file`, to the end of the log (the writer's, when reads open it later). */
export function opsOnFirstOpen(calls: FsCall[], file: string): ('write' | 'fsync' | 'close')[] {
  const openIndex = calls.findIndex((c) => c.op === 'open' && c.file === file);
  if (openIndex < 0) throw new Error(`opsOnFirstOpen: ${file} was never opened`);
  return opsFromOpen(calls, openIndex);
}

function opsFromOpen(calls: FsCall[], openIndex: number): ('write' | 'fsync' | 'close')[] {
  const { fd } = calls[openIndex] as { fd: number };
  const ops: ('write' | 'fsync' | 'close')[] = [];
  for (const c of calls.slice(openIndex + 1)) {
    if (c.op === 'open' && c.fd === fd) break; // the descriptor number was reused by a later open
    if (c.op === 'write' || c.op === 'fsync' || c.op === 'close') if (c.fd === fd) ops.push(c.op);
  }
  return ops;
}

/**
 * For every rename onto `file`: the file it moves there was opened, only written, then fsynced,
 * then closed, all before the rename. Returns how many renames were checked.
 */
export function expectEveryRenameFlushed(calls: FsCall[], file: string, temporary: string): number {
  let renames = 0;
  calls.forEach((call, i) => {
    if (call.op !== 'rename' || call.to !== file) return;
    renames += 1;
    expect(call.from).toBe(temporary);
    const ops = opsOnFile(calls, call.from, i);
    const writes = ops.filter((op) => op === 'write').length;
    expect(writes).toBeGreaterThan(0);
    expect(ops).toEqual([...Array<string>(writes).fill('write'), 'fsync', 'close']);
  });
  return renames;
}

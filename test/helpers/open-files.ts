/**
 * How many of this process's descriptors are open on `file` (Linux, `/proc/self/fd`): how a test
 * proves that a writer closed its file, which reading the file back cannot show.
 */
import * as fs from 'fs';

export function descriptorsOpenOn(file: string): number {
  return fs.readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return fs.readlinkSync(`/proc/self/fd/${fd}`) === file;
    } catch {
      return false; // the descriptor readdir itself used, gone by now
    }
  }).length;
}

/**
 * A disk that fills up: a real 64 KiB tmpfs, mounted for the test (it needs root, as CI and the
 * dev machines run). A write that does not fit fails with ENOSPC and leaves the old history file
 * whole (a single `write` call would have written what fit, reported success, and renamed a
 * truncated file over the good one); the log file keeps whole lines, at most one torn at the end.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { writeFileAtomic } from '../../src/files/atomic-write';
import { JsonLinesFile } from '../../src/log/json-lines-file';
import { expectNoLeaks } from '../helpers/tensor-leaks';

const root = process.getuid?.() === 0;
// Mounting a tmpfs needs root; as another user there is no small disk to fill here.
const describeAsRoot = root ? describe : describe.skip;

describeAsRoot('a full disk', () => {
  const mount = fs.mkdtempSync(path.join(os.tmpdir(), 'pm-full-'));
  beforeAll(() => {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', mount]);
  });
  afterAll(() => {
    execFileSync('umount', [mount]);
    fs.rmdirSync(mount);
  });
  expectNoLeaks();

  it('fails the atomic write with ENOSPC and leaves the old file whole, with no temporary file', () => {
    const file = path.join(mount, 'params.json');
    const old = JSON.stringify({ schemaVersion: 2, note: 'x'.repeat(20_000) });
    writeFileAtomic(file, old);
    const big = JSON.stringify({ schemaVersion: 2, note: 'y'.repeat(200_000) });
    expect(() => writeFileAtomic(file, [big.slice(0, 1000), big.slice(1000)])).toThrow(/ENOSPC/);
    expect(fs.readFileSync(file, 'utf8')).toBe(old);
    expect(fs.readdirSync(mount)).toEqual(['params.json']);
    fs.rmSync(file);
  });

  it('keeps the log file to whole lines, at most one torn at the end', () => {
    const file = path.join(mount, 'monitor.jsonl');
    const log = new JsonLinesFile(file);
    let failure: Error | null = null;
    let written = 0;
    for (let i = 0; i < 10_000 && failure === null; i += 1) {
      try {
        log.write({ event: 'weight', i, note: 'z'.repeat(300) });
        written += 1;
      } catch (error) {
        failure = error as Error;
      }
    }
    log.close();
    expect(failure?.message).toMatch(/ENOSPC/);
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    const last = lines.pop() as string;
    expect(lines.map((line) => JSON.parse(line).i)).toEqual(Array.from({ length: written }, (_, i) => i));
    expect(last.length).toBeLessThan(400);
    fs.rmSync(file);
  });
});

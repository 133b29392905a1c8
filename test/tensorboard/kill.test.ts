/**
 * The event file survives the process: a training child (a snapshot every batch, `tensorboard`
 * set) killed with SIGKILL at varied moments leaves a file of whole, CRC-checked records, at
 * most one torn at the end (which TensorBoard skips), holding every record the child saw
 * written and one event per snapshot in step order with none missing (the writer thread writes
 * them in order; what it had not written yet is lost, never a gap). The children run the built
 * package (dist/).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { eventFilesIn, readEventFile } from '../helpers/event-file-reader';
import { runChildUntil } from '../helpers/kill-child';
import { expectNoLeaks } from '../helpers/tensor-leaks';

const child = path.join(__dirname, '..', 'helpers', 'tensorboard-child.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pm-tb-kill-'));

afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

interface Outcome { seen: number; stdout: string; code: number | null; signal: NodeJS.Signals | null }

/** Runs the child; `killWhen` sees each stdout line and the ms since 'training' and says when to kill. */
async function runChild(args: string[], killWhen: (line: string, ms: number) => boolean): Promise<Outcome> {
  const { count, ...rest } = await runChildUntil(child, args, /^records (\d+)$/, 5, killWhen);
  return { seen: count, ...rest };
}

/** The file: whole records, then at most a torn one; one event per snapshot, steps 0, 1, 2, ... */
function expectWholeRecords(folder: string, seen: number): number {
  const [file] = eventFilesIn(folder);
  const { events, tornBytes } = readEventFile(file);
  expect(events.length).toBeGreaterThanOrEqual(seen);
  expect(events[0].fileVersion).toBe('brain.Event:2');
  expect(events.slice(1).map((e) => e.step)).toEqual(Array.from({ length: events.length - 1 }, (_, i) => i));
  // A torn record is shorter than a whole one (a snapshot's record with histograms is about 3 KB here).
  expect(tornBytes).toBeLessThan(fs.statSync(file).size);
  return tornBytes;
}

describe('the event file after a SIGKILL', () => {
  expectNoLeaks();

  const moments: [string, string, (line: string, ms: number) => boolean][] = [
    ['main', 'before the first batch ends', (line) => line === 'training'],
    ['main', 'as soon as the first records are seen', (line) => Number(/^records (\d+)$/.exec(line)?.[1] ?? 0) >= 3],
    ['main', '150 ms into training', (_l, ms) => ms >= 150],
    ['main', '700 ms into training', (_l, ms) => ms >= 700],
    ['worker', '400 ms into training (measuring worker)', (_l, ms) => ms >= 400],
    ['worker', '1,300 ms into training (measuring worker)', (_l, ms) => ms >= 1300],
  ];

  it.each(moments)('on the %s thread, %s: whole records, every one seen, steps without a gap', async (thread, _name, when) => {
    const folder = fs.mkdtempSync(path.join(tmp, 'k-'));
    const outcome = await runChild([folder, '100', thread], when);
    expect(outcome.signal).toBe('SIGKILL');
    expectWholeRecords(folder, outcome.seen);
  });

  it('a child that ends normally leaves every snapshot, no torn byte', async () => {
    const folder = fs.mkdtempSync(path.join(tmp, 'end-'));
    const outcome = await runChild([folder, '2', 'main'], () => false);
    expect(outcome.code).toBe(0);
    // The file version, the initial snapshot, 16 batch snapshots (8 batches an epoch).
    expect(outcome.stdout).toMatch(/disposed 18\n$/);
    expect(expectWholeRecords(folder, 18)).toBe(0);
  });
});

/**
 * Memory stays bounded on long runs: a real `fit` with a snapshot at every batch, 20,000 batches,
 * in a child process with `--expose-gc`. Past the `maxSnapshots` cap the heap stays flat: whole
 * snapshots (about 4.6 KB each for this model, 70 MB over 15,000 snapshots if all were kept) are
 * thinned, while the full-resolution series (88 bytes per weight per snapshot, in typed arrays
 * outside the JS heap) keeps every one.
 */
import { execFileSync } from 'child_process';
import * as path from 'path';
import { expectNoLeaks } from '../helpers/tensor-leaks';

const child = path.join(__dirname, '..', 'helpers', 'memory-child.js');

describe('memory over 20,000 batch snapshots', () => {
  expectNoLeaks();

  it('stays flat after the cap, keeping every snapshot in the series', () => {
    const out = execFileSync(process.execPath, ['--expose-gc', child, '20000', '1000'], { encoding: 'utf8' });
    const { heap, kept, series } = JSON.parse(out) as { heap: Record<string, number>; kept: number; series: number };
    expect(series).toBe(20_001);
    expect(kept).toBeGreaterThanOrEqual(500);
    expect(kept).toBeLessThanOrEqual(1000);
    const growth = heap['20000'] - heap['5000'];
    expect(growth).toBeLessThan(3 * 1024 * 1024);
  });
});

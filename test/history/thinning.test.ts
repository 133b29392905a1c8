/**
 * Snapshot thinning: whole snapshots stay within `maxSnapshots`, evenly spread, keeping the
 * first, the newest and the pinned ones, whatever the length of the run.
 */
import { SnapshotThinning } from '../../src/history/thinning';
import type { Snapshot } from '../../src/history-types';
import { expectNoLeaks } from '../helpers/tensor-leaks';

const snap = (index: number): Snapshot => ({ index, epoch: index, time: '', computeMs: 0, stats: {} });

function run(max: number, count: number, pins: number[] = []): number[] {
  const thinning = new SnapshotThinning(max);
  for (let i = 0; i < count; i += 1) {
    thinning.add(snap(i));
    if (pins.includes(i)) thinning.pin(i);
  }
  return thinning.snapshots.map((s) => s.index);
}

describe('SnapshotThinning', () => {
  expectNoLeaks();

  it('keeps everything up to the cap', () => {
    expect(run(5, 5)).toEqual([0, 1, 2, 3, 4]);
  });

  it('halves evenly past the cap, keeping the first and the newest', () => {
    expect(run(5, 6)).toEqual([0, 2, 4, 5]);
    expect(run(5, 7)).toEqual([0, 2, 4, 6]);
    expect(run(5, 12)).toEqual([0, 4, 8, 11]);
    expect(run(4, 9)).toEqual([0, 4, 8]);
  });

  it('stays within the cap, evenly spaced, over 20,000 snapshots', () => {
    const kept = run(1000, 20_000);
    expect(kept.length).toBeLessThanOrEqual(1000);
    expect(kept.length).toBeGreaterThanOrEqual(500);
    expect(kept[0]).toBe(0);
    expect(kept[kept.length - 1]).toBe(19_999);
    const gaps = new Set(kept.slice(1, -1).map((index, i) => index - kept[i]));
    expect([...gaps]).toEqual([32]);
  });

  it('keeps pinned snapshots (alert starts, ends of fit) through thinning', () => {
    expect(run(8, 30, [3, 7])).toEqual([0, 3, 7, 8, 16, 24, 29]);
    const kept = run(100, 5000, [1, 2, 3, 4999 - 1]);
    expect(kept.slice(0, 4)).toEqual([0, 1, 2, 3]);
    expect(kept).toContain(4998);
  });

  it('never exceeds the smallest cap, 2, whatever is pinned', () => {
    const thinning = new SnapshotThinning(2);
    for (let i = 0; i < 50; i += 1) {
      thinning.add(snap(i));
      thinning.pin(i);
      expect(thinning.snapshots.length).toBeLessThanOrEqual(2);
    }
    expect(thinning.snapshots.map((s) => s.index)).toEqual([0, 49]);
  });

  it('releases the oldest pins past half the cap, so memory stays bounded', () => {
    const pins = Array.from({ length: 300 }, (_, i) => i * 7 + 1);
    const kept = run(20, 3000, pins);
    expect(kept.length).toBeLessThanOrEqual(20);
    expect(kept).toContain(pins[pins.length - 1]);
    expect(kept).not.toContain(pins[0]);
  });
});

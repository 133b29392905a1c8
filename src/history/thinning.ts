/**
 * Keeps at most `max` whole snapshots of a run of any length, thinned evenly: snapshot i is kept
 * while i is a multiple of the stride, and the stride doubles each time the kept ones would
 * exceed `max`. The first (index 0) and the newest are always kept, and so are pinned ones (an
 * alert started there, or a `fit` ended there) while they number at most half of `max`; past
 * that the oldest pins are released to the even thinning, so memory stays bounded whatever the
 * alerts do.
 */
import type { Snapshot } from '../history-types';

export class SnapshotThinning {
  private kept: Snapshot[] = [];
  private readonly pinned = new Set<number>();
  private stride = 1;

  constructor(private readonly max: number) {}

  get snapshots(): readonly Snapshot[] {
    return this.kept;
  }

  get last(): Snapshot | undefined {
    return this.kept[this.kept.length - 1];
  }

  /** Adds the newest snapshot (its `index` one past the previous one's). */
  add(snapshot: Snapshot): void {
    const previous = this.last;
    if (previous && !this.keeps(previous.index)) this.kept.pop();
    this.kept.push(snapshot);
    this.thin();
  }

  /** Keeps the snapshot with this index through later thinning (it must still be kept). */
  pin(index: number): void {
    if (!this.kept.some((s) => s.index === index)) return;
    this.pinned.add(index);
    const cap = Math.floor(this.max / 2);
    while (this.pinned.size > cap) {
      const oldest = Math.min(...this.pinned);
      this.pinned.delete(oldest);
    }
    this.thin();
  }

  private keeps(index: number): boolean {
    return index % this.stride === 0 || this.pinned.has(index);
  }

  private thin(): void {
    while (this.kept.length > this.max) {
      this.stride *= 2;
      const newest = this.kept[this.kept.length - 1];
      this.kept = this.kept.filter((s) => s === newest || this.keeps(s.index));
      if (this.stride > Number.MAX_SAFE_INTEGER / 4) break;
    }
  }
}

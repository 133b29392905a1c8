/**
 * Keeps at most `max` whole snapshots of a run of any length, thinned evenly: snapshot i is kept
 * while i is a multiple of the stride, and the stride doubles each time the kept ones would
 * exceed `max`. The first (index 0) and the newest are always kept, and so are pinned ones (an
 * alert started there, or a `fit` ended there) up to half of `max` less one; past that the
 * oldest pins are released to the even thinning, so memory stays bounded whatever the alerts do.
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

  /** Keeps the newest snapshot, which has this index, through later thinning. */
  pin(index: number): void {
    if (this.last?.index !== index) return;
    // A Set iterates in insertion order, and pins come newest-last: the first is the oldest.
    this.pinned.add(index);
    // The first and the newest are kept besides the pins, so pins + 2 <= max / 2 + 1 <= max.
    const cap = Math.max(0, Math.floor(this.max / 2) - 1);
    while (this.pinned.size > cap) this.pinned.delete(this.pinned.values().next().value as number);
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

/**
 * What a step becomes in the writer's ring (./write-ring.ts), on the training thread: a step
 * entry (./step-codec.ts) for alerts, gradients and the rest, and rows (../stats/stats-codec.ts,
 * in the entries of ../stats/measure-tap.ts) for statistics measured on the training thread,
 * which cost a third of the step codec's time after a training step (docs/tensorboard.md, Cost).
 * Each goes straight into the ring where it fits before the ring's end; else it is made as
 * entries of its own, which ./write-thread.ts publishes (starting the writer, or waiting for room).
 */
import type { WeightStats } from '../history-types';
import { LABEL_SLOTS, namesEntry, rowsEntrySlots, writeRowsHeader } from '../stats/measure-tap';
import { encodeStats, rowSlots } from '../stats/stats-codec';
import type { SlotRing } from '../threads/slot-ring';
import { StepEncoder, type StepEntryRecords } from './step-codec';
import { tapLabel } from './tap-merge';

type Stats = Readonly<Record<string, WeightStats>>;

export class RingHandOver {
  private readonly encoder = new StepEncoder();
  /** The weights of the last names entry, which the rows entries after it hold. */
  private rowNames: string[] = [];
  private readonly label = new Float64Array(LABEL_SLOTS);
  /** About the slots of a step entry, so that the ring's free room is re-read only when that may not fit. */
  entrySlots = 0;

  /** @param bins the histograms' bin count, which sets a row's length */
  constructor(private readonly bins: number) {}

  /** Writes a step entry into `ring` in place; false when it does not fit before the ring's end. */
  stepInPlace(ring: SlotRing, step: number, wallTime: number, records: StepEntryRecords, tapBefore: number): boolean {
    const length = this.encoder.encodeInto(ring.slots, ring.bytes, ring.freeAt, ring.freeRoom(this.entrySlots), step, wallTime, records, tapBefore);
    if (length === 0) return false;
    ring.commit(length);
    return true;
  }

  /** The step entry as an array of its own (valid until the next call). */
  stepEntry(step: number, wallTime: number, records: StepEntryRecords, tapBefore: number): Float64Array {
    return this.encoder.encode(step, wallTime, records, tapBefore);
  }

  /**
   * Writes the rows of `stats` into `ring` in place; false when they do not fit before the ring's
   * end, or the weights are not those of the last names entry (then {@link statsEntries}).
   */
  statsInPlace(ring: SlotRing, step: number, wallTime: number, stats: Stats, histograms: boolean, tapBefore: number): boolean {
    const count = this.namedCount(stats);
    if (count < 0) return false;
    const length = rowsEntrySlots(count, this.bins);
    if (ring.freeRoom(length) < length) return false;
    this.writeRows(ring.slots, ring.freeAt, stats, count, tapLabel(this.label, step, wallTime, histograms, tapBefore));
    ring.commit(length);
    return true;
  }

  /** The entries of `stats` as arrays of their own: a names entry first when the weights changed, then the rows. */
  statsEntries(step: number, wallTime: number, stats: Stats, histograms: boolean, tapBefore: number): Float64Array[] {
    const entries: Float64Array[] = [];
    if (this.namedCount(stats) < 0) {
      this.rowNames = Object.keys(stats);
      entries.push(namesEntry(this.rowNames));
    }
    const count = this.rowNames.length;
    const rows = new Float64Array(rowsEntrySlots(count, this.bins));
    this.writeRows(rows, 0, stats, count, tapLabel(this.label, step, wallTime, histograms, tapBefore));
    entries.push(rows);
    return entries;
  }

  /** How many weights `stats` holds when they are those of the last names entry, in its order; else -1. */
  private namedCount(stats: Stats): number {
    const names = this.rowNames;
    let count = 0;
    for (const name in stats) {
      if (names[count] !== name) return -1;
      count += 1;
    }
    return count === names.length ? count : -1;
  }

  private writeRows(slots: Float64Array, at: number, stats: Stats, count: number, label: Float64Array): void {
    let row = at + rowsEntrySlots(0, this.bins);
    const perRow = rowSlots(this.bins);
    writeRowsHeader(slots, at, count, this.bins, label);
    for (const name in stats) {
      encodeStats(stats[name], slots, row);
      row += perRow;
    }
  }
}

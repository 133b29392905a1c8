/**
 * The measuring worker's tap: a copy of each measurement the worker makes, with the numbers the
 * training thread labelled it with, in a ring of shared memory (../threads/slot-ring.ts) that
 * another thread reads. The TensorBoard writer reads the snapshots' statistics from it, so that
 * with the measuring worker the training thread hands nothing of them over (docs/tensorboard.md,
 * Cost). The worker publishes a measurement before it answers it: whoever reads the tap after the
 * training thread has the answer finds the measurement there, or counted in {@link LOST}.
 *
 * Entries: the weights' names when the layout changes, [length, KIND_NAMES, n, then each name as
 * its UTF-8 length and its bytes packed eight to a slot]; a measurement, [length, KIND_ROWS, n,
 * ...label, then n rows of ./stats-codec.ts]. Nothing here knows what the label means. The
 * TensorBoard writer's ring carries the same entries when the training thread measured.
 */
import type { WeightStats } from '../history-types';
import { RING_CONTROL_SLOTS, SlotRing, ringCapacity } from '../threads/slot-ring';
import { decodeStats, rowSlots } from './stats-codec';

/** Control slot: measurements the worker could not publish (the ring full, or one larger than it takes). */
export const LOST = RING_CONTROL_SLOTS;
const CONTROL_SLOTS = RING_CONTROL_SLOTS + 1;
/** Numbers the training thread labels a measurement with. */
export const LABEL_SLOTS = 4;

/**
 * Entry kinds (an entry's second slot), apart from the TensorBoard ring's own kind 1
 * (src/tensorboard/step-codec.ts), so that entries of both formats may share a ring.
 */
export const KIND_NAMES = 2;
export const KIND_ROWS = 3;
/** The slot of a rows entry where its label starts. */
export const ROWS_LABEL = 3;
const ROWS_HEADER = ROWS_LABEL + LABEL_SLOTS;

/** The slots of a rows entry of `weights` weights at `bins` bins. */
export function rowsEntrySlots(weights: number, bins: number): number {
  return ROWS_HEADER + weights * rowSlots(bins);
}

/**
 * Writes the header of a rows entry of `count` weights at `start` of `slots`; the rows follow
 * it, from `start + rowsEntrySlots(0, bins)`. Returns the entry's length.
 */
export function writeRowsHeader(slots: Float64Array, start: number, count: number, bins: number, label: ArrayLike<number>): number {
  const length = rowsEntrySlots(count, bins);
  slots[start] = length;
  slots[start + 1] = KIND_ROWS;
  slots[start + 2] = count;
  for (let i = 0; i < LABEL_SLOTS; i += 1) slots[start + ROWS_LABEL + i] = label[i];
  return length;
}

/** A names entry: the weights the rows entries after it hold, in order. */
export function namesEntry(names: readonly string[]): Float64Array {
  const utf8 = names.map((name) => Buffer.from(name, 'utf8'));
  const length = 3 + utf8.reduce((n, bytes) => n + 1 + Math.ceil(bytes.length / 8), 0);
  const entry = new Float64Array(length);
  const bytes = new Uint8Array(entry.buffer);
  entry[0] = length;
  entry[1] = KIND_NAMES;
  entry[2] = utf8.length;
  let at = 3;
  for (const name of utf8) {
    entry[at++] = name.length;
    bytes.set(name, at * 8);
    at += Math.ceil(name.length / 8);
  }
  return entry;
}

/** Reads names and rows entries back, keeping the names the last names entry gave. */
export class RowsDecoder {
  private names: string[] = [];

  constructor(private readonly bins: number) {}

  /** The measurement a rows entry at `start` holds, or null after taking a names entry's names. */
  decode(slots: Float64Array, start: number): TappedMeasurement | null {
    const kind = slots[start + 1];
    const n = slots[start + 2];
    if (kind === KIND_NAMES) {
      this.names = readNames(slots, start + 3, n);
      return null;
    }
    if (kind !== KIND_ROWS) throw new Error(`tfjs-param-monitor: a measurement entry of unknown kind ${kind} at slot ${start}`);
    if (n !== this.names.length) throw new Error(`tfjs-param-monitor: a measurement of ${n} weights, after names for ${this.names.length}`);
    const label = Array.from(slots.subarray(start + ROWS_LABEL, start + ROWS_HEADER));
    const stats: Record<string, WeightStats> = {};
    const slotsPerRow = rowSlots(this.bins);
    for (let i = 0; i < n; i += 1) stats[this.names[i]] = decodeStats(slots, start + ROWS_HEADER + i * slotsPerRow, this.bins);
    return { label, stats };
  }
}

function readNames(slots: Float64Array, from: number, n: number): string[] {
  const names: string[] = [];
  let at = from;
  for (let i = 0; i < n; i += 1) {
    const length = slots[at++];
    names.push(Buffer.from(slots.buffer, slots.byteOffset + at * 8, length).toString('utf8'));
    at += Math.ceil(length / 8);
  }
  return names;
}

/** The tap's shared memory, as sent to the threads that write and read it. */
export interface TapBuffers {
  control: SharedArrayBuffer;
  slots: SharedArrayBuffer;
  /** The histograms' bin count, which sets a row's length. */
  bins: number;
}

/** A measurement read from the tap: its label, and the statistics per weight name. */
export interface TappedMeasurement {
  label: number[];
  stats: Record<string, WeightStats>;
}

/** A new tap with room for 64 measurements of `weights` weights (at least 512 KB; every page touched now). */
export function createTap(weights: number, bins: number): TapBuffers {
  const slots = new SharedArrayBuffer(ringCapacity(rowsEntrySlots(Math.max(1, weights), bins)) * 8);
  // Touch every page now, not in the snapshot that first reaches it.
  new Float64Array(slots).fill(0);
  return { control: new SharedArrayBuffer(CONTROL_SLOTS * 4), slots, bins };
}

/** How many measurements the worker could not publish, so far. */
export function lostMeasurements(tap: TapBuffers): number {
  return Atomics.load(new Int32Array(tap.control), LOST);
}

/** The worker's side: publishes measurements. */
export class TapWriter {
  private readonly ring: SlotRing;
  private readonly slots: number;
  private names: string[] = [];
  private namesPublished = true;
  private entry = new Float64Array(0);

  constructor(private readonly tap: TapBuffers) {
    this.ring = new SlotRing(tap.control, tap.slots);
    this.slots = rowSlots(tap.bins);
  }

  /** From now on measurements hold these weights, in this order. */
  layout(names: string[]): void {
    this.names = names;
    this.namesPublished = false;
  }

  /**
   * Publishes one measurement, the first `count` rows of `rows` (./stats-codec.ts), one per
   * weight of the layout; counts it in {@link LOST} (and returns false) when it does not fit.
   */
  publish(label: ArrayLike<number>, rows: Float64Array, count: number): boolean {
    if (!this.namesPublished) {
      if (!this.ring.tryPublish(namesEntry(this.names))) return this.lose();
      this.namesPublished = true;
    }
    const length = rowsEntrySlots(count, this.tap.bins);
    if (this.entry.length < length) this.entry = new Float64Array(length);
    writeRowsHeader(this.entry, 0, count, this.tap.bins, label);
    this.entry.set(rows.subarray(0, count * this.slots), rowsEntrySlots(0, this.tap.bins));
    return this.ring.tryPublish(this.entry.subarray(0, length)) || this.lose();
  }

  private lose(): false {
    Atomics.add(new Int32Array(this.tap.control), LOST, 1);
    return false;
  }
}

/** The reading side: hands on each measurement published. */
export class TapReader {
  private readonly ring: SlotRing;
  private readonly decoder: RowsDecoder;

  constructor(tap: TapBuffers) {
    this.ring = new SlotRing(tap.control, tap.slots);
    this.decoder = new RowsDecoder(tap.bins);
  }

  /** Where the worker has got to (for {@link drain}'s `until`). */
  get head(): number {
    return this.ring.head;
  }

  /**
   * Calls `each` with every measurement published (up to `until`, and at most `limit` of them),
   * in order; returns how many. A measurement `each` throws on stays in the tap.
   */
  drain(each: (measurement: TappedMeasurement) => void, until = this.ring.head, limit = Infinity): number {
    let measurements = 0;
    this.ring.drain((slots, start) => {
      if (slots[start + 1] === KIND_ROWS && measurements >= limit) return false;
      const measurement = this.decoder.decode(slots, start);
      if (measurement === null) return true;
      each(measurement);
      measurements += 1;
      return true;
    }, until);
    return measurements;
  }
}

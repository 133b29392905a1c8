/**
 * A step's records (./event-writer.ts `StepRecords`) but its statistics, which go as rows
 * (./ring-hand-over.ts), as float64 slots: the form in which the training thread hands alerts,
 * gradients and histograms to the writer thread (./write-ring.ts). Encoding is copying numbers
 * into a reused array: no protobuf, no CRC and no system call on the training thread, which is
 * what makes the write cheap there (docs/tensorboard.md, Cost). Weight names are sent once, the
 * first time a weight appears, and referred to by number after that; alert lines go as UTF-8
 * bytes packed eight to a slot. Null (an absent statistic) and NaN (a measured one) stay distinct.
 *
 * An entry: [slots, KIND_STEP, step, wallTime, gradients, histograms, gradientHistograms,
 * texts, tapBefore], then each gradient row [id, mask, 4 values], each histogram [id, hasRange, min, max, k, ...counts], each text [bytes,
 * ...packed]. An id is a weight's number, or -1 - number where the weight is new, its name (as a
 * text) following. One pass over the records, nothing allocated per row: this runs on the
 * training thread after every snapshot, with caches the training step has just emptied.
 * `tapBefore` orders the entry among the measuring worker's (../stats/measure-tap.ts): the writer
 * writes that many of the tap's measurements before it (./tap-merge.ts).
 */
import type { Histogram } from '../history-types';
import { rowsEntrySlots } from '../stats/measure-tap';
import { GRADIENT_STATISTICS, GradientScalarSource, StepRecords } from './event-writer';

/** What a step entry holds: a step's records but its statistics (those go as rows). */
export type StepEntryRecords = Omit<StepRecords, 'scalars'>;

/** The slot that starts an entry holding a step's records. */
export const KIND_STEP = 1;
const HEADER = 9;
/** The header slot of how many of the tap's measurements go before the entry. */
export const TAP_BEFORE = 8;

/**
 * About the slots of a snapshot's entries with `weights` weights of `bins`-bin histograms: its
 * rows, and a step entry with gradient rows and both histograms, names defined (each weight once
 * per entry, a name of up to 40 bytes). What the writer's ring is sized for before the first step.
 */
export function entrySlotsFor(weights: number, bins: number): number {
  return rowsEntrySlots(weights, bins) + HEADER + weights * (3 * 6 + 2 * (5 + bins));
}

/** Thrown inside the encoder when an in-place entry outgrows its room (made once: no stack per throw). */
const NO_ROOM = new Error('no room');

/**
 * Writes a step's records as slots, into a reused array of its own or in place into the ring;
 * weight names get their numbers here.
 */
export class StepEncoder {
  private own = new Float64Array(1024);
  private ownBytes = new Uint8Array(this.own.buffer);
  private slots: Float64Array<ArrayBufferLike> = this.own;
  private bytes: Uint8Array<ArrayBufferLike> = this.ownBytes;
  /** Slots below this index may be written. */
  private limit = 0;
  private at = 0;
  private readonly ids = new Map<string, number>();
  /** Names numbered by the entry being written, forgotten again if it does not fit. */
  private fresh: string[] = [];

  /** Encodes `records` at `step`; returns a view of the encoder's array, valid until the next call. */
  encode(step: number, wallTime: number, records: StepEntryRecords, tapBefore = 0): Float64Array {
    this.slots = this.own;
    this.bytes = this.ownBytes;
    this.limit = this.own.length;
    const length = this.write(0, step, wallTime, records, tapBefore);
    return this.slots.subarray(0, length);
  }

  /**
   * Encodes in place: into `slots` (with `bytes` its byte view) from slot `start`, in at most
   * `room` slots. Returns the entry's length, or 0 when it does not fit, leaving no trace (the
   * names it numbered are forgotten, so the next attempt defines them again). This is how the
   * training thread hands a step over without copying it: straight into the ring.
   */
  encodeInto(slots: Float64Array<ArrayBufferLike>, bytes: Uint8Array<ArrayBufferLike>, start: number, room: number,
    step: number, wallTime: number, records: StepEntryRecords, tapBefore = 0): number {
    this.slots = slots;
    this.bytes = bytes;
    this.limit = start + room;
    this.fresh.length = 0;
    try {
      return this.write(start, step, wallTime, records, tapBefore);
    } catch (error) {
      if (error !== NO_ROOM) throw error;
      for (const name of this.fresh) this.ids.delete(name);
      return 0;
    }
  }

  /** Writes the entry from slot `start`; returns its length. */
  private write(start: number, step: number, wallTime: number, records: StepEntryRecords, tapBefore: number): number {
    if (!Number.isSafeInteger(step) || step < 0) throw new RangeError(`a TensorBoard step must be an integer >= 0, but got ${step}`);
    if (start + HEADER > this.limit) throw NO_ROOM;
    const { gradients, histograms, gradientHistograms, alertLines } = records;
    this.at = start + HEADER;
    let gradientRows = 0;
    if (gradients) {
      for (const name in gradients) {
        const g = gradients[name];
        this.id(name);
        this.reserve(1 + GRADIENT_STATISTICS.length);
        const s = this.slots;
        const at = this.at;
        let mask = 0;
        for (let i = 0; i < GRADIENT_STATISTICS.length; i += 1) {
          const value = g[GRADIENT_STATISTICS[i]];
          if (value !== null) mask |= 1 << i;
          s[at + 1 + i] = value ?? 0;
        }
        s[at] = mask;
        this.at = at + 1 + GRADIENT_STATISTICS.length;
        gradientRows += 1;
      }
    }
    const histogramCount = histograms ? this.histograms(histograms) : 0;
    const gradientHistogramCount = gradientHistograms ? this.histograms(gradientHistograms) : 0;
    const texts = alertLines?.length ?? 0;
    for (let i = 0; i < texts; i += 1) this.text((alertLines as readonly string[])[i]);
    const s = this.slots;
    const length = this.at - start;
    s[start] = length;
    s[start + 1] = KIND_STEP;
    s[start + 2] = step;
    s[start + 3] = wallTime;
    s[start + 4] = gradientRows;
    s[start + 5] = histogramCount;
    s[start + 6] = gradientHistogramCount;
    s[start + 7] = texts;
    s[start + TAP_BEFORE] = tapBefore;
    return length;
  }

  /** The weight's number, or a new number and the name after it. */
  private id(name: string): void {
    this.reserve(1);
    const id = this.ids.get(name);
    if (id !== undefined) {
      this.slots[this.at++] = id;
      return;
    }
    const fresh = this.ids.size;
    this.ids.set(name, fresh);
    this.fresh.push(name);
    this.slots[this.at++] = -1 - fresh;
    this.text(name);
  }

  /** Room for `n` more slots: the own array grows; in place, an entry that outgrows its room stops. */
  private reserve(n: number): void {
    if (this.at + n <= this.limit) return;
    if (this.slots !== this.own) throw NO_ROOM;
    const grown = new Float64Array(Math.max(2 * this.own.length, this.at + n));
    grown.set(this.own.subarray(0, this.at));
    this.own = grown;
    this.ownBytes = new Uint8Array(grown.buffer);
    this.slots = grown;
    this.bytes = this.ownBytes;
    this.limit = grown.length;
  }

  private histograms(record: Readonly<Record<string, { histogram: Histogram }>>): number {
    let count = 0;
    for (const name in record) {
      const { min, max, counts } = record[name].histogram;
      const k = counts.length;
      this.id(name);
      this.reserve(4 + k);
      const s = this.slots;
      let at = this.at;
      s[at++] = min === null || max === null ? 0 : 1;
      s[at++] = min ?? 0;
      s[at++] = max ?? 0;
      s[at++] = k;
      for (let i = 0; i < k; i += 1) s[at++] = counts[i];
      this.at = at;
      count += 1;
    }
    return count;
  }

  /** A string as its UTF-8 length, then its bytes packed into slots. */
  private text(value: string): void {
    const utf8 = Buffer.from(value, 'utf8');
    const packed = Math.ceil(utf8.length / 8);
    this.reserve(1 + packed);
    this.slots[this.at++] = utf8.length;
    this.bytes.set(utf8, this.at * 8);
    this.at += packed;
  }
}

/** A decoded entry: the arguments of `EventWriter.write`. */
export interface DecodedStep {
  step: number;
  wallTime: number;
  records: StepRecords;
}

/** Reads entries back into records, keeping the names the entries defined. */
export class StepDecoder {
  private readonly names: string[] = [];
  private slots: Float64Array<ArrayBufferLike> = new Float64Array(0);
  private bytes: Uint8Array<ArrayBufferLike> = new Uint8Array(0);
  private at = 0;

  /** Decodes the entry that starts at `slots[start]` (its first slot is its length). */
  decode(slots: Float64Array, start: number): DecodedStep {
    if (this.slots.buffer !== slots.buffer || this.slots.byteOffset !== slots.byteOffset) {
      this.slots = slots;
      this.bytes = new Uint8Array(slots.buffer, slots.byteOffset, slots.byteLength);
    }
    const s = slots;
    if (s[start + 1] !== KIND_STEP) throw new Error(`tfjs-param-monitor: a TensorBoard entry of unknown kind ${s[start + 1]} at slot ${start}`);
    const [step, wallTime, gradientRows, histogramCount, gradientHistogramCount, texts] = Array.from(s.subarray(start + 2, start + TAP_BEFORE));
    this.at = start + HEADER;
    const records: StepEntryRecords = {};
    if (gradientRows > 0) {
      const gradients: Record<string, GradientScalarSource> = {};
      for (let i = 0; i < gradientRows; i += 1) {
        const [name, values] = this.row(GRADIENT_STATISTICS.length);
        gradients[name] = Object.fromEntries(GRADIENT_STATISTICS.map((statistic, j) => [statistic, values[j]])) as GradientScalarSource;
      }
      records.gradients = gradients;
    }
    if (histogramCount > 0) records.histograms = this.histograms(histogramCount);
    if (gradientHistogramCount > 0) records.gradientHistograms = this.histograms(gradientHistogramCount);
    if (texts > 0) records.alertLines = Array.from({ length: texts }, () => this.text());
    return { step, wallTime, records };
  }

  private next(): number {
    return this.slots[this.at++];
  }

  /** The name an id slot gives: a weight seen before, or a new one defined here. */
  private name(): string {
    const id = this.next();
    if (id < 0) {
      const name = this.text();
      this.names[-1 - id] = name;
      return name;
    }
    const name = this.names[id];
    if (name === undefined) throw new Error(`tfjs-param-monitor: a TensorBoard entry names weight ${id} before defining it`);
    return name;
  }

  private row(length: number): [string, (number | null)[]] {
    const name = this.name();
    const mask = this.next();
    const values: (number | null)[] = [];
    for (let i = 0; i < length; i += 1) {
      const value = this.next();
      values.push(mask & (1 << i) ? value : null);
    }
    return [name, values];
  }

  private histograms(count: number): Record<string, { histogram: Histogram }> {
    const out: Record<string, { histogram: Histogram }> = {};
    for (let i = 0; i < count; i += 1) {
      const name = this.name();
      const hasRange = this.next() === 1;
      const min = this.next();
      const max = this.next();
      const k = this.next();
      const counts = Array.from(this.slots.subarray(this.at, this.at + k));
      this.at += k;
      out[name] = { histogram: { min: hasRange ? min : null, max: hasRange ? max : null, counts } };
    }
    return out;
  }

  private text(): string {
    const length = this.next();
    const value = Buffer.from(this.bytes.buffer, this.bytes.byteOffset + this.at * 8, length).toString('utf8');
    this.at += Math.ceil(length / 8);
    return value;
  }
}

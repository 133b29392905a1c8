/**
 * A step's records (./event-writer.ts `StepRecords`) as float64 slots, the form in which the
 * training thread hands them to the writer thread (./write-ring.ts). Encoding is copying numbers
 * into a reused array: no protobuf, no CRC and no system call on the training thread, which is
 * what makes the write cheap there (docs/tensorboard.md, Cost). Weight names are sent once, the
 * first time a weight appears, and referred to by number after that; alert lines go as UTF-8
 * bytes packed eight to a slot. Null (an absent statistic) and NaN (a measured one) stay distinct.
 *
 * An entry: [slots, KIND_STEP, step, wallTime, names, scalars, gradients, histograms,
 * gradientHistograms, texts], then each name [id, bytes, ...packed], each scalar row [id, mask,
 * 7 values], each gradient row [id, mask, 4 values], each histogram [id, hasRange, min, max, k,
 * ...counts], each text [bytes, ...packed].
 */
import type { Histogram } from '../history-types';
import { GRADIENT_STATISTICS, GradientScalarSource, ScalarSource, StepRecords } from './event-writer';

/** The slot that starts an entry holding a step's records. */
export const KIND_STEP = 1;
const HEADER = 10;

/** The scalars' values in the order the writer names them (SCALAR_STATISTICS). */
const scalarValues = (s: ScalarSource): (number | null)[] => [s.l2Norm, s.mean, s.std, s.drift?.relative ?? null, s.zeroFraction, s.nanCount, s.infCount];

/** Writes a step's records as slots into a reused array; weight names get their numbers here. */
export class StepEncoder {
  private slots = new Float64Array(1024);
  private bytes = new Uint8Array(this.slots.buffer);
  private at = 0;
  private readonly ids = new Map<string, number>();
  private fresh: string[] = [];

  /** Encodes `records` at `step`; returns a view of the encoder's array, valid until the next call. */
  encode(step: number, wallTime: number, records: StepRecords): Float64Array {
    if (!Number.isSafeInteger(step) || step < 0) throw new RangeError(`a TensorBoard step must be an integer >= 0, but got ${step}`);
    const { scalars = {}, gradients = {}, histograms = {}, gradientHistograms = {}, alertLines = [] } = records;
    this.fresh = [];
    // Numbers for every name first: the entry's names section comes before the rows that use them.
    const named = (record: Record<string, unknown>) => Object.keys(record).map((name) => this.idOf(name));
    const scalarIds = named(scalars);
    const gradientIds = named(gradients);
    const histogramIds = named(histograms);
    const gradientHistogramIds = named(gradientHistograms);
    this.at = HEADER;
    for (const name of this.fresh) {
      this.push(this.ids.get(name) as number);
      this.text(name);
    }
    Object.values(scalars).forEach((s, i) => this.row(scalarIds[i], scalarValues(s)));
    Object.values(gradients).forEach((g, i) => this.row(gradientIds[i], GRADIENT_STATISTICS.map((statistic) => g[statistic])));
    Object.values(histograms).forEach((h, i) => this.histogram(histogramIds[i], h.histogram));
    Object.values(gradientHistograms).forEach((h, i) => this.histogram(gradientHistogramIds[i], h.histogram));
    for (const line of alertLines) this.text(line);
    const s = this.slots;
    s[0] = this.at;
    s[1] = KIND_STEP;
    s[2] = step;
    s[3] = wallTime;
    s[4] = this.fresh.length;
    s[5] = scalarIds.length;
    s[6] = gradientIds.length;
    s[7] = histogramIds.length;
    s[8] = gradientHistogramIds.length;
    s[9] = alertLines.length;
    return s.subarray(0, this.at);
  }

  private idOf(name: string): number {
    let id = this.ids.get(name);
    if (id === undefined) {
      id = this.ids.size;
      this.ids.set(name, id);
      this.fresh.push(name);
    }
    return id;
  }

  private reserve(n: number): void {
    if (this.at + n <= this.slots.length) return;
    const grown = new Float64Array(Math.max(2 * this.slots.length, this.at + n));
    grown.set(this.slots.subarray(0, this.at));
    this.slots = grown;
    this.bytes = new Uint8Array(grown.buffer);
  }

  private push(value: number): void {
    this.reserve(1);
    this.slots[this.at++] = value;
  }

  /** A row of values that may be null: a mask of the present ones, then the values (absent as 0). */
  private row(id: number, values: readonly (number | null)[]): void {
    this.reserve(2 + values.length);
    let mask = 0;
    this.slots[this.at++] = id;
    const maskAt = this.at++;
    values.forEach((value, i) => {
      if (value !== null) mask |= 1 << i;
      this.slots[this.at++] = value ?? 0;
    });
    this.slots[maskAt] = mask;
  }

  private histogram(id: number, { min, max, counts }: Histogram): void {
    this.reserve(5 + counts.length);
    const s = this.slots;
    s[this.at++] = id;
    s[this.at++] = min === null || max === null ? 0 : 1;
    s[this.at++] = min ?? 0;
    s[this.at++] = max ?? 0;
    s[this.at++] = counts.length;
    for (const count of counts) s[this.at++] = count;
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
    const [step, wallTime, names, scalarRows, gradientRows, histogramCount, gradientHistogramCount, texts] = Array.from(s.subarray(start + 2, start + HEADER));
    this.at = start + HEADER;
    for (let i = 0; i < names; i += 1) {
      const id = this.next();
      this.names[id] = this.text();
    }
    const records: StepRecords = {};
    if (scalarRows > 0) {
      const scalars: Record<string, ScalarSource> = {};
      for (let i = 0; i < scalarRows; i += 1) {
        const [name, [l2Norm, mean, std, relative, zeroFraction, nanCount, infCount]] = this.row(7);
        scalars[name] = { l2Norm, mean, std, drift: { relative }, zeroFraction, nanCount, infCount };
      }
      records.scalars = scalars;
    }
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

  private nameOf(id: number): string {
    const name = this.names[id];
    if (name === undefined) throw new Error(`tfjs-param-monitor: a TensorBoard entry names weight ${id} before defining it`);
    return name;
  }

  private row(length: number): [string, (number | null)[]] {
    const name = this.nameOf(this.next());
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
      const name = this.nameOf(this.next());
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

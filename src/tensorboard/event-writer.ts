/**
 * Turns the monitor's records into TensorBoard events: one event per step holding the scalars
 * `<weight>/<statistic>`, the histograms of that step when they are written, and the alerts as
 * one text value. Written for a snapshot every batch, so nothing is encoded per snapshot that
 * can be encoded once: each scalar tag and each weight's histogram shape has its bytes encoded
 * by protobufjs once (./summary-values.ts templates), and a snapshot copies them into one buffer
 * reused from step to step and writes its numbers in place. The event's own fields go in front
 * of them, their keys as protobufjs encodes them and their values written in place (a double and
 * two varints), and the TFRecord frame is written around them in the same buffer, which goes to
 * the file in one write. Text, and histograms of constant
 * or empty weights, are rare and encoded with protobufjs each time.
 */
import type { Alert, Histogram } from '../history-types';
import type { EventFile } from './event-file';
import { EventHeader, EventWithSummaryBytes } from './proto';
import {
  ValueTemplate, histogramRowCount, histogramTemplate, histogramValue, scalarTemplate, textValue, writeHistogramRows,
} from './summary-values';

/** The statistics written as scalars, named as the history's `series` columns. */
export const SCALAR_STATISTICS = ['l2Norm', 'mean', 'std', 'driftRelative', 'zeroFraction', 'nanCount', 'infCount'] as const;

/**
 * The gradient figures written as scalars (option `gradients`), under `<weight>/gradient/`, named
 * as the history's `series.gradients` columns.
 */
export const GRADIENT_STATISTICS = ['l2Norm', 'maxNorm', 'meanNorm', 'updateRatio'] as const;

/** What the gradient scalars are read from: a snapshot's `GradientStats` has all of it. */
export type GradientScalarSource = Readonly<Record<(typeof GRADIENT_STATISTICS)[number], number | null>>;

/** The tag of a weight's gradient histogram (and the prefix of its gradient scalars). */
export const gradientTag = (weight: string): string => `${weight}/gradient`;

/** The tag of the alerts' text. */
export const ALERTS_TAG = 'alerts';

/** What the scalars are read from: a snapshot's `WeightStats` has all of it. */
export interface ScalarSource {
  l2Norm: number | null;
  mean: number | null;
  std: number | null;
  zeroFraction: number | null;
  nanCount: number | null;
  infCount: number | null;
  drift?: { relative: number | null };
}

/** One row of the alerts' text table. */
export function alertLine(alert: Alert): string {
  return `${alert.severity} ${alert.kind} ${alert.status}: ${alert.message}`;
}

/**
 * The step of a snapshot or an alert: its optimizer step in a custom loop (`attach()`), its batch
 * count when snapshots follow batches, else its epoch count.
 */
export function stepOf(at: { epoch: number; batch?: number | null; step?: number | null }): number {
  return at.step ?? at.batch ?? at.epoch;
}

export interface StepRecords {
  /** Statistics per weight name. */
  scalars?: Readonly<Record<string, ScalarSource>>;
  /** Histograms per weight name. */
  histograms?: Readonly<Record<string, { histogram: Histogram }>>;
  /** Gradient figures per weight name (option `gradients`). */
  gradients?: Readonly<Record<string, GradientScalarSource>>;
  /** Gradient histograms per weight name, written under `<weight>/gradient`. */
  gradientHistograms?: Readonly<Record<string, { histogram: Histogram }>>;
  /** The alerts raised at this step, one {@link alertLine} each. */
  alertLines?: readonly string[];
}

/**
 * A tag's template: with the plugin metadata until the tag is first written in this file (as
 * TensorFlow's writers do; TensorBoard keeps the first metadata it sees), then without.
 */
class Tag {
  private written = false;
  template: ValueTemplate;

  constructor(private readonly make: (withMetadata: boolean) => ValueTemplate) {
    this.template = make(true);
  }

  /** The template for this write. */
  use(): ValueTemplate {
    const template = this.template;
    if (!this.written) {
      this.written = true;
      this.template = this.make(false);
    }
    return template;
  }
}

/** The event's summary starts here in the buffer: room before it for the frame and the event's header. */
const SUMMARY_AT = 64;

/** Bytes of a non-negative integer `n` (up to 2^53) as a protobuf varint. */
function varintLength(n: number): number {
  let bytes = 1;
  for (let rest = n; rest >= 0x80; rest = Math.floor(rest / 128)) bytes += 1;
  return bytes;
}

/** Writes `n` as a protobuf varint at `at`; returns the position after it. */
function writeVarint(buffer: Buffer, at: number, n: number): number {
  let p = at;
  let rest = n;
  while (rest >= 0x80) {
    buffer[p++] = (rest % 128) | 0x80;
    rest = Math.floor(rest / 128);
  }
  buffer[p++] = rest;
  return p;
}

/** The first byte protobufjs writes for a message with only this field set: the field's key. */
const keyOf = (type: typeof EventHeader, fields: Record<string, unknown>): number => type.encode(fields).finish()[0];

/** The scalar tags `<prefix>/<statistic>` of `weight`, made once and kept in `cache`. */
function tagsOf(cache: Map<string, Tag[]>, weight: string, prefix: string, statistics: readonly string[]): Tag[] {
  let tags = cache.get(weight);
  if (tags === undefined) {
    tags = statistics.map((statistic) => new Tag((withMetadata) => scalarTemplate(`${prefix}/${statistic}`, withMetadata)));
    cache.set(weight, tags);
  }
  return tags;
}

export class EventWriter {
  /** Per weight: its seven scalar tags. */
  private readonly scalarTags = new Map<string, Tag[]>();
  /** Per weight: its gradient scalar tags. */
  private readonly gradientTags = new Map<string, Tag[]>();
  /** Per weight and bin count: its histogram tag. */
  private readonly histogramTags = new Map<string, Tag>();
  /** Tags written with protobufjs each time (text, histograms of degenerate shapes) that have had their metadata. */
  private readonly described = new Set<string>();
  private buffer: Buffer = Buffer.allocUnsafe(16384);
  private at = SUMMARY_AT;
  /** The keys of `Event.wall_time`, `Event.step` and `Event.summary`, as protobufjs encodes them. */
  private readonly wallTimeKey = keyOf(EventHeader, { wallTime: 1 });
  private readonly stepKey = keyOf(EventHeader, { step: 1 });
  private readonly summaryKey = keyOf(EventWithSummaryBytes, { summary: Uint8Array.of(0) });

  constructor(readonly file: EventFile) {}

  /** Appends one event at `step` with the given records (nothing when they are all empty). Throws when the file write fails. */
  write(step: number, wallTime: number, records: StepRecords): void {
    if (!Number.isSafeInteger(step) || step < 0) throw new RangeError(`a TensorBoard step must be an integer >= 0, but got ${step}`);
    this.at = SUMMARY_AT;
    const { scalars, histograms, gradients, gradientHistograms, alertLines } = records;
    if (scalars) {
      for (const weight of Object.keys(scalars)) {
        const s = scalars[weight];
        const tags = this.scalarTagsOf(weight);
        this.scalar(tags[0], s.l2Norm);
        this.scalar(tags[1], s.mean);
        this.scalar(tags[2], s.std);
        this.scalar(tags[3], s.drift?.relative ?? null);
        this.scalar(tags[4], s.zeroFraction);
        this.scalar(tags[5], s.nanCount);
        this.scalar(tags[6], s.infCount);
      }
    }
    if (gradients) {
      for (const weight of Object.keys(gradients)) {
        const g = gradients[weight];
        const tags = this.gradientTagsOf(weight);
        GRADIENT_STATISTICS.forEach((statistic, i) => this.scalar(tags[i], g[statistic]));
      }
    }
    if (histograms) {
      for (const weight of Object.keys(histograms)) this.histogram(weight, histograms[weight].histogram);
    }
    if (gradientHistograms) {
      for (const weight of Object.keys(gradientHistograms)) this.histogram(gradientTag(weight), gradientHistograms[weight].histogram);
    }
    if (alertLines && alertLines.length > 0) this.append(textValue(ALERTS_TAG, alertLines, this.describe(ALERTS_TAG)));
    if (this.at === SUMMARY_AT) return;
    // The event's fields in front of the summary, in field order: wall_time (a double), step, the
    // summary's key and length (varints).
    const length = this.at - SUMMARY_AT;
    const start = SUMMARY_AT - (1 + 8 + 1 + varintLength(step) + 1 + varintLength(length));
    const b = this.buffer;
    b[start] = this.wallTimeKey;
    b.writeDoubleLE(wallTime, start + 1);
    b[start + 9] = this.stepKey;
    const p = writeVarint(b, start + 10, step);
    b[p] = this.summaryKey;
    writeVarint(b, p + 1, length);
    this.file.appendInPlace(b, start, this.at);
  }

  /** True the first time a text or degenerate histogram tag is written: its value carries the plugin metadata. */
  private describe(tag: string): boolean {
    if (this.described.has(tag)) return false;
    this.described.add(tag);
    return true;
  }

  private scalarTagsOf(weight: string): Tag[] {
    return tagsOf(this.scalarTags, weight, weight, SCALAR_STATISTICS);
  }

  private gradientTagsOf(weight: string): Tag[] {
    return tagsOf(this.gradientTags, weight, gradientTag(weight), GRADIENT_STATISTICS);
  }

  private scalar(tag: Tag, value: number | null): void {
    if (value === null) return; // absent: no point at this step (no finite element, or a first snapshot's drift)
    const { bytes, valueAt } = tag.use();
    this.reserve(bytes.length);
    this.buffer.set(bytes, this.at);
    this.buffer.writeFloatLE(value, this.at + valueAt);
    this.at += bytes.length;
  }

  private histogram(weight: string, histogram: Histogram): void {
    const rows = histogramRowCount(histogram);
    if (rows === 0) return; // no finite element: nothing to draw; the nanCount and infCount scalars say why
    if (rows !== histogram.counts.length || rows === 1) {
      this.append(histogramValue(weight, histogram, this.describe(weight)));
      return;
    }
    const key = `${rows} ${weight}`;
    let tag = this.histogramTags.get(key);
    if (tag === undefined) {
      // Metadata goes with the first histogram of the weight, whatever its shape.
      const first = this.describe(weight);
      tag = new Tag((withMetadata) => histogramTemplate(weight, rows, withMetadata && first));
      this.histogramTags.set(key, tag);
    }
    const { bytes, valueAt } = tag.use();
    this.reserve(bytes.length);
    this.buffer.set(bytes, this.at);
    writeHistogramRows(histogram, this.buffer, this.at + valueAt);
    this.at += bytes.length;
  }

  private append(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.buffer.set(bytes, this.at);
    this.at += bytes.length;
  }

  /** Room for `length` more bytes and the frame's trailing CRC. */
  private reserve(length: number): void {
    if (this.at + length + 4 <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(2 * this.buffer.length, this.at + length + 4));
    this.buffer.copy(grown, 0, 0, this.at);
    this.buffer = grown;
  }
}

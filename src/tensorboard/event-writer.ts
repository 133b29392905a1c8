/**
 * Turns the monitor's records into TensorBoard events: one event per step holding the scalars
 * `<weight>/<statistic>`, the histograms of that step when they are written, and the alerts as
 * one text value. The scalar values are copied from bytes encoded once per tag
 * (./summary-values.ts `scalarTemplate`) into a buffer reused from step to step; histograms and
 * text, written far less often, are encoded with protobufjs each time.
 */
import type { Alert, Histogram } from '../history-types';
import type { EventFile } from './event-file';
import { EventWithSummaryBytes } from './proto';
import { histogramValue, scalarTemplate, textValue } from './summary-values';

/** The statistics written as scalars, named as the history's `series` columns. */
export const SCALAR_STATISTICS = ['l2Norm', 'mean', 'std', 'driftRelative', 'zeroFraction', 'nanCount', 'infCount'] as const;

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

/** The step of a snapshot or an alert: its batch count when snapshots follow batches, else its epoch count. */
export function stepOf(at: { epoch: number; batch?: number | null }): number {
  return at.batch ?? at.epoch;
}

interface Chunk { bytes: Buffer; valueAt: number }

/** The scalar chunks of one weight, one per statistic: with the plugin metadata until first written. */
interface WeightChunks { tags: string[]; chunks: Chunk[]; described: boolean[] }

export interface StepRecords {
  /** Statistics per weight name. */
  scalars?: Readonly<Record<string, ScalarSource>>;
  /** Histograms per weight name. */
  histograms?: Readonly<Record<string, { histogram: Histogram }>>;
  alerts?: readonly Alert[];
}

export class EventWriter {
  private readonly weights = new Map<string, WeightChunks>();
  private readonly described = new Set<string>();
  private summary: Buffer = Buffer.allocUnsafe(8192);
  private at = 0;

  constructor(readonly file: EventFile) {}

  /** Appends one event at `step` with the given records (nothing when they are all empty). Throws when the file write fails. */
  write(step: number, wallTime: number, records: StepRecords): void {
    this.at = 0;
    const { scalars, histograms, alerts } = records;
    if (scalars) {
      for (const weight of Object.keys(scalars)) {
        const s = scalars[weight];
        const w = this.chunksOf(weight);
        this.scalar(w, 0, s.l2Norm);
        this.scalar(w, 1, s.mean);
        this.scalar(w, 2, s.std);
        this.scalar(w, 3, s.drift?.relative ?? null);
        this.scalar(w, 4, s.zeroFraction);
        this.scalar(w, 5, s.nanCount);
        this.scalar(w, 6, s.infCount);
      }
    }
    if (histograms) {
      for (const weight of Object.keys(histograms)) {
        this.append(histogramValue(weight, histograms[weight].histogram, this.describe(weight)));
      }
    }
    if (alerts && alerts.length > 0) this.append(textValue(ALERTS_TAG, alerts.map(alertLine), this.describe(ALERTS_TAG)));
    if (this.at === 0) return;
    this.file.append([EventWithSummaryBytes.encode({ wallTime, step, summary: this.summary.subarray(0, this.at) }).finish()]);
  }

  /** True the first time a histogram or text tag is written: its value carries the plugin metadata. */
  private describe(tag: string): boolean {
    if (this.described.has(tag)) return false;
    this.described.add(tag);
    return true;
  }

  private chunksOf(weight: string): WeightChunks {
    let w = this.weights.get(weight);
    if (w === undefined) {
      const tags = SCALAR_STATISTICS.map((statistic) => `${weight}/${statistic}`);
      w = { tags, chunks: tags.map((tag) => scalarTemplate(tag, true)), described: tags.map(() => false) };
      this.weights.set(weight, w);
    }
    return w;
  }

  private scalar(w: WeightChunks, i: number, value: number | null): void {
    if (value === null) return; // absent: no point at this step (no finite element, or a first snapshot's drift)
    const chunk = w.chunks[i];
    this.reserve(chunk.bytes.length);
    chunk.bytes.copy(this.summary, this.at);
    this.summary.writeDoubleLE(value, this.at + chunk.valueAt);
    this.at += chunk.bytes.length;
    if (!w.described[i]) {
      w.described[i] = true;
      w.chunks[i] = scalarTemplate(w.tags[i], false);
    }
  }

  private append(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.summary.set(bytes, this.at);
    this.at += bytes.length;
  }

  private reserve(length: number): void {
    if (this.at + length <= this.summary.length) return;
    const grown = Buffer.allocUnsafe(Math.max(2 * this.summary.length, this.at + length));
    this.summary.copy(grown, 0, 0, this.at);
    this.summary = grown;
  }
}

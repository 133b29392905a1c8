/**
 * The per-weight scalar series of every snapshot taken, at full resolution and compact: one
 * Float64Array per weight holding its columns, NaN standing for null. 88 bytes per weight per
 * snapshot, where a kept snapshot with its histogram costs about 1 KB per weight at 30 bins.
 * In the document, values are rounded to 9 significant digits (float32 precision).
 */
import type { HistorySeries, WeightSeries, WeightStats } from '../history-types';

export const SERIES_COLUMNS = [
  'mean', 'std', 'min', 'max', 'absMean', 'l2Norm', 'zeroFraction', 'nanCount', 'infCount', 'driftRelative', 'fromStartRelative',
] as const satisfies readonly (keyof WeightSeries)[];

const WIDTH = SERIES_COLUMNS.length;

function columnsOf(s: WeightStats): (number | null | undefined)[] {
  return [s.mean, s.std, s.min, s.max, s.absMean, s.l2Norm, s.zeroFraction, s.nanCount, s.infCount, s.drift?.relative, s.fromStart?.relative];
}

/** A growable Float64Array (capacity doubles), so appending is amortised O(1). */
class Column {
  data: Float64Array;
  constructor(capacity: number) {
    this.data = new Float64Array(capacity).fill(NaN);
  }
  ensure(length: number): void {
    if (length <= this.data.length) return;
    const grown = new Float64Array(Math.max(length, this.data.length * 2)).fill(NaN);
    grown.set(this.data);
    this.data = grown;
  }
}

export class SeriesRecorder {
  private length = 0;
  private readonly epochs = new Column(64);
  private readonly batches = new Column(64);
  private readonly steps = new Column(64);
  /** Whether any snapshot had a step: only then does the document carry the `step` column. */
  private stepped = false;
  private readonly weights = new Map<string, Column>();

  /** Number of snapshots recorded; the next snapshot's index. */
  get size(): number {
    return this.length;
  }

  /** Appends one snapshot's statistics; returns its index. */
  append(epoch: number, batch: number | undefined, stats: Record<string, WeightStats>, step?: number): number {
    const index = this.length;
    this.length += 1;
    this.epochs.ensure(this.length);
    this.batches.ensure(this.length);
    this.steps.ensure(this.length);
    this.epochs.data[index] = epoch;
    this.batches.data[index] = batch ?? NaN;
    this.steps.data[index] = step ?? NaN;
    if (step !== undefined) this.stepped = true;
    for (const [name, s] of Object.entries(stats)) {
      let column = this.weights.get(name);
      if (!column) {
        column = new Column(this.epochs.data.length * WIDTH);
        this.weights.set(name, column);
      }
      column.ensure(this.epochs.data.length * WIDTH);
      columnsOf(s).forEach((value, c) => {
        column.data[index * WIDTH + c] = value == null || !Number.isFinite(value) ? NaN : value;
      });
    }
    return index;
  }

  /** Bytes held by the series: 88 per weight per snapshot, as the README says (tested). */
  bytes(): number {
    let total = this.epochs.data.byteLength + this.batches.data.byteLength + this.steps.data.byteLength;
    for (const column of this.weights.values()) total += column.data.byteLength;
    return total;
  }

  toJSON(): HistorySeries {
    const plain = (x: number) => (Number.isNaN(x) ? null : x);
    // 9 significant digits round-trip a float32, the precision the statistics are correct to;
    // the document is about half the size of one with every float64 digit.
    const rounded = (x: number) => (Number.isNaN(x) ? null : Number(x.toPrecision(9)));
    const weights: Record<string, WeightSeries> = {};
    for (const [name, column] of this.weights) {
      const series = {} as WeightSeries;
      SERIES_COLUMNS.forEach((key, c) => {
        const values = new Array<number | null>(this.length);
        for (let i = 0; i < this.length; i += 1) values[i] = rounded(column.data[i * WIDTH + c]);
        series[key] = values;
      });
      weights[name] = series;
    }
    return {
      epoch: Array.from(this.epochs.data.subarray(0, this.length)),
      batch: Array.from(this.batches.data.subarray(0, this.length), plain),
      ...(this.stepped ? { step: Array.from(this.steps.data.subarray(0, this.length), plain) } : {}),
      weights,
    };
  }
}

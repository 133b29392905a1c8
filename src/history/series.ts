/**
 * The per-weight scalar series of every snapshot taken, at full resolution and compact: one
 * Float64Array per weight holding its columns, NaN standing for null. 88 bytes per weight per
 * snapshot, where a kept snapshot with its histogram costs about 1 KB per weight at 30 bins.
 * In the document, values are rounded to 9 significant digits (float32 precision).
 */
import type { GradientSeries, GradientStats, HistorySeries, WeightSeries, WeightStats } from '../history-types';

export const SERIES_COLUMNS = [
  'mean', 'std', 'min', 'max', 'absMean', 'l2Norm', 'zeroFraction', 'nanCount', 'infCount', 'driftRelative', 'fromStartRelative',
] as const satisfies readonly (keyof WeightSeries)[];

/** The gradient columns (option `gradients`), 32 bytes per weight per snapshot. */
export const GRADIENT_COLUMNS = ['l2Norm', 'maxNorm', 'meanNorm', 'updateRatio'] as const satisfies readonly (keyof GradientSeries)[];

function columnsOf(s: WeightStats): (number | null | undefined)[] {
  return [s.mean, s.std, s.min, s.max, s.absMean, s.l2Norm, s.zeroFraction, s.nanCount, s.infCount, s.drift?.relative, s.fromStart?.relative];
}

function gradientColumnsOf(g: GradientStats): (number | null | undefined)[] {
  return [g.l2Norm, g.maxNorm, g.meanNorm, g.updateRatio];
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

/** One column per statistic, of every weight, interleaved per snapshot in one array per weight. */
class ColumnGroup<K extends string> {
  private readonly columns = new Map<string, Column>();
  constructor(private readonly keys: readonly K[]) {}

  get size(): number {
    return this.columns.size;
  }

  write(name: string, index: number, capacity: number, values: (number | null | undefined)[]): void {
    const width = this.keys.length;
    let column = this.columns.get(name);
    if (!column) {
      column = new Column(capacity * width);
      this.columns.set(name, column);
    }
    column.ensure(capacity * width);
    values.forEach((value, c) => {
      column.data[index * width + c] = value == null || !Number.isFinite(value) ? NaN : value;
    });
  }

  bytes(): number {
    let total = 0;
    for (const column of this.columns.values()) total += column.data.byteLength;
    return total;
  }

  toJSON(length: number, rounded: (x: number) => number | null): Record<string, Record<K, (number | null)[]>> {
    const width = this.keys.length;
    const out: Record<string, Record<K, (number | null)[]>> = {};
    for (const [name, column] of this.columns) {
      const series = {} as Record<K, (number | null)[]>;
      this.keys.forEach((key, c) => {
        const values = new Array<number | null>(length);
        for (let i = 0; i < length; i += 1) values[i] = rounded(column.data[i * width + c]);
        series[key] = values;
      });
      out[name] = series;
    }
    return out;
  }
}

export class SeriesRecorder {
  private length = 0;
  private readonly epochs = new Column(64);
  private readonly batches = new Column(64);
  private readonly steps = new Column(64);
  /** Whether any snapshot had a step: only then does the document carry the `step` column. */
  private stepped = false;
  private readonly weights = new ColumnGroup(SERIES_COLUMNS);
  private readonly gradients = new ColumnGroup(GRADIENT_COLUMNS);

  /** Number of snapshots recorded; the next snapshot's index. */
  get size(): number {
    return this.length;
  }

  /** Appends one snapshot's statistics (and its gradients, option `gradients`); returns its index. */
  append(
    epoch: number, batch: number | undefined, stats: Record<string, WeightStats>, step?: number,
    gradients?: Record<string, GradientStats>,
  ): number {
    const index = this.length;
    this.length += 1;
    this.epochs.ensure(this.length);
    this.batches.ensure(this.length);
    this.steps.ensure(this.length);
    this.epochs.data[index] = epoch;
    this.batches.data[index] = batch ?? NaN;
    this.steps.data[index] = step ?? NaN;
    if (step !== undefined) this.stepped = true;
    const capacity = this.epochs.data.length;
    for (const [name, s] of Object.entries(stats)) this.weights.write(name, index, capacity, columnsOf(s));
    for (const [name, g] of Object.entries(gradients ?? {})) this.gradients.write(name, index, capacity, gradientColumnsOf(g));
    return index;
  }

  /** Bytes held by the series: 88 per weight per snapshot, as the README says (tested). */
  bytes(): number {
    return this.epochs.data.byteLength + this.batches.data.byteLength + this.steps.data.byteLength
      + this.weights.bytes() + this.gradients.bytes();
  }

  toJSON(): HistorySeries {
    const plain = (x: number) => (Number.isNaN(x) ? null : x);
    // 9 significant digits round-trip a float32, the precision the statistics are correct to;
    // the document is about half the size of one with every float64 digit.
    const rounded = (x: number) => (Number.isNaN(x) ? null : Number(x.toPrecision(9)));
    const weights: Record<string, WeightSeries> = this.weights.toJSON(this.length, rounded);
    return {
      epoch: Array.from(this.epochs.data.subarray(0, this.length)),
      batch: Array.from(this.batches.data.subarray(0, this.length), plain),
      ...(this.stepped ? { step: Array.from(this.steps.data.subarray(0, this.length), plain) } : {}),
      weights,
      ...(this.gradients.size > 0 ? { gradients: this.gradients.toJSON(this.length, rounded) } : {}),
    };
  }
}

/**
 * A weight's statistics as a row of float64 slots, so that the measuring worker can hand them to
 * the training thread in shared memory: a `postMessage` of the objects cost 30-40 µs per snapshot
 * (clone and wake-up on each side), more than the measuring it saves on small models.
 * `null` travels as NaN: every statistic is otherwise finite (NaN and Inf elements are counted,
 * never summed).
 */
import type { WeightStats } from '../history-types';

const HEAD = 18;

/** Float64 slots of one weight's row at `bins` histogram bins. */
export function rowSlots(bins: number): number {
  return HEAD + bins;
}

const put = (v: number | null) => (v === null ? NaN : v);
const get = (v: number) => (Number.isNaN(v) ? null : v);

/** Writes `stats` to `row` from `at`. */
export function encodeStats(stats: WeightStats, row: Float64Array, at: number): void {
  const { drift, fromStart, histogram } = stats;
  row[at] = stats.count;
  row[at + 1] = put(stats.mean);
  row[at + 2] = put(stats.std);
  row[at + 3] = put(stats.min);
  row[at + 4] = put(stats.max);
  row[at + 5] = put(stats.absMean);
  row[at + 6] = put(stats.l2Norm);
  row[at + 7] = stats.zeroCount;
  row[at + 8] = put(stats.zeroFraction);
  row[at + 9] = stats.nanCount;
  row[at + 10] = stats.infCount;
  row[at + 11] = drift ? 1 : 0;
  row[at + 12] = put(drift?.l2 ?? null);
  row[at + 13] = put(drift?.relative ?? null);
  row[at + 14] = put(drift?.maxAbs ?? null);
  row[at + 15] = put(drift?.changedFraction ?? null);
  row[at + 16] = fromStart ? 1 : 0;
  row[at + 17] = put(fromStart?.relative ?? null);
  row.set(histogram.counts, at + HEAD);
}

/** Reads the statistics `encodeStats` wrote (the histogram's range is the weight's min and max). */
export function decodeStats(row: Float64Array, at: number, bins: number): WeightStats {
  const min = get(row[at + 3]);
  const max = get(row[at + 4]);
  const counts = new Array<number>(bins);
  for (let i = 0; i < bins; i++) counts[i] = row[at + HEAD + i];
  const stats: WeightStats = {
    count: row[at],
    mean: get(row[at + 1]),
    std: get(row[at + 2]),
    min,
    max,
    absMean: get(row[at + 5]),
    l2Norm: get(row[at + 6]),
    zeroCount: row[at + 7],
    zeroFraction: get(row[at + 8]),
    nanCount: row[at + 9],
    infCount: row[at + 10],
    histogram: { min, max, counts },
  };
  if (row[at + 11] === 1) {
    stats.drift = { l2: get(row[at + 12]), relative: get(row[at + 13]), maxAbs: get(row[at + 14]), changedFraction: get(row[at + 15]) };
  }
  if (row[at + 16] === 1) stats.fromStart = { relative: get(row[at + 17]) };
  return stats;
}

/**
 * The histograms of a weight over its snapshots as a heat map, like TensorBoard's distributions:
 * epochs across, values up, each column shaded by the share of the weight's elements in each
 * value bin. Every snapshot's histogram has its own [min, max] range, so its counts are spread
 * onto common value bins in proportion to the overlap.
 */
import type { Histogram } from '../history-types';
import { extent, FRAME, tickLabel } from './svg-scale';
import { escapeHtml } from './escape-html';

/** A snapshot's histogram of one weight, at the epoch (or step, in a custom loop) it was taken. */
export interface HistogramColumn {
  epoch: number;
  /** The snapshot's position among all snapshots taken (`Snapshot.index`). */
  index: number;
  histogram: Histogram;
}

const ROWS = 24;
const { width: W, height: H, left: LEFT, right: RIGHT, top: TOP, bottom: BOTTOM } = FRAME;

/** Counts of `h` on `ROWS` equal bins over [lo, hi]. */
export function rebin(h: Histogram, lo: number, hi: number): number[] {
  const out = new Array<number>(ROWS).fill(0);
  if (h.min === null || h.max === null) return out;
  const width = (hi - lo) / ROWS;
  const row = (v: number) => (width === 0 ? 0 : Math.min(ROWS - 1, Math.max(0, Math.floor((v - lo) / width))));
  const binWidth = (h.max - h.min) / h.counts.length;
  h.counts.forEach((count, i) => {
    if (count === 0) return;
    const a = h.min! + i * binWidth;
    const b = a + binWidth;
    if (binWidth === 0 || width === 0) {
      out[row(a)] += count;
      return;
    }
    for (let r = row(a); r <= row(b); r++) {
      const overlap = Math.min(b, lo + (r + 1) * width) - Math.max(a, lo + r * width);
      if (overlap > 0) out[r] += count * overlap / binWidth;
    }
  });
  return out;
}

/**
 * At most this many columns per heat map, about one per two units of the plot's width: past it
 * the columns drawn are spread evenly over the run, each stretching to the next, so that a
 * thousand kept snapshots of a hundred weights make a report of megabytes, not hundreds.
 */
const MAX_COLUMNS = 130;

/** At most `max` of `items`, evenly spread, the first and the last included. */
function evenly<T>(items: T[], max: number): T[] {
  if (items.length <= max) return items;
  return Array.from({ length: max }, (_, i) => items[Math.round(i * (items.length - 1) / (max - 1))]);
}

/**
 * The heat map over `taken` snapshots, or null when no snapshot has a finite element. Long runs
 * keep only some snapshots whole: a kept column stretches until the next kept one.
 */
export function histogramHeatmap(all: HistogramColumn[], taken: number, axisUnit: 'epoch' | 'step' = 'epoch'): string | null {
  const columns = evenly(all, MAX_COLUMNS);
  const ranged = columns.filter((c) => c.histogram.min !== null && c.histogram.max !== null);
  if (ranged.length === 0) return null;
  const lo = extent(ranged.map((c) => c.histogram.min!)).min;
  const hi = extent(ranged.map((c) => c.histogram.max!)).max;
  const unit = (W - LEFT - RIGHT) / Math.max(taken, columns[columns.length - 1].index + 1);
  const cellH = (H - TOP - BOTTOM) / ROWS;
  // Cells grouped by shade (20 levels), one path each: a cell is `M x y h w v h h -w z`, a third
  // of a <rect>'s text.
  const byShade = new Map<number, string[]>();
  columns.forEach((column, c) => {
    const counts = rebin(column.histogram, lo, hi);
    const total = counts.reduce((s, v) => s + v, 0);
    const peak = extent(counts).max;
    if (total === 0) return;
    const next = c + 1 < columns.length ? columns[c + 1].index : Math.max(taken, column.index + 1);
    const x = LEFT + column.index * unit;
    const cellW = (next - column.index) * unit;
    counts.forEach((count, r) => {
      if (count <= 0) return;
      // sqrt so that a long thin tail stays visible next to a tall peak
      const shade = Math.max(1, Math.round(Math.sqrt(count / peak) * 20));
      const y = H - BOTTOM - (r + 1) * cellH;
      const w = (cellW + 0.3).toFixed(1);
      const cell = `M${x.toFixed(1)} ${y.toFixed(1)}h${w}v${(cellH + 0.3).toFixed(1)}h-${w}z`;
      const group = byShade.get(shade);
      if (group) group.push(cell);
      else byShade.set(shade, [cell]);
    });
  });
  const cells = [...byShade].map(([shade, d]) => `<path fill-opacity="${(shade / 20).toFixed(2)}" d="${d.join('')}"/>`).join('');
  const first = columns[0].epoch;
  const last = columns[columns.length - 1].epoch;
  const labels = `<text class="tick" x="${LEFT - 4}" y="${TOP + 8}" text-anchor="end">${escapeHtml(tickLabel(hi))}</text>` +
    `<text class="tick" x="${LEFT - 4}" y="${H - BOTTOM}" text-anchor="end">${escapeHtml(tickLabel(lo))}</text>` +
    `<text class="tick" x="${LEFT}" y="${H - 6}">${axisUnit} ${first}</text>` +
    (last !== first ? `<text class="tick" x="${W - RIGHT}" y="${H - 6}" text-anchor="end">${last}</text>` : '');
  return `<svg class="chart heat" viewBox="0 0 ${W} ${H}" role="img" preserveAspectRatio="xMidYMid meet">` +
    `<rect class="frame" x="${LEFT}" y="${TOP}" width="${W - LEFT - RIGHT}" height="${H - TOP - BOTTOM}"/>` +
    `<g class="cells">${cells}</g>${labels}</svg>`;
}

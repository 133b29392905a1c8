/**
 * A line chart as inline SVG: one or more series over the snapshots' epochs, linear or log10
 * y axis. Null values (not measured, not finite, or <= 0 on a log axis) break the line.
 */
import { escapeHtml } from './escape-html';
import { extent, FRAME, scale, usable } from './svg-scale';

export interface LineSeries {
  label: string;
  color: string;
  values: (number | null)[];
}

export interface LineChartOptions {
  /**
   * Epoch of each value. Values are spaced evenly, one per snapshot (epochs repeat when
   * snapshots are taken every few batches); the axis is labelled with the first and last epoch.
   */
  x: number[];
  series: LineSeries[];
  log?: boolean;
  /** What `x` counts, for its labels. @default 'epoch' */
  unit?: 'epoch' | 'step';
  /** Positions (snapshot indices) to mark with a dashed vertical line: where a later `fit` call began. */
  marks?: number[];
}

const { width: W, height: H, left: LEFT, right: RIGHT, top: TOP, bottom: BOTTOM } = FRAME;

const f = (n: number) => n.toFixed(1);

/**
 * At most this many buckets of snapshots per line: each bucket draws its smallest and largest
 * value (about two points per pixel of the plot), so a line over 100,000 snapshots costs what one
 * over 600 does, and every spike still shows.
 */
const MAX_BUCKETS = 600;

/** Points of one series, split wherever a value is missing; long series drawn by bucket extremes. */
function segments(values: (number | null)[], log: boolean, px: (v: number) => number, py: (v: number) => number): string[][] {
  const out: string[][] = [[]];
  const ok = (v: number | null): v is number => v !== null && Number.isFinite(v) && (!log || v > 0);
  const size = Math.max(1, Math.ceil(values.length / MAX_BUCKETS));
  for (let start = 0; start < values.length; start += size) {
    let lo = -1;
    let hi = -1;
    for (let i = start; i < Math.min(start + size, values.length); i += 1) {
      const v = values[i];
      if (!ok(v)) continue;
      if (lo < 0 || v < (values[lo] as number)) lo = i;
      if (hi < 0 || v > (values[hi] as number)) hi = i;
    }
    if (lo < 0) {
      if (out[out.length - 1].length > 0) out.push([]);
      continue;
    }
    for (const i of lo === hi ? [lo] : [Math.min(lo, hi), Math.max(lo, hi)]) out[out.length - 1].push(`${f(px(i))},${f(py(values[i] as number))}`);
  }
  return out.filter((s) => s.length > 0);
}

/**
 * The chart, or null when no series has a value to draw (the caller then leaves the chart out).
 *
 * @example
 * lineChart({ x: [0, 1, 2], series: [{ label: 'mean', color: '#1f77b4', values: [0, 0.1, 0.2] }] });
 */
export function lineChart(options: LineChartOptions): string | null {
  const log = options.log ?? false;
  const all = options.series.flatMap((s) => usable(s.values, log));
  if (all.length === 0 || options.x.length === 0) return null;
  const { min, max } = extent(all);
  const y = scale(min, max, H - BOTTOM, TOP, log);
  const x = scale(0, options.x.length - 1, LEFT, W - RIGHT, false);
  const grid = y.ticks.map((t) => `<line class="grid" x1="${LEFT}" x2="${W - RIGHT}" y1="${f(y.at(t.value))}" y2="${f(y.at(t.value))}"/>` +
    `<text class="tick" x="${LEFT - 4}" y="${f(y.at(t.value) + 3)}" text-anchor="end">${escapeHtml(t.label)}</text>`).join('');
  const first = options.x[0];
  const last = options.x[options.x.length - 1];
  const xLabels = `<text class="tick" x="${LEFT}" y="${H - 6}">${options.unit ?? 'epoch'} ${first}</text>` +
    (last !== first ? `<text class="tick" x="${W - RIGHT}" y="${H - 6}" text-anchor="end">${last}</text>` : '');
  const lines = options.series.map((s) => segments(s.values, log, x.at, y.at).map((points) => (points.length === 1
    ? `<circle cx="${points[0].split(',')[0]}" cy="${points[0].split(',')[1]}" r="2.5" fill="${s.color}"/>`
    : `<polyline class="line" stroke="${s.color}" points="${points.join(' ')}"/>`)).join('')).join('');
  const marks = (options.marks ?? []).map((i) => `<line class="mark" x1="${f(x.at(i))}" x2="${f(x.at(i))}" y1="${TOP}" y2="${H - BOTTOM}"/>`).join('');
  return `<svg class="chart" viewBox="0 0 ${W} ${H}" role="img" preserveAspectRatio="xMidYMid meet">${grid}${marks}${xLabels}${lines}</svg>`;
}

/** The legend under a chart: a colour swatch and label per series. */
export function legend(series: LineSeries[]): string {
  return series.map((s) => `<span class="key"><i style="background:${s.color}"></i>${escapeHtml(s.label)}</span>`).join(' ');
}

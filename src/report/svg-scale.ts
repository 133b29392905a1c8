/** Maps data values to chart coordinates, linear or log10, with readable tick labels. */
import { formatStat } from './format';

/** The plot box every chart of the report shares (viewBox units): axis labels left and below. */
export const FRAME = { width: 320, height: 150, left: 52, right: 8, top: 8, bottom: 22 } as const;

export interface Scale {
  /** Data value to pixel. */
  at(value: number): number;
  /** A few values worth a grid line, with their labels. */
  ticks: { value: number; label: string }[];
}

/** Finite values of `values` (for log scales, only those > 0). */
export function usable(values: (number | null)[], log: boolean): number[] {
  return values.filter((v): v is number => v !== null && Number.isFinite(v) && (!log || v > 0));
}

/**
 * Smallest and largest of `values` in one loop (spreading a long series into Math.min/max
 * overflows the call stack past about 100k values).
 */
export function extent(values: Iterable<number>): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min, max };
}

/**
 * A scale from [lo, hi] onto [from, to] pixels. A zero-width range is widened so that a
 * constant series draws as a flat line in the middle.
 */
export function scale(lo: number, hi: number, from: number, to: number, log: boolean): Scale {
  let a = log ? Math.log10(lo) : lo;
  let b = log ? Math.log10(hi) : hi;
  if (a === b) {
    const pad = log ? 1 : Math.abs(a) * 0.1 || 1;
    a -= pad;
    b += pad;
  }
  const at = (value: number) => from + ((log ? Math.log10(value) : value) - a) / (b - a) * (to - from);
  const tickValues = log
    ? decades(a, b)
    : [a, (a + b) / 2, b];
  return { at, ticks: tickValues.map((value) => ({ value, label: tickLabel(value) })) };
}

/** Powers of ten inside [10^a, 10^b], at most 5 of them, else the two ends. */
function decades(a: number, b: number): number[] {
  const first = Math.ceil(a);
  const last = Math.floor(b);
  const step = Math.max(1, Math.ceil((last - first + 1) / 5));
  const out: number[] = [];
  for (let e = first; e <= last; e += step) out.push(10 ** e);
  return out.length >= 2 ? out : [10 ** a, 10 ** b];
}

/**
 * A tick label short enough for the axis: exponent form outside [1e-3, 1e5).
 *
 * @example
 * tickLabel(100000000);  // '1e8'
 */
export function tickLabel(value: number): string {
  const magnitude = Math.abs(value);
  if (magnitude !== 0 && (magnitude >= 1e5 || magnitude < 1e-3)) {
    const [mantissa, exponent] = value.toExponential(2).split('e');
    return `${Number(mantissa)}e${Number(exponent)}`;
  }
  return formatStat(value);
}

/** How the CLI and the report write numbers: statistics to 3 significant digits, counts grouped. */
import { formatNumber } from '../alerts/format-number';

/**
 * A statistic, or `-` when absent.
 *
 * @example
 * formatStat(0.0033187);  // '0.00332'
 * formatStat(null);       // '-'
 */
export function formatStat(value: number | null | undefined): string {
  return value === null || value === undefined ? '-' : formatNumber(value);
}

/**
 * A count with thousands separators.
 *
 * @example
 * formatCount(101770);  // '101,770'
 */
export function formatCount(value: number): string {
  return value.toLocaleString('en-US');
}

/**
 * A weight's shape as tfjs prints it.
 *
 * @example
 * formatShape([784, 64]);  // '[784,64]'
 */
export function formatShape(shape: number[]): string {
  return `[${shape.join(',')}]`;
}

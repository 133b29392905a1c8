/**
 * A number as it reads in an alert message: integers below a million in full, others to 3
 * significant digits,
 * very small or very large magnitudes in exponent form. Given `distinctFrom` (the threshold it is
 * compared with), it adds digits until the two no longer read the same, so that a message never
 * says "1000 is above explodeThreshold 1000". Never used for values stored in alerts.
 *
 * @example
 * formatNumber(101770);          // '101770'
 * formatNumber(3.21987);         // '3.22'
 * formatNumber(1e-7);            // '1e-7'
 * formatNumber(0.000345);        // '3.45e-4'
 * formatNumber(1000.5, 1000);    // '1000.5'
 * formatNumber(75943211520);     // '7.59e10'
 */
export function formatNumber(value: number, distinctFrom?: number): string {
  let digits = 3;
  let text = format(value, digits);
  while (distinctFrom !== undefined && distinctFrom !== value && digits < 17
    && text === format(distinctFrom, digits)) {
    digits += 1;
    text = format(value, digits);
  }
  return text;
}

/**
 * An option value as the user wrote it (`String`), e.g. `1e-7`, `0.01`, `1000`.
 *
 * @example
 * formatOption(0.12345);  // '0.12345'
 */
export function formatOption(value: number): string {
  return String(value);
}

function format(value: number, digits: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value) && Math.abs(value) < 1e6) return String(value);
  const magnitude = Math.abs(value);
  if (magnitude >= 1e-3 && magnitude < 1e6) return String(Number(value.toPrecision(digits)));
  const [mantissa, exponent] = value.toExponential(digits - 1).split('e');
  return `${Number(mantissa)}e${Number(exponent)}`;
}

/**
 * A fraction in [0, 1] as a percentage for messages, keeping tiny non-zero shares visible.
 *
 * @example
 * formatPercent(0.125);  // '12.5%'
 * formatPercent(1e-6);   // '0.0001%'
 */
export function formatPercent(fraction: number): string {
  return `${formatNumber(fraction * 100)}%`;
}

/**
 * A count of snapshots for messages.
 *
 * @example
 * formatSnapshots(1);  // '1 snapshot'
 * formatSnapshots(3);  // '3 snapshots'
 */
export function formatSnapshots(count: number): string {
  return `${count} snapshot${count === 1 ? '' : 's'}`;
}

/**
 * Short readable form of any value, for echoing a bad option value in an error message.
 * Strings are quoted so that `'1'` and `1` read differently; long forms are cut.
 *
 * @example
 * describeValue(-1);        // '-1'
 * describeValue('1');       // '"1"'
 * describeValue(/bias$/);   // '/bias$/'
 * describeValue([1, 'a']);  // '[1, "a"]'
 */
export function describeValue(value: unknown): string {
  return truncate(describe(value, 0));
}

const MAX_LENGTH = 80;

function describe(value: unknown, depth: number): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'symbol') return value.toString();
  if (value === null || typeof value !== 'object') return String(value);
  if (value instanceof RegExp) return String(value);
  if (Array.isArray(value)) {
    return depth > 0 ? '[...]' : `[${value.map((item) => describe(item, depth + 1)).join(', ')}]`;
  }
  if (depth > 0) return '{...}';
  const entries = Object.entries(value).map(([key, item]) => `${key}: ${describe(item, depth + 1)}`);
  return `{${entries.join(', ')}}`;
}

function truncate(text: string): string {
  return text.length <= MAX_LENGTH ? text : `${text.slice(0, MAX_LENGTH - 3)}...`;
}

import type { WeightPattern } from './option-types';

/**
 * Whether a weight is watched: it matches `include` (null: every weight) and matches nothing in
 * `exclude`. A string pattern matches the exact name, a RegExp is tested against it.
 *
 * @example
 * isWatched('dense_Dense1/bias', null, [/\/bias$/]);            // false
 * isWatched('dense_Dense1/kernel', ['dense_Dense1/kernel'], []); // true
 */
export function isWatched(
  name: string,
  include: readonly WeightPattern[] | null,
  exclude: readonly WeightPattern[],
): boolean {
  return (include === null || matchesAny(name, include)) && !matchesAny(name, exclude);
}

function matchesAny(name: string, patterns: readonly WeightPattern[]): boolean {
  return patterns.some((pattern) => (typeof pattern === 'string' ? pattern === name : pattern.test(name)));
}

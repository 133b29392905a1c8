/**
 * Which weight of run a is which weight of run b. By name first; then, for the rest, by name
 * without tfjs's uniquifying suffixes (`hidden/kernel_1` is `hidden/kernel` when a second model
 * was built in the same process), where that name is unique in both runs.
 */
import type { WeightRecord } from '../history-types';

/** A weight and its counterpart; a side is null when the other run has no such weight. */
export interface WeightPair {
  a: WeightRecord | null;
  b: WeightRecord | null;
}

/**
 * A weight name without the `_N` suffixes tfjs appends to repeated layer and variable names.
 *
 * @example
 * baseName('hidden_1/kernel_2');  // 'hidden/kernel'
 */
export function baseName(name: string): string {
  return name.replace(/_\d+(?=\/|$)/g, '');
}

function uniqueByBase(weights: WeightRecord[]): Map<string, WeightRecord> {
  const counts = new Map<string, number>();
  for (const w of weights) counts.set(baseName(w.name), (counts.get(baseName(w.name)) ?? 0) + 1);
  return new Map(weights.filter((w) => counts.get(baseName(w.name)) === 1).map((w) => [baseName(w.name), w]));
}

/** Pairs in run a's order, then the weights only run b has. */
export function pairWeights(a: WeightRecord[], b: WeightRecord[]): WeightPair[] {
  const byName = new Map(b.map((w) => [w.name, w]));
  const taken = new Set<WeightRecord>();
  const pairs: WeightPair[] = a.map((w) => {
    const other = byName.get(w.name) ?? null;
    if (other !== null) taken.add(other);
    return { a: w, b: other };
  });
  const restA = pairs.filter((p) => p.b === null).map((p) => p.a!);
  const restB = b.filter((w) => !taken.has(w));
  const baseA = uniqueByBase(restA);
  const baseB = uniqueByBase(restB);
  for (const pair of pairs) {
    if (pair.b !== null) continue;
    const key = baseName(pair.a!.name);
    const other = baseA.get(key) === pair.a ? baseB.get(key) : undefined;
    if (other !== undefined) {
      pair.b = other;
      taken.add(other);
    }
  }
  for (const w of b) if (!taken.has(w)) pairs.push({ a: null, b: w });
  return pairs;
}

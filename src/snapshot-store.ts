/**
 * Keeps, per weight, a copy of its previous and of its initial value so that each snapshot can
 * measure drift. A copy is a `tf.clone`: a new tensor on the same buffer, which stays as it was
 * because tfjs variables never write in place (`assign` moves the variable to a new buffer).
 * Copies are disposed when replaced and by `dispose()`.
 */
import * as tf from '@tensorflow/tfjs';
import type { WeightStats } from './history-types';
import type { StatsConfig } from './stats';
import { measureWith, StatsOn } from './stats-path';

interface Kept {
  previous: tf.Tensor;
  previousL2: number | null;
  initial: tf.Tensor;
  initialL2: number | null;
}

export class SnapshotStore {
  private readonly kept = new Map<string, Kept>();

  constructor(private readonly config: StatsConfig, private readonly statsOn: StatsOn = 'auto') {}

  /** Measures the given weights against their kept copies, then keeps their current values. */
  async measure(weights: { name: string; value: tf.Tensor }[]): Promise<Record<string, WeightStats>> {
    const stats = await measureWith(
      this.statsOn,
      weights.map(({ name, value }) => {
        const kept = this.kept.get(name);
        return kept ? { value, ...kept } : { value };
      }),
      this.config,
    );
    const result: Record<string, WeightStats> = {};
    weights.forEach(({ name, value }, i) => {
      result[name] = stats[i];
      const kept = this.kept.get(name);
      if (kept) {
        kept.previous.dispose();
        kept.previous = tf.clone(value);
        kept.previousL2 = stats[i].l2Norm;
      } else {
        const l2 = stats[i].l2Norm;
        this.kept.set(name, { previous: tf.clone(value), previousL2: l2, initial: tf.clone(value), initialL2: l2 });
      }
    });
    return result;
  }

  /** Idempotent. */
  dispose(): void {
    for (const kept of this.kept.values()) {
      kept.previous.dispose();
      kept.initial.dispose();
    }
    this.kept.clear();
  }
}

import type { Alert } from '../history-types';

/** What to report for one condition at one snapshot. */
export interface ConditionStep {
  status: Alert['status'];
  /** Snapshots in a row the condition has held (for `cleared`: how long it held). */
  count: number;
}

/**
 * Lifecycle of ongoing conditions, one per key (alert kind and weight): report when it starts,
 * remind every `reminderEvery` snapshots while it holds (counts 1 + k x reminderEvery), report
 * when it clears; stay silent otherwise.
 *
 * @example
 * const tracker = new ConditionTracker(10);
 * tracker.step('drift|w', true);   // { status: 'started', count: 1 }
 * tracker.step('drift|w', true);   // null (count 2)
 * tracker.step('drift|w', false);  // { status: 'cleared', count: 2 }
 */
export class ConditionTracker {
  private readonly counts = new Map<string, number>();

  /** @param reminderEvery Snapshots between reminders; 0: no reminders. */
  constructor(private readonly reminderEvery: number) {}

  /** Record whether the condition holds at this snapshot; returns what to report, if anything. */
  step(key: string, holds: boolean): ConditionStep | null {
    const previous = this.counts.get(key);
    if (!holds) {
      if (previous === undefined) return null;
      this.counts.delete(key);
      return { status: 'cleared', count: previous };
    }
    const count = (previous ?? 0) + 1;
    this.counts.set(key, count);
    if (count === 1) return { status: 'started', count };
    const remind = this.reminderEvery > 0 && (count - 1) % this.reminderEvery === 0;
    return remind ? { status: 'ongoing', count } : null;
  }

  /** Keys of the conditions currently holding. */
  activeKeys(): string[] {
    return [...this.counts.keys()];
  }

  /** Whether the condition is currently reported as holding. */
  isActive(key: string): boolean {
    return this.counts.has(key);
  }
}

/**
 * The `output` file: the history document rewritten atomically as training goes, on a time
 * budget so that the cost per snapshot stays a small constant however long the run: a write
 * waits until `costFactor` times the last write's duration has passed (at most 1/costFactor of
 * the time spent writing) and, unless urgent, until `minIntervalMs` has (at most one a second).
 */
import { writeFileAtomic } from '../files/atomic-write';

export const OUTPUT_MIN_INTERVAL_MS = 1000;
export const OUTPUT_COST_FACTOR = 50;

export interface WriteOutcome {
  /** Whether the file now holds the text. */
  ok: boolean;
  /** Set when this write failed and the previous one (if any) had worked: log it once. */
  failed?: string;
  /** Set when this write worked after failures: the file is current again. */
  recovered?: boolean;
}

export class HistoryFile {
  private lastWriteEnd = -Infinity;
  private lastWriteMs = 0;
  private failing = false;
  /** Total time spent in writes, and how many: for the README's cost figures. */
  totalWriteMs = 0;
  writes = 0;

  constructor(readonly file: string, private readonly now: () => number = () => performance.now()) {}

  /**
   * Whether a write is due now: `'budget'` waits for both limits; `'soon'` (an alert started, a
   * `fit` ended) only for the cost limit, so that these, however frequent, cost at most 1/costFactor.
   */
  due(urgency: 'budget' | 'soon' = 'budget'): boolean {
    return this.wait(urgency) <= 0;
  }

  /** Milliseconds until a write of this urgency is due (0 or less: now). */
  wait(urgency: 'budget' | 'soon' = 'budget'): number {
    const elapsed = this.now() - this.lastWriteEnd;
    const cost = OUTPUT_COST_FACTOR * this.lastWriteMs;
    return (urgency === 'soon' ? cost : Math.max(OUTPUT_MIN_INTERVAL_MS, cost)) - elapsed;
  }

  /** Writes `text()` now. Never throws: a failure is returned once, until a write works again. */
  write(text: () => string | Iterable<string>): WriteOutcome {
    const start = this.now();
    try {
      writeFileAtomic(this.file, text());
    } catch (error) {
      this.lastWriteEnd = this.now();
      const first = !this.failing;
      this.failing = true;
      return first ? { ok: false, failed: (error as Error).message } : { ok: false };
    } finally {
      this.lastWriteMs = this.now() - start;
      this.totalWriteMs += this.lastWriteMs;
      this.writes += 1;
    }
    this.lastWriteEnd = this.now();
    const recovered = this.failing;
    this.failing = false;
    return recovered ? { ok: true, recovered } : { ok: true };
  }
}

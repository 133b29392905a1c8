/**
 * With the measuring worker, a snapshot's events come from two places: its statistics and the
 * histograms due from the worker's tap (../stats/measure-tap.ts), labelled by the training thread
 * (./tensorboard-output.ts `label`); its alerts, gradients and any other event from the ring the
 * training thread fills (./write-ring.ts). This writes both in the order the monitor recorded
 * them, as one source would: each ring entry says how many of the tap's measurements the training
 * thread had recorded when it made the entry (./step-codec.ts `TAP_BEFORE`), and those are
 * written before it. They are in the tap by then: the worker publishes a measurement before it
 * answers it, and the ring's head is read before the tap's.
 */
import { KIND_ROWS, ROWS_LABEL, RowsDecoder, type TapReader, type TappedMeasurement } from '../stats/measure-tap';
import type { SlotRing } from '../threads/slot-ring';
import type { StepRecords } from './event-writer';
import { KIND_STEP, StepDecoder, TAP_BEFORE, type DecodedStep } from './step-codec';

/** The label's flags: the measurement's histograms are due. */
const HISTOGRAMS = 1;

/**
 * The label of a measurement to be written at `step` with `wallTime` (seconds), with its
 * histograms or without; in the writer's ring, `tapBefore` as a step entry's (./step-codec.ts).
 */
export function tapLabel(into: Float64Array, step: number, wallTime: number, histograms: boolean, tapBefore = 0): Float64Array {
  into[0] = step;
  into[1] = wallTime;
  into[2] = histograms ? HISTOGRAMS : 0;
  into[3] = tapBefore;
  return into;
}

/** How many of the tap's measurements go before a ring entry. */
function tapBeforeOf(slots: Float64Array, start: number): number {
  const kind = slots[start + 1];
  if (kind === KIND_STEP) return slots[start + TAP_BEFORE];
  return kind === KIND_ROWS ? slots[start + ROWS_LABEL + 3] : 0;
}

/**
 * The writer's ring holds step entries (./step-codec.ts) and, for snapshots measured on the
 * training thread, names and rows entries (../stats/measure-tap.ts): this reads either.
 */
export class RingEntries {
  private readonly steps = new StepDecoder();
  private readonly rows: RowsDecoder;

  constructor(bins: number) {
    this.rows = new RowsDecoder(bins);
  }

  /** The event of the entry at `start`, or null for an entry that only names weights. */
  decode(slots: Float64Array, start: number): DecodedStep | null {
    if (slots[start + 1] === KIND_STEP) return this.steps.decode(slots, start);
    const measurement = this.rows.decode(slots, start);
    return measurement === null ? null : tappedStep(measurement);
  }
}

/** What to write for a measurement read from the tap. */
export function tappedStep({ label, stats }: TappedMeasurement): { step: number; wallTime: number; records: StepRecords } {
  const [step, wallTime, flags] = label;
  return { step, wallTime, records: { scalars: stats, histograms: (flags & HISTOGRAMS) !== 0 ? stats : undefined } };
}

export class TapMerge {
  private tapWritten = 0;

  constructor(private readonly ring: SlotRing, private readonly tap: TapReader | null) {}

  /** Hands every entry and measurement published so far to `entry` and `tapped`, in order. */
  drain(entry: (slots: Float64Array, start: number) => void, tapped: (measurement: TappedMeasurement) => void): void {
    const until = this.ring.head;
    const tap = this.tap;
    if (tap === null) {
      this.ring.drain(entry, until);
      return;
    }
    const tapUntil = tap.head;
    this.ring.drain((slots, start) => {
      const before = tapBeforeOf(slots, start);
      if (this.tapWritten < before) this.tapWritten += tap.drain(tapped, tapUntil, before - this.tapWritten);
      entry(slots, start);
    }, until);
    this.tapWritten += tap.drain(tapped, tapUntil);
  }
}

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
import type { TapReader, TappedMeasurement } from '../stats/measure-tap';
import type { SlotRing } from '../threads/slot-ring';
import type { StepRecords } from './event-writer';
import { TAP_BEFORE } from './step-codec';

/** The label's flags: the measurement's histograms are due. */
const HISTOGRAMS = 1;

/** The label of a measurement to be written at `step` with `wallTime` (seconds), with its histograms or without. */
export function tapLabel(into: Float64Array, step: number, wallTime: number, histograms: boolean): Float64Array {
  into[0] = step;
  into[1] = wallTime;
  into[2] = histograms ? HISTOGRAMS : 0;
  return into;
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
      const before = slots[start + TAP_BEFORE];
      if (this.tapWritten < before) this.tapWritten += tap.drain(tapped, tapUntil, before - this.tapWritten);
      entry(slots, start);
    }, until);
    this.tapWritten += tap.drain(tapped, tapUntil);
  }
}

/**
 * The shared memory between the training thread and the TensorBoard writer thread: a ring of
 * float64 slots holding encoded steps (./step-codec.ts; the ring itself is
 * ../threads/slot-ring.ts), with the writer's own control slots and statistics. The producer (the
 * training thread) never wakes the consumer (the writer) except to close or when the ring is
 * full; the consumer polls.
 */
import type { MessagePort } from 'worker_threads';
import type { TapBuffers } from '../stats/measure-tap';
import { HEAD, RING_CONTROL_SLOTS, SlotRing, TAIL, ringCapacity } from '../threads/slot-ring';
import type { EventFileHandle } from './event-file';

export { HEAD, TAIL, ringCapacity };

// The writer's control block slots (int32), after the ring's HEAD and TAIL.
/** OPEN, CLOSING (the producer asks the consumer to drain and close the file) or CLOSED (done). */
export const STATE = RING_CONTROL_SLOTS;
/** 0; LOAD_FAILED when the writer could not start (the file is untouched); WRITE_FAILED when a write failed. */
export const FAILED = RING_CONTROL_SLOTS + 1;
/** Bumped with a notify when the producer wants the consumer awake now (closing, a full ring). */
export const SIGNAL = RING_CONTROL_SLOTS + 2;
export const CONTROL_SLOTS = RING_CONTROL_SLOTS + 3;

export const OPEN = 0;
export const CLOSING = 1;
export const CLOSED = 2;
export const LOAD_FAILED = 1;
export const WRITE_FAILED = 2;

/**
 * Writer statistics (float64, written by the writer only, and apart from the control block, which
 * the training thread reads after every snapshot): bytes in the file, ms spent decoding and
 * writing, polls, the thread's CPU time from start to close (Linux; NaN elsewhere), events written.
 */
export const STAT_BYTES = 0;
export const STAT_WRITE_MS = 1;
export const STAT_POLLS = 2;
export const STAT_CPU_MS = 3;
export const STAT_WRITTEN = 4;
export const STAT_SLOTS = 5;

/** The buffers, as sent to the writer thread. */
export interface RingBuffers {
  control: SharedArrayBuffer;
  slots: SharedArrayBuffer;
  stats: SharedArrayBuffer;
}

/** Marks the writer's `workerData`, so that loading its script elsewhere does nothing. */
export const WRITER_TAG = 'tfjs-param-monitor/tensorboard-writer';

/** What the writer thread starts with (its `workerData`). */
export interface WriterSetup {
  tag: typeof WRITER_TAG;
  file: EventFileHandle;
  ring: RingBuffers;
  /** Where the writer says why it stopped. */
  port: MessagePort;
  /**
   * The measuring worker's tap (../stats/measure-tap.ts), when the monitor measures there: the
   * snapshots' statistics come straight from it, and the writer reads it before the ring.
   */
  tap: TapBuffers | null;
  /** The histograms' bin count (rows entries, ../stats/measure-tap.ts). */
  bins: number;
}

export class WriteRing extends SlotRing {
  readonly stats: Float64Array;

  constructor(readonly buffers: RingBuffers) {
    super(buffers.control, buffers.slots);
    this.stats = new Float64Array(buffers.stats);
  }

  /** A new ring of `capacity` slots (a power of two). */
  static create(capacity: number): WriteRing {
    return new WriteRing({
      control: new SharedArrayBuffer(CONTROL_SLOTS * 4),
      slots: new SharedArrayBuffer(capacity * 8),
      stats: new SharedArrayBuffer(STAT_SLOTS * 8),
    });
  }

  /** Wakes the consumer now. */
  signal(): void {
    Atomics.add(this.control, SIGNAL, 1);
    Atomics.notify(this.control, SIGNAL);
  }
}

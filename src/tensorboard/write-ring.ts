/**
 * The shared memory between the training thread and the TensorBoard writer thread: a ring of
 * float64 slots holding encoded steps (./step-codec.ts) and a control block of int32 counters.
 * One producer (the training thread) and one consumer (the writer): the producer copies an entry
 * in and moves HEAD; the consumer writes the entry to the file, then moves TAIL, so the slots of
 * an entry are reused only once it is in the file. The producer never wakes the consumer (waking
 * a thread is a system call, the cost this ring exists to avoid); the consumer polls.
 *
 * Positions count slots and wrap as int32; the capacity is a power of two, so a position's slot
 * is `position & mask`. An entry never wraps: when it does not fit before the end, a WRAP slot
 * says "go on at slot 0".
 */
import type { MessagePort } from 'worker_threads';
import type { EventFileHandle } from './event-file';

/** Control block slots (int32). */
export const HEAD = 0;
export const TAIL = 1;
/** OPEN, CLOSING (the producer asks the consumer to drain and close the file) or CLOSED (done). */
export const STATE = 2;
/** 0; LOAD_FAILED when the writer could not start (the file is untouched); WRITE_FAILED when a write failed. */
export const FAILED = 3;
/** Entries written to the file. */
export const WRITTEN = 4;
/** Bumped with a notify when the producer wants the consumer awake now (closing, a full ring). */
export const SIGNAL = 5;
export const CONTROL_SLOTS = 6;

export const OPEN = 0;
export const CLOSING = 1;
export const CLOSED = 2;
export const LOAD_FAILED = 1;
export const WRITE_FAILED = 2;

/**
 * Writer statistics (float64, written by the writer only): bytes in the file, ms spent decoding
 * and writing, polls, and the thread's CPU time from start to close (Linux; NaN elsewhere).
 */
export const STAT_BYTES = 0;
export const STAT_WRITE_MS = 1;
export const STAT_POLLS = 2;
export const STAT_CPU_MS = 3;
export const STAT_SLOTS = 4;

/** A slot that says the rest of the ring is unused up to its end. */
const WRAP = -1;

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
}

/** The ring's capacity for entries of about `entrySlots`: room for 64 of them, at least 65,536 slots (512 KB). */
export function ringCapacity(entrySlots: number): number {
  let capacity = 1 << 16;
  while (capacity < 64 * entrySlots) capacity *= 2;
  return capacity;
}

export class WriteRing {
  readonly control: Int32Array;
  readonly slots: Float64Array;
  readonly stats: Float64Array;
  /** The slots' bytes (text is packed into slots). */
  readonly bytes: Uint8Array;
  private readonly mask: number;

  constructor(readonly buffers: RingBuffers) {
    this.control = new Int32Array(buffers.control);
    this.slots = new Float64Array(buffers.slots);
    this.bytes = new Uint8Array(buffers.slots);
    this.stats = new Float64Array(buffers.stats);
    const capacity = this.slots.length;
    if (capacity < 2 || (capacity & (capacity - 1)) !== 0) throw new RangeError(`the ring's capacity must be a power of two, but got ${capacity}`);
    this.mask = capacity - 1;
  }

  /** A new ring of `capacity` slots (a power of two). */
  static create(capacity: number): WriteRing {
    return new WriteRing({
      control: new SharedArrayBuffer(CONTROL_SLOTS * 4),
      slots: new SharedArrayBuffer(capacity * 8),
      stats: new SharedArrayBuffer(STAT_SLOTS * 8),
    });
  }

  get capacity(): number {
    return this.slots.length;
  }

  /** The largest entry the ring takes. */
  get largestEntry(): number {
    return this.capacity / 2;
  }

  /** Whether entries are waiting for the consumer. */
  get pending(): boolean {
    return Atomics.load(this.control, HEAD) !== Atomics.load(this.control, TAIL);
  }

  /**
   * Producer: copies `entry` into the ring if there is room. Returns false when there is not (the
   * consumer is behind); entries longer than {@link largestEntry} never fit.
   */
  tryPublish(entry: Float64Array): boolean {
    const n = entry.length;
    if (n > this.largestEntry) return false;
    const head = Atomics.load(this.control, HEAD);
    const used = (head - Atomics.load(this.control, TAIL)) | 0;
    const at = head & this.mask;
    const toEnd = this.capacity - at;
    const wraps = n > toEnd;
    if ((wraps ? n + toEnd : n) > this.capacity - used) return false;
    let position = head;
    if (wraps) {
      this.slots[at] = WRAP;
      position = (position + toEnd) | 0;
    }
    this.slots.set(entry, position & this.mask);
    Atomics.store(this.control, HEAD, (position + n) | 0);
    return true;
  }

  /**
   * Producer, writing in place: the slot where the next entry starts and how many slots it may
   * take from there (free and before the ring's end). Write the entry there, then {@link commit}.
   */
  freeRun(): { at: number; room: number } {
    const head = Atomics.load(this.control, HEAD);
    const used = (head - Atomics.load(this.control, TAIL)) | 0;
    const at = head & this.mask;
    return { at, room: Math.min(this.capacity - at, this.capacity - used) };
  }

  /** Producer: publishes the `n`-slot entry written at {@link freeRun}'s slot. */
  commit(n: number): void {
    Atomics.store(this.control, HEAD, (Atomics.load(this.control, HEAD) + n) | 0);
  }

  /**
   * Consumer: calls `each` with the slots and the start of every entry published, in order, and
   * frees each entry's slots after `each` returns (not when it throws: that entry stays). Returns
   * how many entries it handled.
   */
  drain(each: (slots: Float64Array, start: number) => void): number {
    const head = Atomics.load(this.control, HEAD);
    let tail = Atomics.load(this.control, TAIL);
    let handled = 0;
    while (tail !== head) {
      const at = tail & this.mask;
      const n = this.slots[at];
      if (n === WRAP) {
        tail = (tail + this.capacity - at) | 0;
      } else {
        each(this.slots, at);
        tail = (tail + n) | 0;
        handled += 1;
      }
      Atomics.store(this.control, TAIL, tail);
    }
    return handled;
  }

  /** Wakes the consumer now. */
  signal(): void {
    Atomics.add(this.control, SIGNAL, 1);
    Atomics.notify(this.control, SIGNAL);
  }
}

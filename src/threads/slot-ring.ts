/**
 * A ring of float64 slots in shared memory, with one producer thread and one consumer thread:
 * the producer copies an entry in and moves HEAD; the consumer handles the entry, then moves
 * TAIL, so the slots of an entry are reused only once the consumer is done with it. Nobody is
 * woken: waking a thread is a system call, the cost these rings exist to keep off the training
 * thread; the consumer polls. Used by the TensorBoard writer (src/tensorboard/write-ring.ts) and
 * the measuring worker's tap (src/stats/measure-tap.ts).
 *
 * Positions count slots and wrap as int32; the capacity is a power of two, so a position's slot
 * is `position & mask`. An entry never wraps: when it does not fit before the end, a WRAP slot
 * says "go on at slot 0". An entry's first slot is its length.
 */

/**
 * Control block slots (int32) every ring has; a ring may add its own after them. HEAD (written by
 * the producer) and TAIL (by the consumer) are 64 bytes apart, and apart from the ring's own slots,
 * so that neither side's writes move a cache line the other side's next step needs.
 */
export const HEAD = 0;
export const TAIL = 16;
export const RING_CONTROL_SLOTS = 32;

/** A slot that says the rest of the ring is unused up to its end. */
const WRAP = -1;

/** The capacity for entries of about `entrySlots`: room for 64 of them, at least 65,536 slots (512 KB). */
export function ringCapacity(entrySlots: number): number {
  let capacity = 1 << 16;
  while (capacity < 64 * entrySlots) capacity *= 2;
  return capacity;
}

export class SlotRing {
  readonly control: Int32Array;
  readonly slots: Float64Array;
  /** The slots' bytes (text is packed into slots). */
  readonly bytes: Uint8Array;
  private readonly mask: number;
  /**
   * The producer's own copies: HEAD, which only it writes, and TAIL as last read, re-read only
   * when the room it leaves is too small. A training thread that hands an entry over after every
   * snapshot then reads no line the consumer writes.
   */
  private ownHead: number;
  private tailSeen: number;

  /** @param control at least {@link RING_CONTROL_SLOTS} int32 slots @param slots a power of two of float64 slots */
  constructor(control: SharedArrayBuffer, slots: SharedArrayBuffer) {
    this.control = new Int32Array(control);
    this.slots = new Float64Array(slots);
    this.bytes = new Uint8Array(slots);
    const capacity = this.slots.length;
    if (capacity < 2 || (capacity & (capacity - 1)) !== 0) throw new RangeError(`the ring's capacity must be a power of two, but got ${capacity}`);
    if (this.control.length < RING_CONTROL_SLOTS) throw new RangeError(`the ring's control block needs ${RING_CONTROL_SLOTS} slots, but got ${this.control.length}`);
    this.mask = capacity - 1;
    this.ownHead = Atomics.load(this.control, HEAD);
    this.tailSeen = Atomics.load(this.control, TAIL);
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

  /** Where the producer has got to: pass it to {@link drain} to handle only what was published until now. */
  get head(): number {
    return Atomics.load(this.control, HEAD);
  }

  /**
   * Producer: copies `entry` into the ring if there is room. Returns false when there is not (the
   * consumer is behind); entries longer than {@link largestEntry} never fit.
   */
  tryPublish(entry: Float64Array): boolean {
    const n = entry.length;
    if (n > this.largestEntry) return false;
    const head = this.ownHead;
    const at = head & this.mask;
    const toEnd = this.capacity - at;
    const wraps = n > toEnd;
    if ((wraps ? n + toEnd : n) > this.free(wraps ? n + toEnd : n)) return false;
    let position = head;
    if (wraps) {
      this.slots[at] = WRAP;
      position = (position + toEnd) | 0;
    }
    this.slots.set(entry, position & this.mask);
    this.publish((position + n) | 0);
    return true;
  }

  /**
   * Producer, writing in place: the first slot of the next entry ({@link freeAt}) and how many
   * slots it may take from there, free and before the ring's end, when at least `wanted` are
   * (else the room there, perhaps less). Write the entry there, then {@link commit}.
   */
  freeRoom(wanted: number): number {
    return Math.min(this.capacity - (this.ownHead & this.mask), this.free(wanted));
  }

  /** Producer: the slot where the next entry written in place starts. */
  get freeAt(): number {
    return this.ownHead & this.mask;
  }

  /** Producer: publishes the `n`-slot entry written at {@link freeAt}. */
  commit(n: number): void {
    this.publish((this.ownHead + n) | 0);
  }

  /** Free slots, TAIL re-read only when the last reading leaves fewer than `wanted`. */
  private free(wanted: number): number {
    let free = this.capacity - ((this.ownHead - this.tailSeen) | 0);
    if (free < wanted) {
      this.tailSeen = Atomics.load(this.control, TAIL);
      free = this.capacity - ((this.ownHead - this.tailSeen) | 0);
    }
    return free;
  }

  private publish(head: number): void {
    this.ownHead = head;
    Atomics.store(this.control, HEAD, head);
  }

  /**
   * Consumer: calls `each` with the slots and the start of every entry published (up to `until`,
   * a {@link head} read earlier, when given), in order, and frees each entry's slots after `each`
   * returns (not when it throws: that entry stays). `each` returning false stops the drain
   * before that entry, which stays too. Returns how many entries it handled.
   */
  drain(each: (slots: Float64Array, start: number) => unknown, until = this.head): number {
    let tail = Atomics.load(this.control, TAIL);
    let handled = 0;
    while (tail !== until) {
      const at = tail & this.mask;
      const n = this.slots[at];
      if (n === WRAP) {
        tail = (tail + this.capacity - at) | 0;
      } else {
        if (each(this.slots, at) === false) break;
        tail = (tail + n) | 0;
        handled += 1;
      }
      Atomics.store(this.control, TAIL, tail);
    }
    return handled;
  }
}

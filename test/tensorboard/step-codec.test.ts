/**
 * What the training thread hands the TensorBoard writer thread: a step's records encoded as
 * float64 slots and decoded back equal (null and NaN kept apart, names sent once, UTF-8 text),
 * through the shared ring, whose entries come out whole and in order across its wrap, and which
 * refuses an entry when it is full rather than overwrite one not yet written.
 */
import { StepDecoder, StepEncoder, type StepEntryRecords } from '../../src/tensorboard/step-codec';
import { HEAD, TAIL, WriteRing, ringCapacity } from '../../src/tensorboard/write-ring';
import { pollInterval, MAX_POLL_MS, MIN_POLL_MS } from '../../src/tensorboard/write-worker';
import { mulberry32 } from '../helpers/reference';
import { expectNoLeaks } from '../helpers/tensor-leaks';

/** Records as the decoder gives them back (the statistics go as rows: ../stats/measure-tap.test.ts). */
const records: StepEntryRecords = {
  gradients: { 'dense_Dense1/kernel': { l2Norm: 2, maxNorm: null, meanNorm: NaN, updateRatio: 1e-300 }, 'dense_Dense1/bias': { l2Norm: -Infinity, maxNorm: 0, meanNorm: null, updateRatio: null } },
  histograms: {
    'dense_Dense1/kernel': { histogram: { min: -1e38, max: 3.4e38, counts: [1, 0, 7] } },
    'dense_Dense1/bias': { histogram: { min: null, max: null, counts: [0, 0, 0] } },
  },
  gradientHistograms: { 'dense_Dense1/kernel': { histogram: { min: 0, max: 0, counts: [4] } } },
  alertLines: ['error non-finite started: NaN in dense_Dense1/kernel', 'warn drift started: 🙂 é — 权重 moved', ''],
};

describe('the step codec', () => {
  expectNoLeaks();

  it('decodes what it encodes: values, null apart from NaN and Infinity, histograms, text', () => {
    const entry = new StepEncoder().encode(12, 1700000000.125, records);
    expect(entry[0]).toBe(entry.length);
    const decoded = new StepDecoder().decode(entry, 0);
    expect(decoded.step).toBe(12);
    expect(decoded.wallTime).toBe(1700000000.125);
    expect(decoded.records).toEqual(records);
    expect(Object.is(decoded.records.gradients!['dense_Dense1/kernel'].meanNorm, NaN)).toBe(true);
    expect(decoded.records.gradients!['dense_Dense1/kernel'].maxNorm).toBeNull();
  });

  it('sends a name once, the first time it appears, and refers to it by number after', () => {
    const encoder = new StepEncoder();
    const decoder = new StepDecoder();
    const first = Float64Array.from(encoder.encode(0, 1, records));
    const second = encoder.encode(1, 2, records);
    // Each new name: its length and its UTF-8 bytes in 3 slots, after its number.
    expect(second.length).toBe(first.length - 2 * 4);
    expect(decoder.decode(first, 0).records).toEqual(records);
    expect(decoder.decode(second, 0).records).toEqual(records);
    // A decoder that missed the first entry cannot name the weights of the second.
    expect(() => new StepDecoder().decode(second, 0)).toThrow(/names weight \d before defining it/);
  });

  it('encodes in place where there is room, and leaves no trace where there is not', () => {
    const encoder = new StepEncoder();
    const reference = Float64Array.from(new StepEncoder().encode(5, 9, records));
    // Zeros, as the encoder's own array starts: the unused bytes of a text's last slot are left as found.
    const target = new Float64Array(1000);
    target[99] = -7;
    const bytes = new Uint8Array(target.buffer);
    // Too little room: nothing kept, not even the names' numbers.
    expect(encoder.encodeInto(target, bytes, 100, reference.length - 1, 5, 9, records)).toBe(0);
    expect(encoder.encodeInto(target, bytes, 100, 3, 5, 9, records)).toBe(0);
    // Enough: the same slots as the encoder's own array, the names defined as in a first entry.
    expect(encoder.encodeInto(target, bytes, 100, reference.length, 5, 9, records)).toBe(reference.length);
    expect(Array.from(target.subarray(100, 100 + reference.length))).toEqual(Array.from(reference));
    expect(target[99]).toBe(-7);
    expect(new StepDecoder().decode(target, 100).records).toEqual(records);
    // The names now known: the next entry refers to them by number.
    expect(encoder.encode(6, 9, records).length).toBe(reference.length - 2 * 4);
  });

  it('encodes an empty step, and refuses a step that is not an integer >= 0', () => {
    const encoder = new StepEncoder();
    expect(new StepDecoder().decode(encoder.encode(0, 1, {}), 0).records).toEqual({});
    for (const step of [-1, 1.5, NaN]) expect(() => encoder.encode(step, 1, {})).toThrow(/a TensorBoard step must be an integer >= 0, but got/);
  });

  it('grows its array for a step larger than it (400 weights of 100 bins)', () => {
    const many: StepEntryRecords = { histograms: {} };
    for (let i = 0; i < 400; i += 1) (many.histograms as Record<string, unknown>)[`w${i}`] = { histogram: { min: 0, max: 1, counts: Array.from({ length: 100 }, (_, j) => j + i) } };
    const entry = new StepEncoder().encode(3, 1, many);
    expect(entry.length).toBeGreaterThan(400 * 100);
    expect(new StepDecoder().decode(entry, 0).records).toEqual(many);
  });
});

describe('the write ring', () => {
  expectNoLeaks();

  const entryOf = (n: number, fill: number) => {
    const entry = new Float64Array(n).fill(fill);
    entry[0] = n;
    return entry;
  };

  it('gives entries back whole and in order across many wraps, with random sizes', () => {
    const ring = WriteRing.create(64);
    const random = mulberry32(7);
    const sent: number[][] = [];
    const got: number[][] = [];
    const take = () => ring.drain((slots, start) => { got.push(Array.from(slots.subarray(start, start + slots[start]))); });
    for (let i = 0; i < 2000; i += 1) {
      const entry = entryOf(2 + Math.floor(random() * 20), i);
      if (!ring.tryPublish(entry)) {
        take();
        expect(ring.tryPublish(entry)).toBe(true);
      }
      sent.push(Array.from(entry));
      if (random() < 0.3) take();
    }
    take();
    expect(got).toEqual(sent);
    expect(ring.pending).toBe(false);
  });

  it('takes entries written in place at its free run, in order with published ones', () => {
    const ring = WriteRing.create(16);
    expect(ring.tryPublish(entryOf(6, 1))).toBe(true);
    const freeRun = () => ({ at: ring.freeAt, room: ring.freeRoom(ring.capacity) });
    const { at, room } = freeRun();
    expect({ at, room }).toEqual({ at: 6, room: 10 });
    ring.slots.set(entryOf(4, 2), at);
    ring.commit(4);
    expect(freeRun()).toEqual({ at: 10, room: 6 });
    const got: number[] = [];
    ring.drain((slots, start) => got.push(slots[start + 1]));
    expect(got).toEqual([1, 2]);
    // Free again up to the ring's end (the run stops there; the next entry may wrap).
    expect(freeRun()).toEqual({ at: 10, room: 6 });
  });

  it('refuses an entry when full, and one larger than half of it, rather than overwrite', () => {
    const ring = WriteRing.create(16);
    expect(ring.tryPublish(entryOf(9, 1))).toBe(false); // larger than half
    expect(ring.tryPublish(entryOf(8, 1))).toBe(true);
    expect(ring.tryPublish(entryOf(6, 2))).toBe(true);
    expect(ring.tryPublish(entryOf(3, 3))).toBe(false); // 14 of 16 slots used
    expect(Atomics.load(ring.control, HEAD)).toBe(14);
    const got: number[] = [];
    ring.drain((slots, start) => got.push(slots[start + 1]));
    expect(got).toEqual([1, 2]);
    expect(Atomics.load(ring.control, TAIL)).toBe(14);
    // 2 slots left before the end: the next entry wraps to slot 0.
    expect(ring.tryPublish(entryOf(3, 3))).toBe(true);
    expect(Atomics.load(ring.control, HEAD)).toBe(19);
  });

  it('keeps an entry whose write threw, for the next drain', () => {
    const ring = WriteRing.create(16);
    ring.tryPublish(entryOf(4, 1));
    expect(() => ring.drain(() => { throw new Error('EFBIG'); })).toThrow('EFBIG');
    expect(ring.pending).toBe(true);
    expect(ring.drain(() => undefined)).toBe(1);
  });

  it('is sized for 64 entries of the first step, at least 65,536 slots, a power of two', () => {
    expect(ringCapacity(300)).toBe(65536);
    expect(ringCapacity(5000)).toBe(524288);
    expect(() => WriteRing.create(100)).toThrow(/a power of two, but got 100/);
  });
});

describe('the writer\'s poll interval', () => {
  it('is a quarter of the time between two snapshots, from 10 ms to 250 ms', () => {
    expect([MIN_POLL_MS, MAX_POLL_MS]).toEqual([10, 250]);
    expect(pollInterval(0.0005)).toBe(10);
    expect(pollInterval(0.2)).toBe(50);
    expect(pollInterval(30)).toBe(250);
  });
});

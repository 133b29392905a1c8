/**
 * The training thread's side of the TensorBoard writer thread (./write-worker.ts). A write on the
 * training thread costs about a quarter of a snapshot of the demo model on these machines, most
 * of it the system call (docs/tensorboard.md, Cost); here a snapshot's events cost the copy of
 * its numbers into shared memory (./step-codec.ts, ./write-ring.ts), and the writer thread
 * encodes and appends them within its poll interval.
 *
 * The writer starts with the first event, with a ring sized for it. Until `close()` (the
 * monitor's `dispose()`), or the process's `exit` event for a monitor never disposed, which
 * drains the ring and flushes the file, events wait at most one poll interval in memory: that is
 * what a SIGKILL can lose. If the writer cannot start (a bundle without its script), the training
 * thread writes the events itself, as before the writer existed, and says so once. With the
 * measuring worker's tap, the writer reads the snapshots' statistics from the tap as well
 * (./tap-merge.ts).
 */
import { MessageChannel, MessagePort, receiveMessageOnPort, Worker } from 'worker_threads';
import type { Report } from '../output';
import type { WeightStats } from '../history-types';
import { TapReader, type TapBuffers, type TappedMeasurement } from '../stats/measure-tap';
import type { EventFile } from './event-file';
import { EventWriter } from './event-writer';
import type { StepEntryRecords } from './step-codec';
import { RingHandOver } from './ring-hand-over';
import { RingEntries, TapMerge, tappedStep } from './tap-merge';
import { closeWithProcess, forgetAtExit, writerBootstrap } from './writer-start';
import {
  CLOSED, CLOSING, FAILED, LOAD_FAILED, STATE, STAT_BYTES, STAT_CPU_MS, STAT_POLLS, STAT_WRITE_MS, STAT_WRITTEN, TAIL, WRITE_FAILED, WRITER_TAG, WriteRing, WriterSetup, ringCapacity,
} from './write-ring';

/** How long `close()` waits for the writer to drain and flush the file. */
export const CLOSE_TIMEOUT_MS = 10_000;
/** How long a snapshot waits for room when the writer is behind by a whole ring. */
export const FULL_WAIT_MS = 10_000;

/** Appends events to an open event file through the writer thread. */
export class WriteThread {
  private readonly handOver: RingHandOver;
  private ring: WriteRing | null = null;
  private port: MessagePort | null = null;
  /** Set when the writer could not start: the training thread writes, decoding what the ring and the tap hold. */
  private direct: { writer: EventWriter; entries: RingEntries; merge: TapMerge } | null = null;
  private tap: TapBuffers | null = null;
  /** Why the writer stopped, from its `error` or `exit` event. */
  private exited: string | null = null;
  private closed = false;

  /** @param bins the histograms' bin count (rows entries) */
  constructor(private readonly eventFile: EventFile, private readonly report: Report, private readonly bins = 30) {
    this.handOver = new RingHandOver(bins);
  }

  get file(): string {
    return this.eventFile.file;
  }

  /** Bytes in the file. */
  get bytes(): number {
    return this.ring === null || this.direct !== null ? this.eventFile.bytes : Math.max(this.eventFile.bytes, this.ring.stats[STAT_BYTES]);
  }

  /**
   * The writer thread's figures (for `npm run bench:tensorboard`): events written, ms decoding and
   * writing them, polls, its CPU time (known once closed, on Linux), and whether it writes (false
   * when the training thread does, having fallen back).
   */
  get threadStats(): { written: number; writeMs: number; polls: number; cpuMs: number; onThread: boolean } {
    const ring = this.ring;
    if (ring === null) return { written: 0, writeMs: 0, polls: 0, cpuMs: 0, onThread: false };
    const { stats } = ring;
    return { written: stats[STAT_WRITTEN], writeMs: stats[STAT_WRITE_MS], polls: stats[STAT_POLLS], cpuMs: stats[STAT_CPU_MS], onThread: this.direct === null };
  }

  /**
   * Hands one event to the writer, to be written after the first `tapBefore` measurements of the
   * tap (./tap-merge.ts). Throws when the writer has failed or fallen too far behind.
   */
  write(step: number, wallTime: number, records: StepEntryRecords, tapBefore = 0): void {
    if (this.closed) throw new Error(`the event file ${this.file} is closed`);
    if (this.direct !== null) {
      this.drainHere(); // the tap's measurements first
      this.direct.writer.write(step, wallTime, records);
      return;
    }
    // The common case first, with as little touched as can be: this runs after every snapshot.
    // The entry is encoded straight into the ring, where there is room before its end.
    const ring = this.ring;
    if (ring !== null && this.writing(ring) && this.handOver.stepInPlace(ring, step, wallTime, records, tapBefore)) return;
    // Else: the ring wraps here or is full, or the writer has not started or has stopped.
    this.publish(this.handOver.stepEntry(step, wallTime, records, tapBefore));
  }

  /**
   * Hands over the statistics of a snapshot measured on this thread, as rows
   * (./ring-hand-over.ts). The writer writes their histograms when `histograms` says so;
   * `tapBefore` as for `write`.
   */
  writeStats(step: number, wallTime: number, stats: Readonly<Record<string, WeightStats>>, histograms: boolean, tapBefore = 0): void {
    if (this.closed) throw new Error(`the event file ${this.file} is closed`);
    if (this.direct !== null) {
      this.drainHere();
      this.direct.writer.write(step, wallTime, { scalars: stats, histograms: histograms ? stats : undefined });
      return;
    }
    const ring = this.ring;
    if (ring !== null && this.writing(ring) && this.handOver.statsInPlace(ring, step, wallTime, stats, histograms, tapBefore)) return;
    // Else: new weights, or the ring wraps here or is full, or the writer has not started or has stopped.
    for (const entry of this.handOver.statsEntries(step, wallTime, stats, histograms, tapBefore)) this.publish(entry);
  }

  /** Whether the writer thread writes (else the slow path finds out why). */
  private writing(ring: WriteRing): boolean {
    return Atomics.load(ring.control, FAILED) === 0 && this.exited === null;
  }

  /** Publishes an entry the fast path could not write in place: starts the writer, falls back, or waits for room. */
  private publish(entry: Float64Array): void {
    if (this.ring === null) this.start(entry.length);
    const ring = this.ring as WriteRing;
    let deadline = 0;
    for (;;) {
      this.checkWriter();
      if (this.direct !== null) {
        // The writer could not start: everything queued, then this entry, is written here.
        this.drainHere();
        this.writeHere(entry);
        return;
      }
      if (entry.length > ring.largestEntry) {
        throw new Error(`one step's events take ${entry.length * 8} bytes, more than the writer's buffer takes (${ring.largestEntry * 8})`);
      }
      if (ring.tryPublish(entry)) return;
      // The writer is a whole ring behind (a blocked disk): wake it and wait for room.
      if (deadline === 0) deadline = performance.now() + FULL_WAIT_MS;
      if (performance.now() > deadline) throw new Error(`the writer thread has written nothing for ${FULL_WAIT_MS / 1000} s`);
      ring.signal();
      Atomics.wait(ring.control, TAIL, Atomics.load(ring.control, TAIL), 50);
    }
  }

  /**
   * A snapshot that hands nothing over (the tap had all of it): notices a writer that could not
   * start, and then writes what the tap holds here. Throws when the writer has failed.
   */
  check(): void {
    if (this.closed) return;
    if (this.direct !== null) {
      this.drainHere();
      return;
    }
    const ring = this.ring;
    if (ring !== null && (Atomics.load(ring.control, FAILED) !== 0 || this.exited !== null)) this.checkWriter();
  }

  /**
   * Waits for the writer to write every event handed to it, flush the file to disk (`fsync`) and
   * close it. Idempotent. Throws when the writer failed or did not finish in {@link CLOSE_TIMEOUT_MS}.
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    forgetAtExit(this);
    const ring = this.ring;
    if (ring === null || this.direct !== null) {
      try {
        if (this.direct !== null) this.drainHere(); // what the tap holds
      } finally {
        this.eventFile.close();
      }
      return;
    }
    const { control } = ring;
    if (this.exited !== null && Atomics.load(control, STATE) !== CLOSED) {
      // The writer died without closing (its `exit` event came): nothing will drain the ring.
      this.eventFile.close();
      throw new Error(`the TensorBoard writer thread stopped (${this.exited}); the events it had not written are lost`);
    }
    if (Atomics.load(control, STATE) !== CLOSED) {
      Atomics.store(control, STATE, CLOSING);
      ring.signal();
      const deadline = performance.now() + CLOSE_TIMEOUT_MS;
      while (Atomics.load(control, STATE) !== CLOSED) {
        if (Atomics.load(control, FAILED) === LOAD_FAILED) {
          this.fallBack();
          this.eventFile.close();
          return;
        }
        const left = deadline - performance.now();
        if (left <= 0) throw new Error(`the TensorBoard writer thread did not finish the event file ${this.file} within ${CLOSE_TIMEOUT_MS / 1000} s; the events it had not written are lost`);
        Atomics.wait(control, STATE, CLOSING, Math.min(left, 100));
      }
    }
    if (Atomics.load(control, FAILED) === WRITE_FAILED) throw new Error(this.reason());
  }

  /**
   * Starts the writer, with a ring sized for steps of about `entrySlots` (./step-codec.ts
   * `entrySlotsFor`), unless it has started. The monitor's census starts it, so that no snapshot
   * pays for the start (about 3 ms here); else the first event does. With `tap`, the writer reads
   * the measuring worker's tap too (./tap-merge.ts).
   */
  start(entrySlots: number, tap: TapBuffers | null = null): void {
    if (this.ring !== null || this.closed) return;
    this.tap = tap;
    this.handOver.entrySlots = entrySlots;
    const ring = WriteRing.create(ringCapacity(entrySlots));
    // Touch every page now: a page's first write faults into the kernel, which would otherwise
    // land in the snapshots that first reach it.
    ring.slots.fill(0);
    this.ring = ring;
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    try {
      const setup: WriterSetup = { tag: WRITER_TAG, file: this.eventFile.handle, ring: ring.buffers, port: port2, tap, bins: this.bins };
      // trackUnmanagedFds off: the writer closes a descriptor this thread opened, as intended.
      const worker = new Worker(writerBootstrap(), { eval: true, workerData: setup, transferList: [port2], trackUnmanagedFds: false });
      worker.on('error', (error) => { this.exited ??= `it failed: ${error.message}`; });
      worker.on('exit', (code) => { this.exited ??= `it exited with code ${code}`; });
      worker.unref();
      port1.unref();
    } catch (error) {
      port1.close();
      this.fallBack(`it could not start: ${(error as Error).message}`);
      return;
    }
    closeWithProcess(this);
  }

  /** Switches to writing on the training thread when the writer could not start; throws when it failed later. */
  private checkWriter(): void {
    const ring = this.ring as WriteRing;
    const failed = Atomics.load(ring.control, FAILED);
    if (failed === LOAD_FAILED) this.fallBack();
    else if (failed === WRITE_FAILED) throw new Error(this.reason());
    else if (this.exited !== null && Atomics.load(ring.control, STATE) !== CLOSED) throw new Error(`the TensorBoard writer thread stopped: ${this.exited}`);
  }

  /** Why the writer stopped, as it said through the port. */
  private reason(): string {
    const said = this.port === null ? undefined : receiveMessageOnPort(this.port)?.message as { error?: string } | undefined;
    return said?.error ?? this.exited ?? 'the TensorBoard writer thread stopped';
  }

  private fallBack(why = this.reason()): void {
    if (this.direct !== null) return;
    forgetAtExit(this);
    const tap = this.tap === null ? null : new TapReader(this.tap);
    this.direct = { writer: new EventWriter(this.eventFile), entries: new RingEntries(this.bins), merge: new TapMerge(this.ring as WriteRing, tap) };
    this.report('info', `the TensorBoard writer thread did not start (${why}), so the training thread writes the event file ${this.file}`, {
      event: 'tensorboard-writer-fallback', file: this.file,
    });
    this.drainHere();
  }

  private drainHere(): void {
    const direct = this.direct as NonNullable<WriteThread['direct']>;
    direct.merge.drain((slots, start) => {
      const decoded = direct.entries.decode(slots, start);
      if (decoded !== null) direct.writer.write(decoded.step, decoded.wallTime, decoded.records);
    }, (measurement: TappedMeasurement) => {
      const { step, wallTime, records } = tappedStep(measurement);
      direct.writer.write(step, wallTime, records);
    });
  }

  private writeHere(entry: Float64Array): void {
    const direct = this.direct as NonNullable<WriteThread['direct']>;
    const decoded = direct.entries.decode(entry, 0);
    if (decoded !== null) direct.writer.write(decoded.step, decoded.wallTime, decoded.records);
  }
}

/**
 * The TensorBoard writer thread (started by ./write-thread.ts): it polls the ring the training
 * thread fills (./write-ring.ts), turns each entry into an event (./event-writer.ts: protobuf,
 * TFRecord frame, CRC32C) and appends it to the event file with `fs.writeSync`. It polls rather
 * than waits to be woken, since waking it would cost the training thread a system call per
 * snapshot: every quarter of the time between two snapshots, at least every {@link MIN_POLL_MS}
 * and at most every {@link MAX_POLL_MS}. That interval bounds what a SIGKILL can lose. Asked to
 * close, it drains the ring, flushes the file to disk (`fsync`) and closes it. With the measuring
 * worker's tap, it writes the snapshots' statistics from there, in order (./tap-merge.ts).
 */
import * as fs from 'fs';
import { isMainThread, workerData } from 'worker_threads';
import { TapReader, type TappedMeasurement } from '../stats/measure-tap';
import { EventFile } from './event-file';
import { EventWriter, type StepRecords } from './event-writer';
import { RingEntries, TapMerge, tappedStep } from './tap-merge';
import {
  CLOSED, CLOSING, FAILED, SIGNAL, STATE, STAT_BYTES, STAT_CPU_MS, STAT_POLLS, STAT_WRITE_MS, STAT_WRITTEN, WRITE_FAILED, WRITER_TAG, WriteRing, WriterSetup,
} from './write-ring';

/** The shortest poll interval, ms: what a SIGKILL can lose when snapshots come faster. */
export const MIN_POLL_MS = 10;
/** The longest poll interval, ms. */
export const MAX_POLL_MS = 250;

/** The poll interval after two entries `gapSeconds` apart. */
export function pollInterval(gapSeconds: number): number {
  return Math.min(MAX_POLL_MS, Math.max(MIN_POLL_MS, (gapSeconds * 1000) / 4));
}

/** This thread's CPU time in ms (Linux's per-thread scheduler statistics), NaN where there are none. */
function threadCpuMs(): number {
  try {
    return Number(fs.readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]) / 1e6;
  } catch {
    return NaN;
  }
}

function run(setup: WriterSetup): void {
  const cpuAtStart = threadCpuMs();
  const ring = new WriteRing(setup.ring);
  const { control, stats } = ring;
  const file = new EventFile(setup.file);
  const writer = new EventWriter(file);
  const entries = new RingEntries(setup.bins);
  const merge = new TapMerge(ring, setup.tap === null ? null : new TapReader(setup.tap));
  let lastWallTime: number | null = null;
  let poll = MIN_POLL_MS;
  const write = ({ step, wallTime, records }: { step: number; wallTime: number; records: StepRecords }, started: number) => {
    writer.write(step, wallTime, records);
    stats[STAT_WRITE_MS] += performance.now() - started;
    stats[STAT_BYTES] = file.bytes;
    if (lastWallTime !== null && wallTime > lastWallTime) poll = pollInterval(wallTime - lastWallTime);
    lastWallTime = wallTime;
    stats[STAT_WRITTEN] += 1;
  };
  const entry = (slots: Float64Array, start: number) => {
    const started = performance.now();
    const decoded = entries.decode(slots, start);
    if (decoded !== null) write(decoded, started);
  };
  const tapped = (measurement: TappedMeasurement) => {
    const started = performance.now();
    write(tappedStep(measurement), started);
  };
  for (;;) {
    const signal = Atomics.load(control, SIGNAL);
    // Read before draining: whatever was published before the close was asked is drained below.
    const closing = Atomics.load(control, STATE) === CLOSING;
    try {
      merge.drain(entry, tapped);
      if (closing) file.close();
    } catch (error) {
      setup.port.postMessage({ error: (error as Error).message });
      Atomics.store(control, FAILED, WRITE_FAILED);
      try {
        file.close();
      } catch {
        // The failure above is the one reported.
      }
    }
    if (closing || Atomics.load(control, FAILED) !== 0) {
      stats[STAT_CPU_MS] = threadCpuMs() - cpuAtStart;
      Atomics.store(control, STATE, CLOSED);
      Atomics.notify(control, STATE);
      return;
    }
    stats[STAT_POLLS] += 1;
    Atomics.wait(control, SIGNAL, signal, poll);
  }
}

if (!isMainThread && (workerData as WriterSetup | undefined)?.tag === WRITER_TAG) run(workerData as WriterSetup);

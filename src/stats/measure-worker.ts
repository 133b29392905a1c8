/**
 * The measuring worker: a worker thread that keeps the host engine's copies (./host-copies.ts)
 * and measures the weights the training thread copies into shared memory, so that a snapshot
 * taken every batch costs the training thread one copy of the weights instead of the passes (see
 * ./measure-thread.ts). It loads no tfjs.
 *
 * It waits on the shared control block, not on its event loop: each request is a new id in
 * `REQUEST`; a request that changes the layout (weights that appear, go or change shape, copies
 * taken over from the device engine) or asks for the copies back comes with a message on the
 * port, posted before the id. The statistics go back in the shared rows (./stats-codec.ts);
 * copies handed back and error messages, on the port, before the id is stored in `ANSWER`. A
 * measurement the training thread labelled is also published to the tap (./measure-tap.ts).
 */
import { isMainThread, MessagePort, receiveMessageOnPort, workerData } from 'worker_threads';
import { CopyValues, HostCopies } from './host-copies';
import { LABEL_SLOTS, TapBuffers, TapWriter } from './measure-tap';
import { encodeStats, rowSlots } from './stats-codec';
import type { StatsConfig } from './types';

export const WORKER_TAG = 'tfjs-param-monitor/measure-worker';

/** Int32 slots of the control block. */
export const REQUEST = 0;
export const ANSWER = 1;
/** 1 when the last answer is an error (its message on the port). */
export const FAILED = 2;
/** 1 when the training thread asks the worker to end. */
export const STOP = 3;
/** What the worker holds after its last answer: the 64 KiB pages of its memory, and the float32 elements of its copies. */
export const MEMORY_PAGES = 4;
export const COPY_ELEMENTS = 5;
/** 1 once the worker has loaded and waits for requests. */
export const READY = 6;
export const CONTROL_BYTES = 28;
/**
 * Float64 slots of the label block: 1 when the request is labelled, then its label, which the
 * worker publishes with the measurement to the tap (./measure-tap.ts).
 */
export const LABEL_BLOCK_SLOTS = 1 + LABEL_SLOTS;

/** What the worker is started with (`workerData`). */
export interface WorkerSetup {
  tag: typeof WORKER_TAG;
  config: StatsConfig;
  fromStart: boolean;
  port: MessagePort;
  control: SharedArrayBuffer;
  /** The label block ({@link LABEL_BLOCK_SLOTS}), written by the training thread before each request. */
  label: SharedArrayBuffer;
  /** Where labelled measurements are published as well, if anywhere. */
  tap: TapBuffers | null;
}

/** Where a weight's elements are in the staging memory (float index). */
export interface StagedWeight {
  name: string;
  shape: number[];
  offset: number;
}

export type WorkerMessage = { id: number } & (
  /**
   * From this request on, measure these weights: drop the copies of `drop` (shapes that changed),
   * lay the memory out for exactly `weights` (copies of weights not listed are dropped), then take
   * over `adopt` (copies the device engine kept).
   */
  | { kind: 'layout'; stage: SharedArrayBuffer; rows: SharedArrayBuffer; weights: StagedWeight[]; drop: string[];
    adopt: { name: string; values: CopyValues }[] }
  /** Hand back these weights' copies and drop them (the device engine takes over). */
  | { kind: 'take'; names: string[] }
);

export type WorkerAnswer = { id: number } & ({ taken: (CopyValues | null)[] } | { error: string });

interface Layout {
  weights: { name: string; data: Float32Array }[];
  rows: Float64Array;
}

function serve(setup: WorkerSetup): void {
  const control = new Int32Array(setup.control);
  const copies = new HostCopies(setup.config, setup.fromStart);
  const slots = rowSlots(setup.config.bins);
  const label = new Float64Array(setup.label);
  const tap = setup.tap === null ? null : new TapWriter(setup.tap);
  let layout: Layout | null = null;
  let seen = 0;
  Atomics.store(control, READY, 1);
  for (;;) {
    // Timed, so that a worker whose parent is gone wakes now and then to be terminated.
    while (Atomics.load(control, REQUEST) === seen && Atomics.load(control, STOP) === 0) Atomics.wait(control, REQUEST, seen, 1000);
    if (Atomics.load(control, STOP) !== 0) return;
    const id = Atomics.load(control, REQUEST);
    seen = id;
    let failed = 0;
    try {
      const message = receiveMessageOnPort(setup.port)?.message as WorkerMessage | undefined;
      if (message?.kind === 'take') {
        const taken = message.names.map((name) => copies.take(name));
        const moved = taken.flatMap((t) => (t ? [t.previous, t.initial ?? t.previous] : []));
        setup.port.postMessage({ id, taken } satisfies WorkerAnswer, [...new Set(moved.map((a) => a.buffer as ArrayBuffer))]);
      } else {
        if (message?.kind === 'layout') {
          for (const name of message.drop) copies.drop(name);
          copies.prepare(message.weights);
          for (const { name, values } of message.adopt) copies.adopt(name, values);
          tap?.layout(message.weights.map((w) => w.name));
          layout = {
            weights: message.weights.map(({ name, shape, offset }) => ({
              name, data: new Float32Array(message.stage, offset * 4, shape.reduce((a, b) => a * b, 1)),
            })),
            rows: new Float64Array(message.rows),
          };
        }
        if (!layout) throw new Error('a measurement came before its layout');
        const { weights, rows } = layout;
        weights.forEach(({ name, data }, i) => encodeStats(copies.measure(name, data), rows, i * slots));
        // Before the answer, so that the tap's reader finds it once the training thread has it.
        // Not after the training thread gave this worker up (STOP): a new worker may publish now.
        if (tap !== null && label[0] === 1 && Atomics.load(control, STOP) === 0) tap.publish(label.subarray(1), rows, weights.length);
      }
    } catch (error) {
      failed = 1;
      layout = null; // the next measurement comes with a new layout
      setup.port.postMessage({ id, error: (error as Error).message } satisfies WorkerAnswer);
    }
    Atomics.store(control, MEMORY_PAGES, copies.memoryBytes / 65536);
    Atomics.store(control, COPY_ELEMENTS, copies.bytes / 4);
    Atomics.store(control, FAILED, failed);
    Atomics.store(control, ANSWER, id);
    Atomics.notify(control, ANSWER);
  }
}

if (!isMainThread && (workerData as WorkerSetup | null)?.tag === WORKER_TAG) serve(workerData as WorkerSetup);

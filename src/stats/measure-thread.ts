/**
 * The training thread's side of the measuring worker (./measure-worker.ts). A snapshot taken every
 * batch on a host backend would otherwise cost the training thread the two passes over every
 * weight and its copies (about 4% of a batch of the demo model on `wasm`); with the worker it costs
 * one copy of the weights into shared memory, and the worker measures them on another core while
 * the next batch trains.
 *
 * The two threads meet in shared memory: the weights in a staging buffer, the statistics in float64
 * rows, and a control block that each side `Atomics.wait`s on. The training thread needs no turn
 * of the event loop (a `fit` whose callbacks never yield gives none), and nothing is cloned or
 * allocated per snapshot while the weights stay the same. The worker does not keep the process
 * alive (`unref`).
 */
import * as path from 'path';
import { MessageChannel, MessagePort, receiveMessageOnPort, Worker } from 'worker_threads';
import type { WeightStats } from '../history-types';
import { compiledWorkerScript } from '../worker-script';
import type { CopyValues } from './host-copies';
import type { TapBuffers } from './measure-tap';
import {
  ANSWER, CONTROL_BYTES, COPY_ELEMENTS, FAILED, LABEL_BLOCK_SLOTS, MEMORY_PAGES, READY, REQUEST, STOP, WORKER_TAG, WorkerAnswer, WorkerMessage, WorkerSetup,
} from './measure-worker';
import { decodeStats, rowSlots } from './stats-codec';
import type { StatsConfig } from './types';
import { align4 } from './wasm-passes';

/** How long the training thread waits for an answer before it gives the worker up. */
export const ANSWER_TIMEOUT_MS = 60_000;

/** A weight to measure: its elements are copied at once. */
export interface WeightToSend {
  name: string;
  shape: number[];
  values: Float32Array;
}

/** The compiled worker script (../worker-script.ts), or why it cannot start. */
function workerScript(): string {
  const script = compiledWorkerScript(__dirname, 'stats', 'measure-worker.js');
  if (script !== null) return script;
  throw new Error(`its measuring worker script is missing (${path.join(__dirname, 'measure-worker.js')}); a bundler must copy it next to the monitor's code, or set \`thread: 'main'\``);
}

/**
 * What the worker runs: CommonJS evaluated as is, which loads the worker script and, if that
 * throws (a bundle that copied the script without the modules it requires, a folder of ES
 * modules), answers every request with the error through the control block. The worker's
 * `error` event would come on the event loop, which the training thread, blocked in
 * `Atomics.wait`, does not turn: each snapshot would wait out `ANSWER_TIMEOUT_MS`.
 */
function bootstrap(script: string): string {
  return `const { workerData } = require('worker_threads');
try {
  require(${JSON.stringify(script)});
} catch (error) {
  const reason = String(error && error.message).split('\\n')[0];
  workerData.port.postMessage({ id: 0, error: ${JSON.stringify(`the measuring worker could not load ${script} (`)} + reason + ${JSON.stringify("); set `thread: 'main'` to measure on the training thread")} });
  const control = new Int32Array(workerData.control);
  Atomics.store(control, ${FAILED}, 1);
  Atomics.store(control, ${ANSWER}, 0x7fffffff);
  Atomics.notify(control, ${ANSWER});
}`;
}

export class MeasureThread {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly control: Int32Array;
  /** The label block: whether the request is labelled, and its label (./measure-tap.ts). */
  private readonly label: Float64Array;
  private sent = 0;
  /** Whether the worker has a tap, so that labelled measurements go to it. */
  readonly tapped: boolean;
  /** The current layout: each weight's staging view, and the rows the statistics come back in. */
  private staged: { name: string; view: Float32Array }[] = [];
  private rows: Float64Array | null = null;
  /** Why the worker stopped, once it has (an error in it, or its exit). */
  private failure: string | null = null;

  /** @param tap where the worker publishes labelled measurements as well (see `measure`) */
  constructor(private readonly config: StatsConfig, fromStart: boolean, tap: TapBuffers | null = null) {
    const control = new SharedArrayBuffer(CONTROL_BYTES);
    const label = new SharedArrayBuffer(LABEL_BLOCK_SLOTS * 8);
    const { port1, port2 } = new MessageChannel();
    const setup: WorkerSetup = { tag: WORKER_TAG, config, fromStart, port: port2, control, label, tap };
    try {
      this.worker = new Worker(bootstrap(workerScript()), { eval: true, workerData: setup, transferList: [port2] });
    } catch (error) {
      port1.close();
      throw new Error(`tfjs-param-monitor could not start its measuring worker: ${(error as Error).message}`);
    }
    this.worker.on('error', (error) => { this.failure ??= `it failed: ${error.message}`; });
    this.worker.on('exit', (code) => { this.failure ??= `it exited with code ${code}`; });
    this.worker.unref();
    port1.unref();
    this.port = port1;
    this.control = new Int32Array(control);
    this.label = new Float64Array(label);
    this.tapped = tap !== null;
  }

  /** Whether the worker has loaded (its first answer then comes without its start-up wait). */
  get ready(): boolean {
    // A worker that failed to load counts as ready: the next request then reports why.
    return Atomics.load(this.control, READY) === 1 || Atomics.load(this.control, FAILED) === 1 || this.failure !== null;
  }

  /** Bytes of the staging buffer (the weights' float32 bytes once, while they are measured here). */
  get stagingBytes(): number {
    return this.staged.reduce((bytes, s) => bytes + align4(s.view.length) * 4, 0);
  }

  /** Bytes of the worker's copies, and of its whole WebAssembly memory, as of its last answer. */
  get held(): { bytes: number; memoryBytes: number } {
    return { bytes: Atomics.load(this.control, COPY_ELEMENTS) * 4, memoryBytes: Atomics.load(this.control, MEMORY_PAGES) * 65536 };
  }

  /**
   * Copies the weights into the staging memory and asks the worker to measure them; `drop` and
   * `adopt` as in a layout message. With a `label`, the worker publishes the measurement to its
   * tap as well, labelled so. Returns the request's id, for `receive`.
   */
  measure(weights: WeightToSend[], drop: string[] = [], adopt: { name: string; values: CopyValues }[] = [], label?: ArrayLike<number>): number {
    if (Atomics.load(this.control, ANSWER) < this.sent) this.wait(this.sent); // the staging memory is read until then
    this.label[0] = label === undefined ? 0 : 1;
    if (label !== undefined) this.label.set(label, 1);
    // The first request always sends a layout, even for no weights: the worker measures none before one.
    const same = this.rows !== null && drop.length === 0 && adopt.length === 0 && weights.length === this.staged.length
      && weights.every((w, i) => w.name === this.staged[i].name && w.values.length === this.staged[i].view.length);
    const id = this.sent + 1;
    if (!same) {
      const offsets: number[] = [];
      let total = 0;
      for (const w of weights) {
        offsets.push(total);
        total += align4(w.values.length);
      }
      const stage = new SharedArrayBuffer(total * 4);
      const rows = new SharedArrayBuffer(Math.max(1, weights.length) * rowSlots(this.config.bins) * 8);
      this.staged = weights.map((w, i) => ({ name: w.name, view: new Float32Array(stage, offsets[i] * 4, w.values.length) }));
      this.rows = new Float64Array(rows);
      const message: WorkerMessage = {
        id, kind: 'layout', stage, rows, drop, adopt,
        weights: weights.map((w, i) => ({ name: w.name, shape: w.shape, offset: offsets[i] })),
      };
      const moved = adopt.flatMap(({ values }) => [values.previous, values.initial ?? values.previous]);
      this.post(message, [...new Set(moved.map((a) => a.buffer as ArrayBuffer))]);
    }
    weights.forEach((w, i) => this.staged[i].view.set(w.values));
    return this.request(id);
  }

  /** Waits for the statistics of measurement `id` (blocking this thread); throws the worker's error. */
  receive(id: number): WeightStats[] {
    this.wait(id);
    const rows = this.rows!;
    const slots = rowSlots(this.config.bins);
    return this.staged.map((_, i) => decodeStats(rows, i * slots, this.config.bins));
  }

  /** The copies of these weights, handed back by the worker, which drops them. */
  take(names: string[]): (CopyValues | null)[] {
    const id = this.sent + 1;
    this.post({ id, kind: 'take', names });
    const answer = this.wait(this.request(id), true);
    return answer && 'taken' in answer ? answer.taken : names.map(() => null);
  }

  /** Stops the worker (its copies go with it). */
  terminate(): void {
    this.failure ??= 'it was stopped';
    Atomics.store(this.control, STOP, 1);
    Atomics.notify(this.control, REQUEST);
    this.port.close();
    void this.worker.terminate();
  }

  private post(message: WorkerMessage, transfer: ArrayBuffer[] = []): void {
    if (this.failure !== null) throw new Error(`the measuring worker stopped: ${this.failure}`);
    this.port.postMessage(message, transfer);
  }

  /** Publishes request `id` (its message, if any, is already on the port). */
  private request(id: number): number {
    if (this.failure !== null) throw new Error(`the measuring worker stopped: ${this.failure}`);
    this.sent = id;
    Atomics.store(this.control, REQUEST, id);
    Atomics.notify(this.control, REQUEST);
    return id;
  }

  /** Waits until request `id` is answered; returns its message when one is `expected` (or on an error). */
  private wait(id: number, expected = false): WorkerAnswer | undefined {
    const deadline = Date.now() + ANSWER_TIMEOUT_MS;
    for (;;) {
      const answered = Atomics.load(this.control, ANSWER);
      if (answered >= id) break;
      const left = deadline - Date.now();
      if (this.failure !== null) throw new Error(`the measuring worker stopped: ${this.failure}`);
      if (left <= 0) throw new Error(`the measuring worker did not answer within ${ANSWER_TIMEOUT_MS / 1000} s`);
      Atomics.wait(this.control, ANSWER, answered, Math.min(left, 1000));
    }
    const failed = Atomics.load(this.control, FAILED) === 1;
    if (!failed && !expected) return undefined;
    // Posted before the id was stored: in the port's queue now.
    const answer = receiveMessageOnPort(this.port)?.message as WorkerAnswer | undefined;
    if (failed) throw new Error(answer && 'error' in answer ? answer.error : 'the measuring worker failed');
    return answer;
  }
}

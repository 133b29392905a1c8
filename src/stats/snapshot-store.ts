/**
 * Keeps, per weight, a copy of its previous value (and of its initial value, unless `fromStart`
 * is off) so that each snapshot can measure drift, and measures each snapshot with the engine
 * `statsOn` picks on the current backend.
 *
 * - Host engine: the copies live in the WebAssembly memory the passes read (./host-copies.ts),
 *   overwritten in place by each snapshot: nothing that grows with the model is allocated per
 *   snapshot, and the copies hold the model's float32 weight bytes twice (once with
 *   `fromStart: false`).
 * - Device engine: a copy is a `tf.clone`, a new tensor on the same buffer, which stays as it was
 *   because tfjs variables never write in place (`assign` moves the variable to a new buffer), so
 *   the copy stays on the device. Copies are disposed when replaced and by `dispose()`.
 * - Host engine on the measuring worker (`thread: 'worker'`): the same copies, kept by the worker
 *   (./measure-thread.ts). `send` copies the weights into memory shared with the worker and
 *   returns at once; the worker measures them while training goes on, and `receive` waits for the
 *   numbers. The staging memory is kept from snapshot to snapshot (allocating it each time cost
 *   more than the copy), so the weights' bytes are held once more than on the calling thread
 *   (`stagingBytes`).
 * If the engine changes between snapshots (a `fit` on another backend), the copies are converted.
 */
import * as tf from '@tensorflow/tfjs';
import type { WeightStats } from '../history-types';
import { computeStats } from './device-engine';
import { resolveStatsPath, StatsOn } from './engine-choice';
import { float32Values, float32ValuesOfAll } from './host-engine';
import { CopyValues, HostCopies } from './host-copies';
import type { TapBuffers } from './measure-tap';
import { MeasureThread } from './measure-thread';
import { autoUsesWorker } from './thread-choice';
import { sameShape, StatsConfig } from './types';

interface DeviceCopies {
  shape: number[];
  previous: tf.Tensor;
  initial: tf.Tensor | null;
  previousL2: number | null;
  initialL2: number | null;
}

export interface SnapshotStoreOptions {
  /** Keep each weight's initial value and measure `fromStart` against it. @default true */
  fromStart?: boolean;
  /**
   * Where the host engine measures: on the calling thread, on the measuring worker, or `'auto'`:
   * on the worker where it wins on the current backend (./thread-choice.ts), and on the calling
   * thread while a new worker starts. @default 'main'
   */
  thread?: 'main' | 'worker' | 'auto';
  /**
   * The tap a new measuring worker publishes labelled measurements to (./measure-tap.ts), asked
   * for when the worker starts; none when absent or null.
   */
  tap?: () => TapBuffers | null;
}

/** Gives a measurement its label, when, and only when, it is measured on the worker with a tap. */
export type TapLabel = () => ArrayLike<number>;

/** A measurement sent to the worker; `receive()` waits for its numbers (once). */
export interface PendingStats {
  receive(): Record<string, WeightStats>;
}

interface NamedWeight {
  name: string;
  value: tf.Tensor;
}

export class SnapshotStore {
  private readonly device = new Map<string, DeviceCopies>();
  private readonly host: HostCopies;
  private readonly fromStart: boolean;
  private readonly useWorker: boolean;
  private readonly auto: boolean;
  private thread: MeasureThread | null = null;
  /** Whether a failed worker took initial copies with it. */
  private lostInitial = false;
  /** Shapes of the weights whose copies the worker holds. */
  private readonly workerShapes = new Map<string, number[]>();
  private readonly tap: () => TapBuffers | null;

  constructor(private readonly config: StatsConfig, private readonly statsOn: StatsOn = 'auto',
    options: SnapshotStoreOptions = {}) {
    this.fromStart = options.fromStart ?? true;
    this.useWorker = options.thread === 'worker' || options.thread === 'auto';
    this.auto = options.thread === 'auto';
    this.tap = options.tap ?? (() => null);
    this.host = new HostCopies(config, this.fromStart);
  }

  /** Whether `send` hands the measurement to the worker (the host engine, on the worker). */
  get defers(): boolean {
    return this.useWorker && resolveStatsPath(this.statsOn) === 'host' && (!this.auto || autoUsesWorker());
  }

  /** With `thread: 'auto'`, whether it picks the worker on the current backend. */
  get autoWorker(): boolean {
    return this.auto && autoUsesWorker();
  }

  /**
   * Measures the given weights against their kept copies, then keeps their current values. A
   * weight whose shape changed (a layer rebuilt under the same name) starts over, its snapshot
   * without drift; the copies of weights no longer measured (a monitor moved to another model)
   * are dropped, so memory follows the weights watched now.
   */
  async measure(weights: NamedWeight[], label?: TapLabel): Promise<Record<string, WeightStats>> {
    if (this.defers) return this.send(weights, label).receive();
    this.dropStale(weights);
    return resolveStatsPath(this.statsOn) === 'host' ? this.measureOnHost(weights) : this.measureOnDevice(weights);
  }

  /**
   * Starts measuring on the worker (see `defers`) and returns before the numbers are known: the
   * weights are copied now, so training may change them at once. Measurements are answered in
   * the order they were sent. `label` is called if the worker has a tap, and the measurement is
   * published there with it (./measure-tap.ts).
   */
  send(weights: NamedWeight[], label?: TapLabel): PendingStats {
    this.dropStale(weights);
    const drop = [...this.workerShapes].filter(([name, shape]) => {
      const now = weights.find((w) => w.name === name);
      return now !== undefined && !sameShape(shape, now.value.shape);
    }).map(([name]) => name);
    if (this.auto) {
      if (this.thread === null) {
        this.workerShapes.clear();
        this.thread = this.startThread();
      }
      if (!this.thread.ready) { // measured here while the worker starts: no batch waits for it
        const stats = this.measureOnHost(weights);
        return { receive: () => stats };
      }
    }
    const adopt = [...this.device].map(([name, kept]) => { // the engine changed: convert the copies
      const values: CopyValues = {
        previous: float32Values(kept.previous).slice(), initial: kept.initial && float32Values(kept.initial).slice(),
        previousL2: kept.previousL2, initialL2: kept.initialL2,
      };
      this.dropDevice(name);
      return { name, values };
    });
    for (const name of this.host.names()) { // measured on this thread until now: the worker takes the copies over
      const values = this.host.take(name);
      if (values) adopt.push({ name, values });
    }
    let thread = this.thread;
    if (thread === null) {
      this.workerShapes.clear(); // a new worker holds no copies
      // After a worker failed, the initial copies are gone: fromStart cannot resume (a later
      // snapshot taken as the start would make it wrong), so the new worker keeps none.
      thread = this.thread = this.startThread();
    }
    let id: number;
    try {
      const values = float32ValuesOfAll(weights.map((w) => w.value)) as Float32Array[];
      id = thread.measure(weights.map(({ name, value }, i) => ({ name, shape: value.shape.slice(), values: values[i] })), drop, adopt,
        thread.tapped && label ? label() : undefined);
    } catch (error) {
      this.loseThread(); // a worker that stopped since the last snapshot
      throw error;
    }
    this.workerShapes.clear();
    for (const { name, value } of weights) this.workerShapes.set(name, value.shape.slice());
    return {
      receive: () => {
        try {
          const stats = thread.receive(id);
          return Object.fromEntries(weights.map((w, i) => [w.name, stats[i]]));
        } catch (error) {
          this.loseThread();
          throw error;
        }
      },
    };
  }

  /**
   * Drops the copies of weights whose shape changed (a layer rebuilt under the same name), so
   * they start over, and of weights no longer measured (a monitor moved to another model), so
   * memory follows the weights watched now.
   */
  private dropStale(weights: NamedWeight[]): void {
    const shapes = new Map(weights.map((w) => [w.name, w.value.shape]));
    const stale = (name: string, kept: number[] | undefined) => {
      const shape = shapes.get(name);
      return shape === undefined || (kept !== undefined && !tf.util.arraysEqual(kept, shape));
    };
    for (const [name, kept] of [...this.device]) {
      if (stale(name, kept.shape)) this.dropDevice(name);
    }
    for (const name of this.host.names()) {
      if (stale(name, this.host.shapeOf(name))) this.host.drop(name);
    }
  }

  private startThread(): MeasureThread {
    return new MeasureThread(this.config, this.fromStart && !this.lostInitial, this.tap());
  }

  /** After the worker failed: its copies may be lost, so the next snapshot starts a new worker, without drift. */
  private loseThread(): void {
    this.lostInitial ||= this.fromStart && this.workerShapes.size > 0;
    this.stopThread();
  }

  private stopThread(): void {
    this.thread?.terminate();
    this.thread = null;
    this.workerShapes.clear();
  }

  private dropDevice(name: string): void {
    const kept = this.device.get(name);
    if (kept) tf.dispose([kept.previous, ...(kept.initial ? [kept.initial] : [])]);
    this.device.delete(name);
  }

  /** Bytes of the host copies held (the device copies live on the backend), on the worker as of its last answer. */
  get hostBytes(): number {
    return this.host.bytes + (this.thread?.held.bytes ?? 0);
  }

  /** Bytes of the arrays the weights are copied into for the measuring worker (0 on the calling thread). */
  get stagingBytes(): number {
    return this.thread?.stagingBytes ?? 0;
  }

  /** Bytes of the host engine's whole WebAssembly memory: the copies, a scratch chunk and the counts. */
  get hostMemoryBytes(): number {
    return this.host.memoryBytes + (this.thread?.held.memoryBytes ?? 0);
  }

  private measureOnHost(weights: NamedWeight[]): Record<string, WeightStats> {
    this.host.prepare(weights.map(({ name, value }) => ({ name, shape: value.shape })));
    for (const [name, kept] of [...this.device]) { // the engine changed: convert the copies
      // A view of the wasm heap detaches if reading the next tensor grows the heap: copy the first.
      const previous = float32Values(kept.previous).slice();
      this.host.adopt(name, {
        previous, initial: kept.initial && float32Values(kept.initial), previousL2: kept.previousL2, initialL2: kept.initialL2,
      });
      this.dropDevice(name);
    }
    const result: Record<string, WeightStats> = {};
    for (const { name, value } of weights) result[name] = this.host.measure(name, float32Values(value));
    return result;
  }

  private async measureOnDevice(weights: NamedWeight[]): Promise<Record<string, WeightStats>> {
    const fromWorker = new Map<string, CopyValues | null>();
    if (this.thread !== null && this.workerShapes.size > 0) {
      // Not the copies of a weight whose shape changed (a layer rebuilt under the same name): it starts over.
      const names = weights.filter(({ name, value }) => {
        const shape = this.workerShapes.get(name);
        return shape !== undefined && sameShape(shape, value.shape);
      }).map((w) => w.name);
      let taken: (CopyValues | null)[];
      try {
        taken = this.thread.take(names);
      } catch (error) {
        this.loseThread();
        throw error;
      }
      names.forEach((name, i) => fromWorker.set(name, taken[i]));
      this.stopThread(); // nothing left in it
    }
    for (const { name, value } of weights) { // the engine changed: convert the copies
      const values = fromWorker.get(name) ?? this.host.take(name);
      if (values) {
        this.device.set(name, {
          shape: value.shape.slice(), previous: tf.tensor(values.previous, value.shape), previousL2: values.previousL2,
          initial: values.initial && tf.tensor(values.initial, value.shape), initialL2: values.initialL2,
        });
      }
    }
    for (const [name, kept] of [...this.device]) {
      if (kept.previous.isDisposed) this.dropDevice(name); // released by a snapshot that then failed: start over
    }
    const copies = weights.map(({ name }) => this.device.get(name));
    // The engine may free each previous copy as soon as it has read it (it is replaced below).
    const stats = await computeStats(weights.map(({ value }, i) => {
      const kept = copies[i];
      if (!kept) return { value };
      const { previous, previousL2, initial, initialL2 } = kept;
      return initial ? { value, previous, previousL2, initial, initialL2, releasePrevious: true }
        : { value, previous, previousL2, releasePrevious: true };
    }), this.config);
    const result: Record<string, WeightStats> = {};
    weights.forEach(({ name, value }, i) => {
      result[name] = stats[i];
      const kept = copies[i];
      const l2 = stats[i].l2Norm;
      if (kept) {
        kept.previous.dispose();
        kept.previous = tf.clone(value);
        kept.previousL2 = l2;
      } else {
        this.device.set(name, {
          shape: value.shape.slice(), previous: tf.clone(value), previousL2: l2,
          initial: this.fromStart && !this.lostInitial ? tf.clone(value) : null, initialL2: l2,
        });
      }
    });
    return result;
  }

  /** Frees every copy. Idempotent. */
  dispose(): void {
    for (const name of [...this.device.keys()]) this.dropDevice(name);
    this.host.dispose();
    this.stopThread();
  }
}

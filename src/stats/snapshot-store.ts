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
 * If the engine changes between snapshots (a `fit` on another backend), the copies are converted.
 */
import * as tf from '@tensorflow/tfjs';
import type { WeightStats } from '../history-types';
import { computeStats } from './device-engine';
import { resolveStatsPath, StatsOn } from './engine-choice';
import { float32Values } from './host-engine';
import { HostCopies } from './host-copies';
import type { StatsConfig } from './types';

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
}

interface NamedWeight {
  name: string;
  value: tf.Tensor;
}

export class SnapshotStore {
  private readonly device = new Map<string, DeviceCopies>();
  private readonly host: HostCopies;
  private readonly fromStart: boolean;

  constructor(private readonly config: StatsConfig, private readonly statsOn: StatsOn = 'auto',
    options: SnapshotStoreOptions = {}) {
    this.fromStart = options.fromStart ?? true;
    this.host = new HostCopies(config, this.fromStart);
  }

  /**
   * Measures the given weights against their kept copies, then keeps their current values. A
   * weight whose shape changed (a layer rebuilt under the same name) starts over, its snapshot
   * without drift; the copies of weights no longer measured (a monitor moved to another model)
   * are dropped, so memory follows the weights watched now.
   */
  async measure(weights: NamedWeight[]): Promise<Record<string, WeightStats>> {
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
    return resolveStatsPath(this.statsOn) === 'host' ? this.measureOnHost(weights) : this.measureOnDevice(weights);
  }

  private dropDevice(name: string): void {
    const kept = this.device.get(name);
    if (kept) tf.dispose([kept.previous, ...(kept.initial ? [kept.initial] : [])]);
    this.device.delete(name);
  }

  /** Bytes of the host copies held (the device copies live on the backend). */
  get hostBytes(): number {
    return this.host.bytes;
  }

  /** Bytes of the host engine's whole WebAssembly memory: the copies, a scratch chunk and the counts. */
  get hostMemoryBytes(): number {
    return this.host.memoryBytes;
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
    for (const { name, value } of weights) { // the engine changed: convert the copies
      const values = this.host.take(name);
      if (values) {
        this.device.set(name, {
          shape: value.shape.slice(), previous: tf.tensor(values.previous, value.shape), previousL2: values.previousL2,
          initial: values.initial && tf.tensor(values.initial, value.shape), initialL2: values.initialL2,
        });
      }
    }
    const copies = weights.map(({ name }) => this.device.get(name));
    const stats = await computeStats(weights.map(({ value }, i) => {
      const kept = copies[i];
      if (!kept) return { value };
      const { previous, previousL2, initial, initialL2 } = kept;
      return initial ? { value, previous, previousL2, initial, initialL2 } : { value, previous, previousL2 };
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
          initial: this.fromStart ? tf.clone(value) : null, initialL2: l2,
        });
      }
    });
    return result;
  }

  /** Frees every copy. Idempotent. */
  dispose(): void {
    for (const name of [...this.device.keys()]) this.dropDevice(name);
    this.host.dispose();
  }
}

/**
 * Keeps, per weight, a copy of its previous value (and of its initial value, unless `fromStart`
 * is off) so that each snapshot can measure drift, and measures each snapshot with the engine
 * `statsOn` picks on the current backend.
 *
 * - Host engine: the copies are `Float32Array`s allocated at a weight's first snapshot and
 *   overwritten in place by each later one (`set()`, a memcpy): nothing is allocated per snapshot
 *   but the histogram counts, and the memory held is the model's float32 weight bytes, twice (once
 *   with `fromStart: false`).
 * - Device engine: a copy is a `tf.clone`, a new tensor on the same buffer, which stays as it was
 *   because tfjs variables never write in place (`assign` moves the variable to a new buffer), so
 *   the copy stays on the device. Copies are disposed when replaced and by `dispose()`.
 * If the engine changes between snapshots (a `fit` on another backend), the copies are converted.
 */
import * as tf from '@tensorflow/tfjs';
import type { WeightStats } from '../history-types';
import { computeStats } from './device-engine';
import { resolveStatsPath, StatsOn } from './engine-choice';
import { float32Values, measureOnHost } from './host-engine';
import type { StatsConfig } from './types';

interface HostCopies {
  onHost: true;
  shape: number[];
  previous: Float32Array;
  initial: Float32Array | null;
  previousL2: number | null;
  initialL2: number | null;
}

interface DeviceCopies {
  onHost: false;
  shape: number[];
  previous: tf.Tensor;
  initial: tf.Tensor | null;
  previousL2: number | null;
  initialL2: number | null;
}

type Kept = HostCopies | DeviceCopies;

export interface SnapshotStoreOptions {
  /** Keep each weight's initial value and measure `fromStart` against it. @default true */
  fromStart?: boolean;
}

interface NamedWeight {
  name: string;
  value: tf.Tensor;
}

export class SnapshotStore {
  private readonly kept = new Map<string, Kept>();
  private readonly fromStart: boolean;

  constructor(private readonly config: StatsConfig, private readonly statsOn: StatsOn = 'auto',
    options: SnapshotStoreOptions = {}) {
    this.fromStart = options.fromStart ?? true;
  }

  /**
   * Measures the given weights against their kept copies, then keeps their current values. A
   * weight whose shape changed (a layer rebuilt under the same name) starts over, its snapshot
   * without drift; the copies of weights no longer measured (a monitor moved to another model)
   * are dropped, so memory follows the weights watched now.
   */
  async measure(weights: NamedWeight[]): Promise<Record<string, WeightStats>> {
    const measured = new Set(weights.map((w) => w.name));
    for (const [name, kept] of [...this.kept]) {
      const weight = weights.find((w) => w.name === name);
      if (!measured.has(name) || (weight && !tf.util.arraysEqual(kept.shape, weight.value.shape))) this.drop(name);
    }
    return resolveStatsPath(this.statsOn) === 'host' ? this.measureOnHost(weights) : this.measureOnDevice(weights);
  }

  private drop(name: string): void {
    const kept = this.kept.get(name);
    if (kept && !kept.onHost) tf.dispose([kept.previous, ...(kept.initial ? [kept.initial] : [])]);
    this.kept.delete(name);
  }

  /** Bytes of the host copies held (the device copies live on the backend). */
  get hostBytes(): number {
    let bytes = 0;
    for (const kept of this.kept.values()) {
      if (kept.onHost) bytes += kept.previous.byteLength + (kept.initial?.byteLength ?? 0);
    }
    return bytes;
  }

  private measureOnHost(weights: NamedWeight[]): Record<string, WeightStats> {
    const result: Record<string, WeightStats> = {};
    for (const { name, value } of weights) {
      const kept = this.hostCopies(name);
      const x = float32Values(value);
      const stats = measureOnHost(kept
        ? { value: x, previous: kept.previous, previousL2: kept.previousL2, initial: kept.initial ?? undefined, initialL2: kept.initialL2 }
        : { value: x }, this.config);
      result[name] = stats;
      if (kept) {
        kept.previous.set(x);
        kept.previousL2 = stats.l2Norm;
      } else {
        this.kept.set(name, {
          onHost: true, shape: value.shape.slice(), previous: x.slice(), previousL2: stats.l2Norm,
          initial: this.fromStart ? x.slice() : null, initialL2: stats.l2Norm,
        });
      }
    }
    return result;
  }

  private async measureOnDevice(weights: NamedWeight[]): Promise<Record<string, WeightStats>> {
    const copies = weights.map(({ name }) => this.deviceCopies(name));
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
        this.kept.set(name, {
          onHost: false, shape: value.shape.slice(), previous: tf.clone(value), previousL2: l2,
          initial: this.fromStart ? tf.clone(value) : null, initialL2: l2,
        });
      }
    });
    return result;
  }

  /** The weight's copies as host arrays (converted from tensors if the engine changed). */
  private hostCopies(name: string): HostCopies | undefined {
    const kept = this.kept.get(name);
    if (!kept || kept.onHost) return kept;
    const host: HostCopies = {
      ...kept, onHost: true, previous: float32Values(kept.previous).slice(),
      initial: kept.initial && float32Values(kept.initial).slice(),
    };
    tf.dispose([kept.previous, ...(kept.initial ? [kept.initial] : [])]);
    this.kept.set(name, host);
    return host;
  }

  /** The weight's copies as tensors (uploaded from host arrays if the engine changed). */
  private deviceCopies(name: string): DeviceCopies | undefined {
    const kept = this.kept.get(name);
    if (!kept || !kept.onHost) return kept;
    const device: DeviceCopies = {
      ...kept, onHost: false, previous: tf.tensor(kept.previous, kept.shape),
      initial: kept.initial && tf.tensor(kept.initial, kept.shape),
    };
    this.kept.set(name, device);
    return device;
  }

  /** Frees every copy. Idempotent. */
  dispose(): void {
    for (const kept of this.kept.values()) {
      if (!kept.onHost) tf.dispose([kept.previous, ...(kept.initial ? [kept.initial] : [])]);
    }
    this.kept.clear();
  }
}

/**
 * The snapshot store's copies on the host engine: per weight, its previous value (and its initial
 * value, unless `fromStart` is off), kept in the memory of one `WasmPasses` so that pass 1 reads
 * them in place and overwrites the previous copy as it goes (one in-memory copy per element, no
 * read-back). Nothing is allocated per snapshot but the statistics themselves.
 *
 * The memory is laid out for exactly the weights measured: when one appears or is dropped, a new
 * memory is made and the surviving copies moved into it (a WebAssembly memory can grow but never
 * shrink), so what is held follows the weights watched now: their float32 bytes twice (once
 * without `fromStart`), plus one scratch chunk (64 KiB, less for a model whose largest weight is
 * smaller), the accumulator and histogram counts (under 1 KiB at 30 bins), rounded up to 64 KiB
 * pages.
 */
import type { WeightStats } from '../history-types';
import { measureWithPasses } from './host-measure';
import type { StatsConfig } from './types';
import { align4, WasmPasses } from './wasm-passes';

interface Region {
  shape: number[];
  length: number;
  /** Float indexes of the copies in the memory. */
  previous: number;
  initial: number | null;
  /** Whether the copies hold a value yet (false until the weight's first snapshot). */
  filled: boolean;
  previousL2: number | null;
  initialL2: number | null;
}

/** The copies of a weight as host arrays, with their norms. */
export interface CopyValues {
  previous: Float32Array;
  initial: Float32Array | null;
  previousL2: number | null;
  initialL2: number | null;
}

export class HostCopies {
  private passes: WasmPasses | null = null;
  private regions = new Map<string, Region>();
  /** Whether a region was dropped since the memory was laid out. */
  private dropped = false;

  constructor(private readonly config: StatsConfig, private readonly fromStart: boolean) {}

  names(): string[] {
    return [...this.regions.keys()];
  }

  shapeOf(name: string): number[] | undefined {
    return this.regions.get(name)?.shape;
  }

  /** Bytes of the copies: the weights' float32 bytes, twice (once without `fromStart`). */
  get bytes(): number {
    let bytes = 0;
    for (const r of this.regions.values()) bytes += r.length * 4 * (r.initial === null ? 1 : 2);
    return bytes;
  }

  /** Bytes of the whole memory: the copies, the scratch chunk and the counts, in 64 KiB pages. */
  get memoryBytes(): number {
    return this.passes?.bytes ?? 0;
  }

  /** Drops a weight's copies; the memory goes with the last one (else at the next layout). */
  drop(name: string): void {
    this.dropped = this.regions.delete(name) || this.dropped;
    if (this.regions.size === 0) this.passes = null;
  }

  /**
   * Lays the memory out for exactly these weights, keeping the copies of those already held;
   * nothing to do when the weights are the same as last time. The new memory is made while the
   * old one holds the copies, so a new layout briefly needs both.
   */
  prepare(weights: { name: string; shape: number[] }[]): void {
    const same = this.passes !== null && !this.dropped && weights.length === this.regions.size
      && weights.every((w) => this.regions.get(w.name)?.length === w.shape.reduce((a, b) => a * b, 1));
    if (same) return;
    const sizes = weights.map((w) => w.shape.reduce((a, b) => a * b, 1));
    const perCopy = sizes.reduce((total, n) => total + align4(n), 0);
    const passes = new WasmPasses({
      bins: this.config.bins, largest: Math.max(0, ...sizes), scratchChunks: 1,
      copyElements: perCopy * (this.fromStart ? 2 : 1),
    });
    const regions = new Map<string, Region>();
    let next = passes.copyStart;
    weights.forEach(({ name, shape }, i) => {
      const length = sizes[i];
      const kept = this.regions.get(name);
      const old = kept?.length === length ? kept : undefined; // a weight of another size starts over
      const region: Region = {
        shape: shape.slice(), length, previous: next, initial: null, filled: false, previousL2: null, initialL2: null,
      };
      next += align4(length);
      if (this.fromStart) {
        region.initial = next;
        next += align4(length);
      }
      if (old?.filled && this.passes) {
        const heap = this.passes.heap;
        passes.heap.set(heap.subarray(old.previous, old.previous + length), region.previous);
        if (old.initial !== null && region.initial !== null) {
          passes.heap.set(heap.subarray(old.initial, old.initial + length), region.initial);
        } else {
          region.initial = null; // adopted without one (see adopt): fromStart cannot resume
        }
        Object.assign(region, { filled: true, previousL2: old.previousL2, initialL2: old.initialL2 });
      }
      regions.set(name, region);
    });
    this.passes = passes;
    this.regions = regions;
    this.dropped = false;
  }

  /** Takes over copies made elsewhere (the device engine's) for a prepared weight. */
  adopt(name: string, values: CopyValues): void {
    const region = this.regions.get(name)!;
    const heap = this.passes!.heap;
    heap.set(values.previous, region.previous);
    if (region.initial !== null) {
      if (values.initial) heap.set(values.initial, region.initial);
      else region.initial = null; // the device engine kept none: fromStart cannot resume
    }
    Object.assign(region, { filled: true, previousL2: values.previousL2, initialL2: values.initialL2 });
  }

  /** The weight's copies as new host arrays, and drops them (for the device engine). */
  take(name: string): CopyValues | null {
    const region = this.regions.get(name);
    if (!region || !region.filled) return null;
    const heap = this.passes!.heap;
    const values: CopyValues = {
      previous: heap.slice(region.previous, region.previous + region.length),
      initial: region.initial === null ? null : heap.slice(region.initial, region.initial + region.length),
      previousL2: region.previousL2,
      initialL2: region.initialL2,
    };
    this.drop(name);
    return values;
  }

  /**
   * Measures a prepared weight against its copies (none at its first snapshot), then keeps `x` as
   * its previous copy (and, at the first snapshot, as its initial one).
   */
  measure(name: string, x: Float32Array): WeightStats {
    const region = this.regions.get(name)!;
    const passes = this.passes!;
    if (!region.filled) {
      const stats = measureWithPasses(passes, x, { previous: null, initial: null, keep: region.previous }, this.config);
      if (region.initial !== null) {
        passes.heap.copyWithin(region.initial, region.previous, region.previous + region.length);
      }
      Object.assign(region, { filled: true, previousL2: stats.l2Norm, initialL2: stats.l2Norm });
      return stats;
    }
    const stats = measureWithPasses(passes, x, {
      previous: region.previous, previousL2: region.previousL2,
      initial: region.initial, initialL2: region.initialL2, keep: region.previous,
    }, this.config);
    region.previousL2 = stats.l2Norm;
    return stats;
  }

  /** Frees the memory. Idempotent. */
  dispose(): void {
    this.passes = null;
    this.regions.clear();
    this.dropped = false;
  }
}

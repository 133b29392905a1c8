/**
 * The host engine's two passes run in WebAssembly SIMD (./wasm/passes.wat): four float32 lanes
 * per instruction, float64 sums per lane. The same passes in JavaScript (./host-loops.ts) cost
 * about 3x more per element (10 ns against 3.3 ns at 100k elements), and V8 does not vectorize
 * them. The JavaScript loops still take every element the fast path declines: a chunk holding a
 * NaN or an infinity, and the up to 3 elements past the last multiple of 4.
 *
 * A `WasmPasses` owns one WebAssembly memory, laid out as:
 * `[accumulator: 128 B][histogram counts: 4 lanes x bins int32][scratch chunks][copies]`.
 * A weight is copied into a scratch chunk 16K elements at a time (one `set()`); a reference
 * (previous or initial copy) is either already in the memory (the snapshot store keeps its copies
 * there, see ./host-copies.ts) or copied into its own scratch chunk the same way. The memory is
 * sized once by its owner and never grows, so the views below stay valid.
 */
import { checkedChunk, checkedSpreadChunk, resetAccumulator, SLOTS, warmUp } from './host-loops';
import { float32AtMost } from './types';
import { PASSES_WASM } from './wasm/passes-binary';

interface PassesExports {
  first(x: number, p: number, q: number, n: number, tol: number): number;
  spread(x: number, n: number, mean: number, min: number, scale: number, counts: number, last: number): number;
}

/** A reference for pass 1: a float index into the memory, a host array to copy from, or none. */
export type Reference = number | Float32Array | null;

export interface PassesLayout {
  /** The most histogram bins a pass may take (1 to 10,000): 16 bytes of lane counts each. */
  bins: number;
  /** Elements of the largest weight to be measured (sizes the scratch chunks, at most 16K each). */
  largest: number;
  /** Scratch chunks: 1 for the weight, plus 1 per reference that is a host array. */
  scratchChunks: number;
  /** float32 elements reserved after the scratch chunks, for copies kept in the memory. */
  copyElements: number;
}

/** The part of the WebAssembly JS API used here (the project compiles without the DOM typings that declare it). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
  Memory: new (descriptor: { initial: number }) => WasmMemory;
}
const wasm = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;

const ACC_BYTES = 128;
/**
 * Elements per scratch chunk: 64 KiB, so that the scratch adds at most 64 KiB to the copies, stays
 * in the L2 cache while pass 1 reads it and the previous copy is written from it, and one call per
 * chunk costs nothing measurable (about 0.3 µs per 16K elements). Also keeps the int32 lane counters
 * of pass 1 far from overflow.
 */
export const SCRATCH_CHUNK = 1 << 14;
const PAGE = 65536;
/** The most a WebAssembly memory can hold in Node 20 (V8's limit for 32-bit memories). */
const MAX_MEMORY_BYTES = 4 * 1024 * 1024 * 1024 - PAGE;

let compiled: object | null = null;

/** n rounded up to a multiple of 4, in float64 arithmetic (`& ~3` would wrap past 2^31). */
export const align4 = (n: number): number => Math.ceil(n / 4) * 4;

export class WasmPasses {
  private readonly memory: WasmMemory;
  /** The whole memory as float32: copies are addressed by float index into it. */
  readonly heap: Float32Array;
  /** Pass 1's accumulator (the SLOTS of ./host-loops.ts), shared with the JavaScript loops. */
  readonly acc: Float64Array;
  /** Float index where `copyElements` may be used. */
  readonly copyStart: number;
  readonly chunk: number;
  readonly bins: number;
  private readonly lanes: Int32Array;
  private readonly scratch: number;
  private readonly scratchChunks: number;
  private readonly fns: PassesExports;

  constructor(layout: PassesLayout) {
    compiled ??= new wasm.Module(Buffer.from(PASSES_WASM, 'base64'));
    this.bins = layout.bins;
    this.chunk = Math.max(4, Math.min(SCRATCH_CHUNK, align4(layout.largest)));
    this.scratchChunks = layout.scratchChunks;
    const countsBytes = align4(4 * layout.bins) * 4;
    this.scratch = (ACC_BYTES + countsBytes) / 4;
    this.copyStart = this.scratch + this.chunk * layout.scratchChunks;
    const bytes = (this.copyStart + align4(layout.copyElements)) * 4;
    if (bytes > MAX_MEMORY_BYTES) {
      throw new RangeError(`The host engine's copies need ${bytes} bytes, more than a WebAssembly memory holds `
        + `(${MAX_MEMORY_BYTES}): set \`fromStart: false\` to halve them, or \`statsOn: 'device'\`.`);
    }
    this.memory = new wasm.Memory({ initial: Math.ceil(bytes / PAGE) });
    this.fns = new wasm.Instance(compiled, { env: { memory: this.memory } }).exports as unknown as PassesExports;
    this.heap = new Float32Array(this.memory.buffer);
    this.acc = new Float64Array(this.memory.buffer, 0, SLOTS);
    this.lanes = new Int32Array(this.memory.buffer, ACC_BYTES, 4 * layout.bins);
    warmUp();
  }

  /** Bytes of the whole memory. */
  get bytes(): number {
    return this.memory.buffer.byteLength;
  }

  /** Whether a weight of `n` elements, `bins` bins and `references` host-array references fits this layout. */
  fits(bins: number, n: number, references: number): boolean {
    return bins <= this.bins && (n <= this.chunk || this.chunk === SCRATCH_CHUNK) && 1 + references <= this.scratchChunks;
  }

  /** The reference's chunk [start, end) in the memory (copied into scratch chunk `slot` if a host array). */
  private place(ref: Reference, slot: number, start: number, end: number): number | null {
    if (ref === null) return null;
    if (typeof ref === 'number') return ref + start;
    const at = this.scratch + slot * this.chunk;
    this.heap.set(ref.subarray(start, end), at);
    return at;
  }

  /**
   * Pass 1 of `x` against `previous` (or `x` itself) and `initial` (or `x`) into `acc`; see
   * the SLOTS of ./host-loops.ts for what each holds. With `keep` (a float index), then copies `x`
   * there, chunk by chunk, after each chunk is measured: `keep` may be `previous` itself.
   */
  first(x: Float32Array, previous: Reference, initial: Reference, tol: number, keep: number | null): void {
    const { heap, acc, chunk, fns } = this;
    resetAccumulator(acc);
    const tol32 = float32AtMost(tol);
    const xs = this.scratch;
    for (let start = 0; start < x.length; start += chunk) {
      const end = Math.min(start + chunk, x.length);
      const n = end - start;
      heap.set(n === x.length ? x : x.subarray(start, end), xs);
      const p = this.place(previous, 1, start, end) ?? xs;
      const q = this.place(initial, typeof previous === 'object' && previous !== null ? 2 : 1, start, end) ?? xs;
      const n4 = n & ~3;
      const fast = n4 > 0 && fns.first(xs * 4, p * 4, q * 4, n4, tol32) === 1;
      if (!fast || n4 < n) {
        checkedChunk(heap.subarray(xs, xs + n), heap.subarray(p, p + n), heap.subarray(q, q + n), fast ? n4 : 0, n, tol, acc);
      }
      if (keep !== null) heap.copyWithin(keep + start, xs, xs + n);
    }
  }

  /**
   * Pass 2: the sum of squared deviations from `mean` of the finite elements of `x` (a float index
   * of `n` elements in the memory, or a host array), and their histogram into `counts` (zeroed
   * first). Needs min < max; `allFinite` lets the SIMD loop take every element.
   */
  spread(x: number | Float32Array, n: number, mean: number, min: number, max: number, counts: Float64Array,
    allFinite: boolean): number {
    const { heap, chunk, fns, lanes } = this;
    counts.fill(0);
    lanes.fill(0, 0, 4 * counts.length);
    const scale = counts.length / (max - min); // float64: no overflow for ±3.4e38
    const last = counts.length - 1;
    let dev = 0;
    for (let start = 0; start < n; start += chunk) {
      const end = Math.min(start + chunk, n);
      if (!allFinite && typeof x !== 'number') {
        dev += checkedSpreadChunk(x, start, end, mean, min, scale, counts);
        continue;
      }
      const at = this.place(x, 0, start, end)!;
      const len = end - start;
      const n4 = allFinite ? len & ~3 : 0;
      if (n4 > 0) dev += fns.spread(at * 4, n4, mean, min, scale, ACC_BYTES, last);
      if (n4 < len) dev += checkedSpreadChunk(heap.subarray(at, at + len), n4, len, mean, min, scale, counts);
    }
    for (let lane = 0; lane < 4; lane++) {
      const base = lane * counts.length;
      for (let b = 0; b <= last; b++) counts[b] += lanes[base + b];
    }
    return dev;
  }
}

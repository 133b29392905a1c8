/**
 * The running gradient figures of every training step, kept on the backend: per step a few fused
 * reductions, added to tensors that are read once per snapshot (no read per step). Only plain
 * numbers leave this module (`read`).
 *
 * Kernels per step, for k gradients of which m are unit-bearing kernels (Dense, Conv):
 * k Square and k Sum; the units of a kernel whose layer has a bias are read from the bias's
 * squares (no kernel at all: a dead unit's error signal is 0 for every sample, so its bias
 * gradient is exactly 0). A kernel without a bias sums its columns: a Reshape, a Sum over the
 * first axis on wasm (0.2 ms a step for a 784x128 kernel, where a MatMul with a row of ones takes
 * 0.4 ms) or a MatMul with a row of ones elsewhere (the cpu backend transposes for a first-axis
 * Sum: 4 ms against 0.5 ms), and a Sum of those. Then Pack, Sqrt, Concat (when m > 0) and, from
 * the second step on, one Maximum and one Add. test/gradients/step-cost.test.ts pins them.
 */
import * as tf from '@tensorflow/tfjs';

/** One gradient of a step, with the output units of its weight (its last axis) when those are counted. */
export interface StepInput {
  readonly name: string;
  readonly tensor: tf.Tensor;
  /** Output units (the last axis) when dead units are counted for this weight; else null. */
  readonly units: number | null;
  /**
   * The layer's bias, when it has one: a unit whose error signal is 0 for every sample has a bias
   * gradient of exactly 0 (and a zero kernel column), so the bias's squares, already computed for
   * its own norm, give the units at no cost. Without it the kernel's columns are summed.
   */
  readonly bias?: string | null;
}

/** What one weight's gradients did over the steps since the last read. */
export interface RunningFigures {
  steps: number;
  /** Largest L2 norm; NaN when a step was not finite. */
  maxNorm: number;
  /** Sum of the L2 norms; NaN or Infinity when a step was not finite. */
  sumNorm: number;
  /** Units whose incoming gradient was zero at every step (squares underflow below ~4e-23). */
  deadUnits?: number;
  units?: number;
}

/** The steps of one layout (the same gradients, in the same order), accumulated. */
export interface Accumulator {
  readonly names: readonly string[];
  readonly units: readonly (number | null)[];
  steps: number;
  /** [k] norms maximum. */
  max: tf.Tensor1D;
  /** [k norms, then the per-unit squares of each unit-bearing weight] summed. */
  sum: tf.Tensor1D;
}

/**
 * Accumulates per-step gradient norms on the backend. One accumulator per layout, so an optimizer
 * stepping different variable sets (a custom loop, two optimizers) is followed exactly.
 */
export class StepFigures {
  private readonly layouts = new Map<string, Accumulator>();
  /** A [1, n] row of ones per kernel height n, kept for the per-unit MatMul. */
  private readonly ones = new Map<number, tf.Tensor2D>();

  /**
   * Adds one step. Returns the step's squared norms as a tensor only when `keepSquares` (the caller
   * reads it, for the per-step finiteness check, and disposes it); otherwise null.
   */
  add(inputs: readonly StepInput[], keepSquares: boolean): tf.Tensor1D | null {
    if (inputs.length === 0) return null;
    const key = inputs.map((g) => `${g.name}:${g.tensor.shape.join('x')}:${g.units ?? ''}:${g.bias ?? ''}`).join('|');
    const acc = this.layouts.get(key);
    const stepSquares = tf.tidy(() => {
      const squares: tf.Scalar[] = [];
      const unitSquares: tf.Tensor[] = [];
      const all = inputs.map(({ tensor }) => tf.square(tensor.dtype === 'float32' ? tensor : tf.cast(tensor, 'float32')));
      inputs.forEach(({ tensor, units, bias }, i) => {
        const sq = all[i];
        const fromBias = bias == null ? -1 : inputs.findIndex((g) => g.name === bias && g.tensor.size === units);
        if (units !== null && fromBias >= 0) {
          const biasSquares = all[fromBias];
          unitSquares.push(biasSquares.rank === 1 ? biasSquares : tf.reshape(biasSquares, [units]));
          squares.push(tf.sum(sq));
        } else if (units !== null && units > 0 && tensor.size > 0 && tensor.size % units === 0) {
          const rows = tensor.size / units;
          const table = tf.reshape(sq, [rows, units]);
          const perUnit = tf.getBackend() === 'wasm' ? tf.sum(table, 0) : tf.reshape(tf.matMul(this.onesRow(rows), table), [units]);
          unitSquares.push(perUnit);
          squares.push(tf.sum(perUnit));
        } else {
          squares.push(tf.sum(sq));
        }
      });
      const stepSquares = tf.stack(squares) as tf.Tensor1D;
      const norms = tf.sqrt(stepSquares) as tf.Tensor1D;
      const running = (unitSquares.length > 0 ? tf.concat([norms, ...unitSquares]) : norms) as tf.Tensor1D;
      if (acc === undefined) {
        this.layouts.set(key, {
          names: inputs.map((g) => g.name), units: inputs.map((g) => unitsCounted(g)), steps: 1,
          max: tf.keep(norms), sum: tf.keep(running),
        });
      } else {
        const max = tf.keep(tf.maximum(acc.max, norms) as tf.Tensor1D);
        const sum = tf.keep(tf.add(acc.sum, running) as tf.Tensor1D);
        acc.max.dispose();
        acc.sum.dispose();
        acc.max = max;
        acc.sum = sum;
        acc.steps += 1;
      }
      return stepSquares;
    });
    if (keepSquares) return tf.keep(stepSquares); // a fit's step runs in tidy: the caller disposes it
    stepSquares.dispose();
    return null;
  }

  private onesRow(n: number): tf.Tensor2D {
    let row = this.ones.get(n);
    if (row === undefined) {
      row = tf.keep(tf.ones([1, n]) as tf.Tensor2D);
      this.ones.set(n, row);
    }
    return row;
  }

  /** Whether any step was added since the last read. */
  get empty(): boolean {
    return this.layouts.size === 0;
  }

  /** Takes the accumulators out, synchronously (a snapshot captured inside a step); `read` them later. */
  take(): Accumulator[] {
    const accs = [...this.layouts.values()];
    this.layouts.clear();
    return accs;
  }

  /** Reads the figures of every weight from taken accumulators, with one download, and frees them. */
  static async read(accs: Accumulator[]): Promise<Map<string, RunningFigures>> {
    const result = new Map<string, RunningFigures>();
    if (accs.length === 0) return result;
    let values: Float32Array;
    const packed = tf.tidy(() => tf.concat(accs.flatMap((a) => [a.max, a.sum])));
    try {
      values = (await packed.data()) as Float32Array;
    } finally {
      packed.dispose();
      for (const a of accs) tf.dispose([a.max, a.sum]);
    }
    let offset = 0;
    for (const a of accs) {
      const k = a.names.length;
      const max = values.subarray(offset, offset + k);
      const sum = values.subarray(offset + k, offset + 2 * k);
      let unitOffset = offset + 2 * k;
      a.names.forEach((name, i) => {
        const units = a.units[i];
        let dead: number | undefined;
        if (units !== null) {
          dead = 0;
          for (let u = 0; u < units; u += 1) if (values[unitOffset + u] === 0) dead += 1;
          unitOffset += units;
        }
        merge(result, name, {
          steps: a.steps, maxNorm: max[i], sumNorm: sum[i], ...(units !== null ? { deadUnits: dead, units } : {}),
        });
      });
      offset = unitOffset;
    }
    return result;
  }

  /** Frees taken accumulators without reading them. */
  static discard(accs: Accumulator[]): void {
    for (const a of accs) tf.dispose([a.max, a.sum]);
  }

  /** Frees the accumulators without reading them, and the rows of ones. Idempotent. */
  dispose(): void {
    for (const a of this.layouts.values()) tf.dispose([a.max, a.sum]);
    this.layouts.clear();
    for (const row of this.ones.values()) row.dispose();
    this.ones.clear();
  }
}

function unitsCounted(g: StepInput): number | null {
  const { units, tensor } = g;
  return units !== null && units > 0 && tensor.size > 0 && tensor.size % units === 0 ? units : null;
}

/**
 * One weight stepped in several layouts: its figures are combined. Dead units become the smaller
 * count, an upper bound of the units dead in both (which units they are is not kept).
 */
function merge(into: Map<string, RunningFigures>, name: string, f: RunningFigures): void {
  const old = into.get(name);
  if (old === undefined) {
    into.set(name, f);
    return;
  }
  into.set(name, {
    steps: old.steps + f.steps,
    maxNorm: Number.isNaN(old.maxNorm) || Number.isNaN(f.maxNorm) ? NaN : Math.max(old.maxNorm, f.maxNorm),
    sumNorm: old.sumNorm + f.sumNorm,
    ...(old.deadUnits !== undefined && f.deadUnits !== undefined && old.units === f.units
      ? { deadUnits: Math.min(old.deadUnits, f.deadUnits), units: f.units } : {}),
  });
}

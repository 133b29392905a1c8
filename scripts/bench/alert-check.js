// `node scripts/bench/alert-cost.js --check`: whether builds of the alert engine raise exactly the
// same alerts (the same values, messages and key order) on the same snapshots, under the default
// options and options that reach what short recorded runs rarely do, on recorded runs and on
// synthetic edge cases (steps that are zero, repeat, overflow or are NaN; NaN and Inf elements).
'use strict';

/** Every snapshot of `runs` through a fresh engine per run; returns the alerts, per run per snapshot. */
function replay(engine, runs, options = {}) {
  return runs.map(({ weights, snapshots }) => {
    const alertEngine = new engine.AlertEngine(engine.validateAlertOptions(options));
    alertEngine.setWeights(weights);
    return snapshots.map((snapshot) => alertEngine.evaluate(snapshot));
  });
}

// Options that exercise what the defaults rarely reach on short runs: a full window that slides,
// reminders, spikes checked from the first steps, no warmup, the factor alone.
const CHECK_OPTIONS = [
  {},
  { driftSpikeWindow: 5 },
  { driftSpikeMinHistory: 1, driftSpikeWindow: 2, driftWarmup: 0 },
  { driftSpikeSpread: 0, driftSpikeFactor: 1.5, driftFloor: 0 },
  { driftSpikeSpread: 0, driftSpikeMinHistory: 4, driftSpikeWindow: 4 },
  { reminderEvery: 1, frozenPatience: 1, frozenTolerance: 0.01 },
  { driftThreshold: 0.05, growthThreshold: 1.01, vanishThreshold: 0.99, explodeThreshold: 0.5, deadThreshold: 0.01 },
];

/**
 * Runs no recording reaches, for --check: steps that are zero, repeat, overflow to Infinity or are
 * NaN, huge and tiny norms, weights that start at zero, stillness, NaN and Inf elements. Seeded.
 */
function edgeCaseRuns() {
  let a = 20240611;
  const random = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = (values) => values[Math.floor(random() * values.length)];
  const names = ['edge/kernel', 'edge/bias', 'frozen/kernel'];
  const weights = names.map((name, i) => ({
    name, layer: name.split('/')[0], layerClass: 'Dense', shape: [10], dtype: 'float32', size: 10,
    trainable: i < 2, layerTrainable: i < 2, variableTrainable: true, optimized: i < 2, movingStatistic: false,
  }));
  const stepValues = [0, 0.1, 0.1, 0.2, 1, 5, 1e-300, 1e300, 1.7e308, Infinity, NaN, null];
  // Stretches of one step value: e.g. a median of 1.7e308 steps that overflows to Infinity.
  let stretch = 0;
  let stretchValue = 0;
  const step = () => {
    if (stretch === 0) {
      stretch = random() < 0.2 ? 6 + Math.floor(10 * random()) : 1;
      stretchValue = pick(stepValues);
    }
    stretch -= 1;
    return stretchValue;
  };
  const snapshots = Array.from({ length: 1000 }, (_, index) => {
    const stats = {};
    names.forEach((name, i) => {
      const l2Norm = index === 0 && i === 1 ? 0 : pick([1, 1, 2, 0.05, 3000, null]);
      const relative = index === 0 ? null : pick([0, 1e-8, 0.01, 0.3, 3, 1e6, null]);
      const nan = random() < 0.05 ? 2 : 0;
      stats[name] = {
        count: 10 - nan, mean: null, std: null, min: pick([-1, -2000, null]), max: pick([1, 0, 2000]), absMean: null, l2Norm,
        zeroCount: 0, zeroFraction: pick([0, 0, 0.5, 1, null]), nanCount: nan, infCount: random() < 0.03 ? 1 : 0,
        histogram: { min: null, max: null, counts: [] },
        ...(index === 0 ? {} : {
          drift: { l2: step(), relative, maxAbs: null, changedFraction: pick([0, 0.5, 1, 1, null]) },
          fromStart: { relative: null },
        }),
      };
    });
    return { epoch: Math.floor(index / 7), ...(index % 3 === 0 ? {} : { batch: index % 7 }), time: '', computeMs: 0, stats };
  });
  return [{ name: 'edge cases', weights, snapshots }];
}

/**
 * Replays every workload, and the synthetic edge cases, through every engine under each of
 * CHECK_OPTIONS and compares the alerts (as JSON: values, messages and key order) with the first
 * engine's; prints the differences and returns their count.
 */
function checkSame(engines, recorded) {
  const workloads = [...recorded, { name: 'edge cases (synthetic)', runs: edgeCaseRuns() }];
  let differences = 0;
  let alerts = 0;
  for (const options of CHECK_OPTIONS) {
    for (const workload of workloads) {
      const [reference, ...others] = engines.map((engine) => JSON.stringify(replay(engine, workload.runs, options)));
      alerts += replay(engines[0], workload.runs, options).flat(2).length;
      others.forEach((text, i) => {
        if (text === reference) return;
        differences += 1;
        console.log(`DIFFERENT: ${engines[i + 1].dist} on ${workload.name} with ${JSON.stringify(options)}`);
      });
    }
  }
  console.log(`${CHECK_OPTIONS.length} option sets x ${workloads.length} workloads, ${alerts} alerts from the first engine: `
    + `${differences === 0 ? 'every engine raised exactly the same alerts' : `${differences} differences`}`);
  return differences;
}

module.exports = { checkSame, replay };

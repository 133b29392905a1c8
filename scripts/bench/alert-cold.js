// The alert engine as a short training run meets it, timed call by call in a fresh process (used
// by scripts/bench/alert-cost.js --cold and --in-fit, one child process per engine and round):
//
//   node scripts/bench/alert-cold.js replay <dist> <history.json>   one engine, every snapshot once
//   node scripts/bench/alert-cold.js fit <dist>                     the demo model trained with that
//                                                                   build's monitor, every batch
//
// Each prints a JSON array: the µs of every `AlertEngine.evaluate` call, in order. In a run of 100
// snapshots the engine's code is never optimized by TurboFan (it runs in V8's interpreter and
// baseline compiler), and in `fit` every call also comes after a training step that has evicted
// it from the CPU caches.
'use strict';
const fs = require('fs');
const path = require('path');

/**
 * The demo model (MLP 784-128-10, adam) trained on 1,000 MNIST digits for 6 epochs of batch 64 on
 * wasm, with the monitor of `dist` taking a snapshot after every batch (97 snapshots), as
 * scripts/bench/profile-fit.js does. Returns the monitor's weights and snapshots.
 */
async function trainDemo(dist) {
  const tf = require('@tensorflow/tfjs');
  require('@tensorflow/tfjs-backend-wasm');
  const { demoModel, mnist } = require('./training');
  const { paramMonitor } = require(dist);
  await tf.setBackend('wasm');
  const { xs, ys } = mnist(1000);
  const model = demoModel();
  const monitor = paramMonitor({ logger: false, everyBatches: 1 });
  await model.fit(xs, ys, { epochs: 6, batchSize: 64, callbacks: [monitor] });
  const { weights, snapshots } = monitor.toJSON();
  await monitor.dispose();
  model.dispose();
  tf.dispose([xs, ys]);
  return { weights, snapshots };
}

/** Makes every `evaluate` of the engine class in `dist` record its µs in `times`. */
function timeEvaluate(dist, times) {
  const { AlertEngine } = require(path.join(dist, 'alerts', 'engine'));
  const evaluate = AlertEngine.prototype.evaluate;
  AlertEngine.prototype.evaluate = function timedEvaluate(snapshot) {
    const start = process.hrtime.bigint();
    const alerts = evaluate.call(this, snapshot);
    times.push(Number(process.hrtime.bigint() - start) / 1e3);
    return alerts;
  };
  return AlertEngine;
}

async function main([mode, distArg, historyFile]) {
  const dist = path.resolve(distArg);
  const times = [];
  const AlertEngine = timeEvaluate(dist, times);
  if (mode === 'fit') {
    await trainDemo(dist);
  } else if (mode === 'replay') {
    const { weights, snapshots } = JSON.parse(fs.readFileSync(historyFile, 'utf8'));
    const { validateAlertOptions } = require(path.join(dist, 'alerts', 'options'));
    const engine = new AlertEngine(validateAlertOptions({}));
    engine.setWeights(weights);
    for (const snapshot of snapshots) engine.evaluate(snapshot);
  } else {
    throw new RangeError(`The mode must be \`replay\` or \`fit\`, but got ${JSON.stringify(mode)}.`);
  }
  process.stdout.write(JSON.stringify(times));
}

if (require.main === module) main(process.argv.slice(2));

module.exports = { trainDemo };

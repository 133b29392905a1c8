// Records the alert corpus: real training runs (scripts/corpus/healthy-runs.js,
// scripts/corpus/failing-runs.js) watched by the monitor, each saved in compact form
// (scripts/corpus/fixture.js) to test/fixtures/alert-corpus/{healthy,failing}/<run>.json, so the
// tests and `npm run alert-eval` replay them in milliseconds. Needs `npm run build` first.
//
//   node scripts/alert-corpus.js [--force] [--only <substring>] [--seeds 1,2,3] [--show]
//
// --show: train the selected runs with the monitor's log on the console, and save nothing.
//
// Configs run with seeds 1, 2, 3 unless they list their own `seeds`; `--seeds` overrides
// both (the corpus also holds seeds 4 and 5 of every config but the CNNs, recorded after the
// defaults were set, as a check that they were not fitted to the first seeds).
//
// A run already on disk is skipped unless --force. CPU-heavy: a few minutes for the lot.
'use strict';
const fs = require('fs');
const path = require('path');
const tf = require('@tensorflow/tfjs');
require('@tensorflow/tfjs-backend-wasm');
const { paramMonitor } = require('../dist');
const { tensors, seeded } = require('./corpus/data');
const { encode } = require('./corpus/fixture');
const { HEALTHY, init } = require('./corpus/healthy-runs');
const { FAILING } = require('./corpus/failing-runs');

const argv = process.argv.slice(2);
const flag = (name) => { const i = argv.indexOf(name); return i === -1 ? null : argv[i + 1]; };
const show = argv.includes('--show');
const force = argv.includes('--force') || show;
const only = flag('--only');
const seeds = flag('--seeds') === null ? null : flag('--seeds').split(',').map(Number);
const OUT = path.join(__dirname, '..', 'test', 'fixtures', 'alert-corpus');

/** Two heads on one trunk; the second is the one the failing corpus forgets to train. */
function twoHeads(seed) {
  const input = tf.input({ shape: [4] });
  const trunk = tf.layers.dense({ units: 16, activation: 'relu', kernelInitializer: init(seed) }).apply(input);
  const main = tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: init(seed + 1), name: 'main_head' }).apply(trunk);
  const aux = tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: init(seed + 2), name: 'aux_head' }).apply(trunk);
  return tf.model({ inputs: input, outputs: [main, aux] });
}

function batches(data, batchSize, heads) {
  return tf.data.generator(function* generate() {
    for (let start = 0; start < data.rows; start += batchSize) {
      const size = Math.min(batchSize, data.rows - start);
      const xs = data.x.slice(start, size);
      const ys = data.y.slice(start, size);
      yield { xs, ys: heads === 2 ? [ys, ys.clone()] : ys };
    }
  });
}

async function record(spec, seed, group) {
  await tf.setBackend(spec.backend ?? 'wasm');
  const random = seeded(1000 + seed);
  const realRandom = Math.random;
  Math.random = random; // fit's shuffle uses Math.random: seeded, every run is reproducible
  const [loader, options] = spec.data;
  const data = tensors(loader, { ...options, seed });
  const model = spec.functional ? twoHeads(seed) : await spec.model(seed, data);
  const optimizer = spec.optimizer();
  model.compile({ optimizer, loss: spec.loss, ...(spec.lossWeights ? { lossWeights: spec.lossWeights } : {}) });
  if (spec.afterCompile) spec.afterCompile(model);
  const monitor = paramMonitor({ ...(show ? {} : { logger: false }), gradients: true, ...(spec.every === 'epoch' ? {} : { everyBatches: spec.every }) });
  const callbacks = [...(spec.injector ? [spec.injector(model)] : []), monitor];
  const started = Date.now();
  try {
    const heads = spec.functional ? 2 : 1;
    const fitted = spec.dataset
      ? await model.fitDataset(batches(data, spec.batchSize, heads), { epochs: spec.epochs, callbacks, verbose: 0 })
      : await model.fit(data.x, heads === 2 ? [data.y, data.y] : data.y, { epochs: spec.epochs, batchSize: spec.batchSize, callbacks, verbose: 0 });
    const loss = fitted.history.loss.map(Number);
    const history = monitor.toJSON();
    const run = {
      name: `${spec.name}-s${seed}`, group, backend: tf.getBackend(), cadence: spec.every === 'epoch' ? 'epoch' : `every ${spec.every} batches`,
      optimizer: optimizer.getClassName(), batchSize: spec.batchSize, rows: data.rows, api: spec.dataset ? 'fitDataset' : 'fit',
      loss: [loss[0], loss[loss.length - 1]].map((v) => Number(v.toPrecision(4))),
      ...(spec.fault ? { fault: spec.fault } : {}),
      ...encode(history),
    };
    if (!show) {
      fs.mkdirSync(path.join(OUT, group), { recursive: true });
      fs.writeFileSync(path.join(OUT, group, `${run.name}.json`), `${JSON.stringify(run)}\n`);
    }
    const loud = history.alerts.filter((a) => a.severity !== 'info' && a.status === 'started').length;
    console.log(`${group} ${run.name}: ${history.snapshots.length} snapshots, loss ${run.loss.join(' -> ')}, `
      + `${loud} warn/error alerts with the current defaults, ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    Math.random = realRandom;
    await monitor.dispose();
    model.dispose();
    optimizer.dispose();
    tf.dispose([data.x, data.y]);
  }
}

async function main() {
  const jobs = [
    ...HEALTHY.flatMap((spec) => (seeds ?? spec.seeds ?? [1, 2, 3]).map((seed) => ['healthy', spec, seed])),
    ...FAILING.flatMap((spec) => (seeds ?? spec.seeds ?? [1, 2, 3]).map((seed) => ['failing', spec, seed])),
  ].filter(([, spec]) => only === null || spec.name.includes(only));
  for (const [group, spec, seed] of jobs) {
    if (!force && fs.existsSync(path.join(OUT, group, `${spec.name}-s${seed}.json`))) continue;
    await record(spec, seed, group);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

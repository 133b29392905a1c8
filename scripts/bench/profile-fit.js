// The profile behind the README's training-overhead notes: the demo model trained with a snapshot
// after every batch. Run from the repository root, after `npm run build`:
//   node --cpu-prof --cpu-prof-dir=/tmp/prof scripts/bench/profile-fit.js [wasm|cpu|tensorflow] [demo|wide] [main|worker|auto] [host|device]
// then open the .cpuprofile in Chrome DevTools (Performance) or summarize it by self time.
'use strict';
const tf = require('@tensorflow/tfjs');
require('@tensorflow/tfjs-backend-wasm');
const { paramMonitor } = require('../../dist');
const { demoModel, mnist } = require('./training');
const [backend = 'wasm', modelName = 'demo', thread = 'auto', statsOn = 'auto'] = process.argv.slice(2);
if (backend === 'tensorflow') require('@tensorflow/tfjs-node'); // eslint-disable-line global-require

/** The wide MLP of bench/wall-fit.js, 784-1024-1024-10. */
function wideModel() {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 1024, activation: 'relu', inputShape: [784] }));
  model.add(tf.layers.dense({ units: 1024, activation: 'relu' }));
  model.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  return model;
}
const { time } = require('./timing');

(async () => {
  await tf.setBackend(backend);
  const { xs, ys } = mnist(1000);
  const model = modelName === 'wide' ? wideModel() : demoModel();
  const monitor = paramMonitor({ logger: false, everyBatches: 1, thread, statsOn });
  const ms = await time(() => model.fit(xs, ys, { epochs: 6, batchSize: 64, callbacks: [monitor] }));
  const snapshots = monitor.toJSON().snapshots;
  const snapshotMs = snapshots.reduce((s, x) => s + x.computeMs, 0);
  console.log(`${tf.getBackend()}: fit ${ms.toFixed(0)} ms, ${snapshots.length} snapshots, ${(snapshotMs / snapshots.length).toFixed(2)} ms each (${(100 * snapshotMs / ms).toFixed(1)}% of fit)`);
  await monitor.dispose();
  model.dispose();
  tf.dispose([xs, ys]);
})();

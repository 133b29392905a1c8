'use strict';
/**
 * A run that goes wrong on purpose: linear regression with SGD at a learning rate past the
 * stability limit. The weights grow epoch by epoch; the monitor warns (`exploding`, `drift`)
 * long before they overflow, and `stopOn: ['non-finite']` ends the run when they do.
 *
 *   npm run build && node examples/diverging.js   (TFJS_BACKEND=cpu|wasm|tensorflow to choose)
 */
const { pickBackend } = require('./backend');
const { backendChoice } = require('./demo');
const { paramMonitor } = require('../dist');

async function main() {
  // The fastest backend that loads (tfjs-node when set up), or TFJS_BACKEND=cpu|wasm|tensorflow.
  const { tf, backend, packageName } = await pickBackend(backendChoice());
  console.log(`Backend: ${backend} (${packageName})`);
  const x = tf.randomUniform([256, 8], -3, 3, 'float32', 1);
  const y = tf.matMul(x, tf.randomUniform([8, 1], -1, 1, 'float32', 2));
  const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [8], name: 'regression' })] });
  const optimizer = tf.train.sgd(0.4); // stable only below about 2 / (2 * var(x)) = 0.33
  model.compile({ optimizer, loss: 'meanSquaredError' });
  // node examples/diverging.js [history.json]: also writes the parameter history there
  const monitor = paramMonitor({ stopOn: ['non-finite'], output: process.argv[2] });
  await model.fit(x, y, { epochs: 100, batchSize: 32, verbose: 0, callbacks: [monitor] });
  const { alerts, runs } = monitor.toJSON();
  console.log(`stopped after ${runs[0].endEpoch} of 100 epochs with ${alerts.length} alerts`);
  await monitor.dispose();
  model.dispose();
  optimizer.dispose();
  tf.dispose([x, y]);
}

main();

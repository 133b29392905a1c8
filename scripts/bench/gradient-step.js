// What `gradients: true` costs per training step on the demo model (MLP 784-128-10, adam, batch
// 64, MNIST digits): training-thread CPU time of one-epoch fits with and without it, alternated,
// and the per-step work alone (the listener's kernels, timed inside the step). A quick look for
// profiling; `npm run bench` gives the numbers with intervals (bench/training.js).
//
//   node --expose-gc scripts/bench/gradient-step.js [backend] [rounds]
'use strict';
const tf = require('@tensorflow/tfjs');
require('@tensorflow/tfjs-backend-wasm');
const { paramMonitor } = require('../../dist');
const { collectGarbage, threadCpuMs, median } = require('./timing');
const { mnist, demoModel } = require('./training');

const backend = process.argv[2] ?? 'wasm';
if (backend === 'tensorflow') require('@tensorflow/tfjs-node'); // eslint-disable-line global-require
const rounds = Number(process.argv[3] ?? 8);

(async () => {
  await tf.setBackend(backend);
  const { xs, ys } = mnist(2000);
  const template = demoModel();
  const initial = template.getWeights().map((w) => w.clone());
  template.dispose();
  const arms = {
    none: { options: null },
    epoch: { options: {} },
    gradients: { options: { gradients: true } },
    gradientsBatch: { options: { gradients: true, everyBatches: 1, thread: 'main' } },
    batch: { options: { everyBatches: 1, thread: 'main' } },
    stopOn: { options: { gradients: true, stopOn: ['gradient-non-finite'] } },
  };
  for (const arm of Object.values(arms)) {
    arm.model = demoModel(initial);
    arm.monitor = arm.options ? paramMonitor({ logger: false, ...arm.options }) : null;
    arm.ms = [];
  }
  const fit = async (arm) => {
    collectGarbage();
    const t = threadCpuMs();
    await arm.model.fit(xs, ys, { epochs: 1, batchSize: 64, callbacks: arm.monitor ? [arm.monitor] : [] });
    return threadCpuMs() - t;
  };
  for (const arm of Object.values(arms)) await fit(arm);
  const ratios = Object.fromEntries(Object.keys(arms).filter((k) => k !== 'none').map((k) => [k, []]));
  for (let r = 0; r < rounds; r += 1) {
    for (const name of Object.keys(ratios)) {
      const a = await fit(arms.none);
      const b = await fit(arms[name]);
      const c = await fit(arms.none);
      ratios[name].push(b / Math.sqrt(a * c));
      arms.none.ms.push(a, c);
    }
  }
  console.log(`${backend}: plain fit ${median(arms.none.ms).toFixed(1)} ms CPU (32 steps)`);
  for (const [name, list] of Object.entries(ratios)) console.log(`  ${name}: median ratio ${median(list).toFixed(3)} over ${list.length} rounds`);
  for (const arm of Object.values(arms)) { await arm.monitor?.dispose(); arm.model.dispose(); }
})();

// The profile behind the README's snapshot-cost notes: repeated snapshots of one weight through
// the snapshot store. Run from the repository root, after `npm run build`:
//   node --cpu-prof --cpu-prof-dir=/tmp/prof scripts/bench/profile-snapshot.js [wasm|cpu] [elements]
'use strict';
const tf = require('@tensorflow/tfjs');
require('@tensorflow/tfjs-backend-wasm');
const { SnapshotStore } = require('../../dist/stats/snapshot-store');
const { floorPass, medianMs, normalArray } = require('./timing');

(async () => {
  await tf.setBackend(process.argv[2] || 'cpu');
  const n = Number(process.argv[3] || 1e7);
  const a = normalArray(n, 1, 0, 0.05);
  const b = a.map((v, i) => v + (i % 7) * 1e-4);
  const [ta, tb] = [tf.tensor1d(a), tf.tensor1d(b)];
  const store = new SnapshotStore({ bins: 30, zeroTolerance: 0 }, 'host');
  let flip = false;
  const ms = await medianMs(() => {
    flip = !flip;
    return store.measure([{ name: 'w', value: flip ? tb : ta }]);
  }, { reps: 15 });
  const floor = await medianMs(() => floorPass(a), { reps: 15 });
  console.log(`${tf.getBackend()}, ${n} elements: snapshot ${(ms * 1e6 / n).toFixed(2)} ns per element, floor ${(floor * 1e6 / n).toFixed(2)}, ratio ${(ms / floor).toFixed(2)}`);
  store.dispose();
  tf.dispose([ta, tb]);
})();

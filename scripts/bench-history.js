#!/usr/bin/env node
/**
 * Cost of keeping the history on disk and in memory, run as `npm run bench:history` (builds
 * first). Not a test: it prints a markdown table of what one run measured on this machine.
 *
 * The demo model (MLP 784-128-10, 4 weights, 101,770 params) is trained on 640 MNIST digits,
 * batch 64, with a snapshot at every batch for 1,000 epochs: 10,000 snapshots plus the initial
 * one, with `output` set. Measured: the time spent writing the file (the monitor's own counters),
 * how many writes, the file size, what writing after every snapshot would have cost instead, the
 * peak RSS, and the heap after a full GC at the end; then the sizes the README quotes.
 */
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const tf = require('@tensorflow/tfjs');
require('@tensorflow/tfjs-backend-wasm');
const { loadDigits, buildModel } = require('../examples/demo');
const { paramMonitor, loadHistory } = require('../dist');

const SNAPSHOTS = Number(process.env.SNAPSHOTS ?? 10_000);
const DIGITS = 640;
const BATCH = 64;

const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

async function longRun(dir) {
  const { xs, ys } = loadDigits(tf, DIGITS);
  const model = buildModel(tf);
  const output = path.join(dir, 'params.json');
  const monitor = paramMonitor({ logger: false, output, everyBatches: 1 });
  let peakRss = 0;
  const meter = new tf.CustomCallback({ onBatchEnd: async () => { peakRss = Math.max(peakRss, process.memoryUsage().rss); } });
  const started = performance.now();
  await model.fit(xs, ys, { epochs: SNAPSHOTS / (DIGITS / BATCH), batchSize: BATCH, verbose: 0, callbacks: [monitor, meter] });
  const trainMs = performance.now() - started;
  await monitor.dispose();
  // The monitor's write counters are internal: read here for the measurement only.
  const { totalWriteMs, writes } = monitor.output.cost;
  const oneWrite = (() => {
    const t = performance.now();
    monitor.save(path.join(dir, 'again.json'));
    return performance.now() - t;
  })();
  global.gc?.();
  const heap = process.memoryUsage().heapUsed;
  const doc = loadHistory(output);
  tf.dispose([xs, ys]);
  model.dispose();
  return { trainMs, totalWriteMs, writes, oneWrite, peakRss, heap, fileBytes: fs.statSync(output).size, doc };
}

async function epochRun(dir) {
  const { xs, ys } = loadDigits(tf, 2000);
  const model = buildModel(tf);
  const output = path.join(dir, 'epochs.json');
  const monitor = paramMonitor({ logger: false, output });
  await model.fit(xs, ys, { epochs: 100, batchSize: 64, verbose: 0, callbacks: [monitor] });
  await monitor.dispose();
  tf.dispose([xs, ys]);
  model.dispose();
  return fs.statSync(output).size;
}

async function main() {
  await tf.setBackend('wasm');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pm-bench-history-'));
  const run = await longRun(dir);
  const snapshot = run.doc.snapshots[run.doc.snapshots.length - 1];
  const perWeight = Buffer.byteLength(JSON.stringify(snapshot.stats)) / Object.keys(snapshot.stats).length;
  const epochBytes = await epochRun(dir);
  console.log(`Machine: ${os.cpus().length} x ${os.cpus()[0].model}, Node ${process.version}, backend wasm`);
  console.log(`\n| ${SNAPSHOTS.toLocaleString('en-US')} batch snapshots of the demo model (output set) | measured |`);
  console.log('|---|---|');
  console.log(`| training time (fit, snapshots included) | ${(run.trainMs / 1000).toFixed(1)} s |`);
  console.log(`| time spent writing the output file | ${(run.totalWriteMs / 1000).toFixed(2)} s in ${run.writes} writes (${(100 * run.totalWriteMs / run.trainMs).toFixed(1)}% of training) |`);
  console.log(`| one write of the final document | ${run.oneWrite.toFixed(0)} ms |`);
  console.log(`| a write after every snapshot instead (about snapshots x half the final write) | ~${((SNAPSHOTS * run.oneWrite) / 2 / 1000).toFixed(0)} s |`);
  console.log(`| file size | ${mb(run.fileBytes)} (${run.doc.snapshots.length} whole snapshots, series of ${run.doc.series.epoch.length}) |`);
  console.log(`| peak RSS during training | ${mb(run.peakRss)} |`);
  console.log(`| heap after training${global.gc ? ' (after a full GC)' : ''} | ${mb(run.heap)} |`);
  console.log(`\n| size | bytes |`);
  console.log('|---|---|');
  console.log(`| one weight in one whole snapshot (statistics + 30-bin histogram, as JSON) | ${perWeight.toFixed(0)} |`);
  console.log('| one weight in the series, per snapshot (in memory: 11 float64 columns) | 88 |');
  console.log(`| history file of 100 epochs of the demo model (per-epoch snapshots) | ${(epochBytes / 1024).toFixed(0)} KB |`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});

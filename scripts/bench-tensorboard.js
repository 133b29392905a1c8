#!/usr/bin/env node
/**
 * Cost and size of the `tensorboard` option, run as `npm run bench:tensorboard` (builds first).
 * Not a test: it prints what one run measured on this machine.
 *
 * The demo model (MLP 784-128-10, 4 weights, 101,770 params) is trained on 640 MNIST digits,
 * batch 64, with a snapshot at every batch: SNAPSHOTS (default 20,000) batch snapshots plus the
 * initial one, `tensorboard` set, the statistics measured on the training thread (`thread:
 * 'main'`, so that the snapshot's own time, `computeMs`, is all of the snapshot). Measured: the
 * event file's size; the training thread's time in the TensorBoard output per snapshot (its
 * `snapshot` and, with the measuring worker, `label`, timed by the output when asked to:
 * choosing the histograms, copying the numbers into shared memory) against the snapshots' own time; the writer thread's time and CPU on the other core. Then, in
 * the same run: WORKER_SNAPSHOTS (default 20,000) with the measuring worker (what `thread:
 * 'auto'`, the default, picks for batch snapshots on wasm and cpu; the worker publishes the
 * statistics to the writer itself), against the training thread's share of a snapshot; SYNC_SNAPSHOTS (default
 * 2,000) each with the writer's script hidden, so that the training thread writes each event itself (the fallback,
 * and how every event was written before the writer thread); and the floor of any write on the
 * training thread, a bare `fs.writeSync` after each batch. Last, parts of a write: the CRC32C
 * here against @aws-crypto/crc32c, and what an `fsync` per snapshot would add.
 *
 * BACKENDS (default `wasm,tensorflow`) names the backends, each measured in full; `tensorflow`
 * (tfjs-node, `npm run setup:tfjs-node`) is left out with a note when it does not load.
 * Results go to bench-tensorboard-results.json.
 */
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const tf = require('@tensorflow/tfjs');
require('@tensorflow/tfjs-backend-wasm');
const { crc32c: awsCrc32c } = require('@aws-crypto/crc32c');
const { loadDigits, buildModel } = require('../examples/demo');
const { paramMonitor } = require('../dist');
const { crc32c } = require('../dist/tensorboard/crc32c');

const SNAPSHOTS = Number(process.env.SNAPSHOTS ?? 20_000);
const WORKER_SNAPSHOTS = Number(process.env.WORKER_SNAPSHOTS ?? 20_000);
const SYNC_SNAPSHOTS = Number(process.env.SYNC_SNAPSHOTS ?? 2_000);
const DIGITS = 640;
const BATCH = 64;

const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** A logger-shaped object that only sums the snapshots' `computeMs` (nothing is printed). */
function computeMeter() {
  const meter = {
    snapshots: 0, computeMs: 0, samples: [],
    log(_level, _message, meta) {
      if (meta && meta.event === 'snapshot') {
        meter.snapshots += 1;
        meter.computeMs += meta.computeMs;
        meter.samples.push(meta.computeMs * 1000);
      }
    },
    child() { return meter; },
    isLevelEnabled(level) { return level !== 'debug'; },
  };
  return meter;
}

/**
 * One fit with `tensorboard`. `mode` 'thread' (the writer thread), or 'sync': the writer's script
 * hidden for the fit, so the monitor falls back to writing on the training thread.
 */
async function run(dir, snapshots, thread, mode = 'thread') {
  fs.mkdirSync(dir, { recursive: true });
  const { xs, ys } = loadDigits(tf, DIGITS);
  const model = buildModel(tf);
  const meter = computeMeter();
  const script = path.join(__dirname, '..', 'dist', 'tensorboard', 'write-worker.js');
  if (mode === 'sync') fs.renameSync(script, `${script}.hidden`);
  let trainMs;
  let monitor;
  const samples = { all: [], withHistograms: [], scalarsOnly: [] };
  try {
    monitor = paramMonitor({ logger: meter, summary: false, tensorboard: dir, everyBatches: 1, thread });
    // The output times its calls for each snapshot (`snapshot`, and `label` with the measuring
    // worker) when asked to; each hand-over to the writer is timed apart (internals, for the
    // measurement only).
    const tb = monitor.tensorboard;
    tb.timing = true;
    const writer = tb.writer;
    let histogramsBefore = 0;
    // A snapshot's statistics go by `writeStats`, anything else by `write`.
    for (const method of ['write', 'writeStats']) {
      const call = writer[method].bind(writer);
      writer[method] = (...args) => {
        const t = performance.now();
        call(...args);
        const us = (performance.now() - t) * 1000;
        if (method === 'write') return;
        // The output counts a snapshot with histograms before it hands it over.
        (tb.cost.histogramSnapshots > histogramsBefore ? samples.withHistograms : samples.scalarsOnly).push(us);
        histogramsBefore = tb.cost.histogramSnapshots;
        samples.all.push(us);
      };
    }
    const started = performance.now();
    await model.fit(xs, ys, { epochs: snapshots / (DIGITS / BATCH), batchSize: BATCH, verbose: 0, callbacks: [monitor] });
    trainMs = performance.now() - started;
  } finally {
    if (mode === 'sync') fs.renameSync(`${script}.hidden`, script);
  }
  await monitor.dispose();
  // The writer's counters are internal: read here for the measurement only.
  const tb = monitor.tensorboard;
  const writer = tb.writer.threadStats;
  if (writer.onThread !== (mode === 'thread')) throw new Error(`the ${mode} run wrote ${writer.onThread ? 'on the writer thread' : 'on the training thread'}`);
  tf.dispose([xs, ys]);
  model.dispose();
  return {
    mode, thread, trainMs, snapshots: meter.snapshots, computeMs: meter.computeMs, writeMs: tb.cost.totalWriteMs, writes: tb.cost.writes,
    histogramSnapshots: tb.cost.histogramSnapshots, bytes: fs.statSync(tb.file).size,
    medianWriteUs: median(samples.all), medianComputeUs: median(meter.samples), writer,
    medianWithHistogramsUs: median(samples.withHistograms), medianScalarsOnlyUs: median(samples.scalarsOnly),
  };
}

/**
 * The floor of any per-snapshot write on the training thread: the same demo fit with the monitor
 * (statistics on the training thread, no `tensorboard`) and, after each batch, one bare
 * `fs.writeSync` of 1.5 KB to a file opened once, timed alone.
 */
async function syscallFloor(dir, snapshots) {
  const { xs, ys } = loadDigits(tf, DIGITS);
  const model = buildModel(tf);
  const meter = computeMeter();
  const monitor = paramMonitor({ logger: meter, summary: false, everyBatches: 1, thread: 'main' });
  const fd = fs.openSync(path.join(dir, 'floor-probe'), 'a');
  const bytes = Buffer.alloc(1500, 7);
  const times = [];
  const probe = new tf.CustomCallback({
    onBatchEnd: async () => {
      const t = performance.now();
      fs.writeSync(fd, bytes);
      times.push((performance.now() - t) * 1000);
    },
  });
  await model.fit(xs, ys, { epochs: snapshots / (DIGITS / BATCH), batchSize: BATCH, verbose: 0, callbacks: [monitor, probe] });
  await monitor.dispose();
  fs.closeSync(fd);
  tf.dispose([xs, ys]);
  model.dispose();
  return { medianWriteUs: median(times), medianComputeUs: median(meter.samples) };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Median µs of fn over rounds of `inner` calls. */
function timeUs(fn, inner = 2000, rounds = 15) {
  const times = [];
  for (let r = 0; r < rounds; r += 1) {
    const t = performance.now();
    for (let i = 0; i < inner; i += 1) fn();
    times.push(((performance.now() - t) * 1000) / inner);
  }
  return median(times);
}

/** µs of an fsync after a 1.4 KB append, as one per snapshot would cost. */
function fsyncUs(dir) {
  const file = path.join(dir, 'fsync-probe');
  const fd = fs.openSync(file, 'a');
  const bytes = Buffer.alloc(1400, 7);
  const times = [];
  for (let i = 0; i < 200; i += 1) {
    fs.writeSync(fd, bytes);
    const t = performance.now();
    fs.fsyncSync(fd);
    times.push((performance.now() - t) * 1000);
  }
  fs.closeSync(fd);
  return median(times);
}

/** Loads tfjs-node if it can; false (and why, printed) when it cannot. */
function loadTensorflow() {
  try {
    require('@tensorflow/tfjs-node');
    return true;
  } catch (error) {
    console.log(`(tensorflow left out: tfjs-node does not load here: ${String(error.message).split('\n')[0]}; see npm run setup:tfjs-node)\n`);
    return false;
  }
}

async function measure(backend, dir) {
  await tf.setBackend(backend);
  const main = await run(path.join(dir, 'main'), SNAPSHOTS, 'main');
  const worker = await run(path.join(dir, 'worker'), WORKER_SNAPSHOTS, 'worker');
  const sync = await run(path.join(dir, 'sync'), SYNC_SNAPSHOTS, 'main', 'sync');
  const floor = await syscallFloor(dir, SYNC_SNAPSHOTS);
  // The output's time per snapshot: with the measuring worker, most snapshots hand nothing over.
  const perWrite = (r) => (r.writeMs / r.snapshots) * 1000;
  const perSnapshot = (r) => (r.computeMs / r.snapshots) * 1000;
  const share = (r) => `${(100 * r.writeMs / r.computeMs).toFixed(2)}% (${perWrite(r).toFixed(1)} µs a snapshot, against ${perSnapshot(r).toFixed(0)} µs)`;
  // What `thread: 'auto'` (the default) picks for batch snapshots on this backend.
  const auto = backend === 'tensorflow' ? main : worker;
  const { writer } = main;
  console.log(`# tensorboard option: demo model (4 weights, 101,770 params), ${backend}, a snapshot every batch\n`);
  console.log('| measure | value |');
  console.log('|---|---|');
  console.log(`| batch snapshots (plus the initial one) | ${(main.snapshots - 1).toLocaleString('en')} |`);
  console.log(`| event file | ${mb(main.bytes)} (${Math.round(main.bytes / main.snapshots)} bytes a snapshot; histograms at ${main.histogramSnapshots.toLocaleString('en')} snapshots) |`);
  console.log(`| **the default, \`thread: 'auto'\`** (${backend === 'tensorflow' ? 'statistics on the training thread' : 'the measuring worker'}): the TensorBoard output on the training thread, against the snapshots' own time | **${share(auto)}** |`);
  console.log(`| with the statistics on the training thread (\`thread: 'main'\`): write cost on the training thread (the writer thread), against the snapshots' own time | ${share(main)} |`);
  console.log(`| median hand-over / median snapshot | ${(100 * main.medianWriteUs / main.medianComputeUs).toFixed(2)}% (${main.medianWriteUs.toFixed(1)} µs / ${main.medianComputeUs.toFixed(0)} µs) |`);
  console.log(`| median hand-over of a snapshot with its histograms (${main.histogramSnapshots.toLocaleString('en')}) / with scalars only | ${main.medianWithHistogramsUs.toFixed(1)} µs (${(100 * main.medianWithHistogramsUs / main.medianComputeUs).toFixed(2)}% of the median snapshot) / ${(main.medianScalarsOnlyUs ?? NaN).toFixed(1)} µs |`);
  console.log(`| write cost on the training thread against the whole fit | ${(100 * main.writeMs / main.trainMs).toFixed(3)}% (fit ${(main.trainMs / 1000).toFixed(1)} s) |`);
  console.log(`| the writer thread, on the other core: decoding and writing / its CPU time / polls | ${(writer.writeMs / writer.written * 1000).toFixed(1)} µs an event / ${writer.cpuMs.toFixed(0)} ms, ${(100 * writer.cpuMs / main.trainMs).toFixed(2)}% of a core over the fit / ${writer.polls.toLocaleString('en')} (${(writer.polls / (main.trainMs / 1000)).toFixed(0)} a second) |`);
  console.log(`| with the measuring worker (\`thread: 'worker'\`, ${(worker.snapshots - 1).toLocaleString('en')} snapshots; the statistics go to the writer through the worker's tap), against the training thread's share of a snapshot | ${share(worker)}; events handed over by the training thread: ${worker.writes.toLocaleString('en')} |`);
  console.log(`| the training thread writing each event itself (the fallback; ${(sync.snapshots - 1).toLocaleString('en')} snapshots) | ${share(sync)}; median ${(100 * sync.medianWriteUs / sync.medianComputeUs).toFixed(2)}% |`);
  console.log(`| floor of any write on the training thread: a bare 1.5 KB writeSync after each batch / median snapshot (${(floor.medianWriteUs).toFixed(1)} µs / ${floor.medianComputeUs.toFixed(0)} µs) | ${(100 * floor.medianWriteUs / floor.medianComputeUs).toFixed(2)}% |`);
  console.log('');
  return { main, worker, sync, floor };
}

async function main() {
  const wanted = (process.env.BACKENDS ?? 'wasm,tensorflow').split(',');
  const backends = wanted.filter((backend) => backend !== 'tensorflow' || loadTensorflow());
  const dir = fs.mkdtempSync(path.join(process.env.BENCH_DIR ?? os.tmpdir(), 'pm-bench-tb-'));
  const results = {};
  try {
    for (const backend of backends) results[backend] = await measure(backend, path.join(dir, backend));
    const record = Buffer.alloc(1500);
    for (let i = 0; i < record.length; i += 1) record[i] = (i * 7919) & 0xff;
    const ours = timeUs(() => crc32c(record));
    const aws = timeUs(() => awsCrc32c(record), 200);
    const fsync = fsyncUs(dir);
    console.log('| parts of a write | value |');
    console.log('|---|---|');
    console.log(`| CRC32C of 1.5 KB: here / @aws-crypto/crc32c | ${ours.toFixed(2)} µs / ${aws.toFixed(2)} µs |`);
    console.log(`| an fsync per snapshot would add | ${fsync.toFixed(0)} µs |`);
    fs.writeFileSync('bench-tensorboard-results.json', `${JSON.stringify({ ...results, crcUs: { ours, aws }, fsyncUs: fsync }, null, 2)}\n`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

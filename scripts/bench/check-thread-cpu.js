// Checks `threadCpuMs` (timing.js), run once by hand: `node scripts/bench/check-thread-cpu.js`.
// The bench judges training overhead on it because the monitor's worker runs on another core, so
// it must count the calling thread's work and nothing of a busy worker, where `process.cpuUsage()`
// counts both. Prints, per case, the wall ms, the main thread's CPU ms, the process's CPU ms and
// the worker's own CPU ms (read in the worker with the same function). Never a test.
'use strict';
const path = require('path');
const { Worker } = require('worker_threads');
const { threadCpuMs, threadCpuSource } = require('./timing');

const BUSY_MS = 200;
const timing = path.join(__dirname, 'timing.js');

function spin(ms) {
  const end = performance.now() + ms;
  let x = 0;
  while (performance.now() < end) x += 1;
  return x;
}

const processCpuMs = () => {
  const used = process.cpuUsage();
  return (used.user + used.system) / 1e3;
};

/** A worker that, once told, spins for BUSY_MS and answers with its own thread CPU ms. */
function busyWorker() {
  const worker = new Worker(`
    const { parentPort } = require('worker_threads');
    const { threadCpuMs } = require(${JSON.stringify(timing)});
    parentPort.on('message', () => {
      const start = threadCpuMs();
      const end = performance.now() + ${BUSY_MS};
      while (performance.now() < end);
      parentPort.postMessage(threadCpuMs() - start);
    });
    parentPort.postMessage('ready');`, { eval: true });
  return new Promise((resolve) => worker.once('message', () => resolve(worker)));
}

/** Runs `main` (on this thread) with or without a busy worker started just before it. */
async function measure(label, main, withWorker) {
  const worker = withWorker ? await busyWorker() : null;
  const answer = worker && new Promise((resolve) => worker.once('message', resolve));
  const [wall, thread, proc] = [performance.now(), threadCpuMs(), processCpuMs()];
  if (worker) worker.postMessage('go');
  main();
  const workerCpu = worker ? await answer : null;
  const row = {
    case: label, wallMs: performance.now() - wall, threadCpuMs: threadCpuMs() - thread,
    processCpuMs: processCpuMs() - proc, workerThreadCpuMs: workerCpu,
  };
  if (worker) await worker.terminate();
  return row;
}

(async () => {
  spin(50); // JIT warm-up
  const sleep = () => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, BUSY_MS + 50);
  const rows = [
    await measure(`main busy ${BUSY_MS} ms`, () => spin(BUSY_MS), false),
    await measure(`main busy ${BUSY_MS} ms, worker busy ${BUSY_MS} ms at once`, () => spin(BUSY_MS), true),
    await measure(`main asleep, worker busy ${BUSY_MS} ms`, sleep, true),
  ];
  console.log(`threadCpuMs reads: ${threadCpuSource()}`);
  console.table(rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'number' ? Math.round(v) : v]))));
})();

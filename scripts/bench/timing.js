// Timing helpers and the floor of `npm run bench`.
'use strict';
const fs = require('fs');
const v8 = require('v8');
const vm = require('vm');

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * A full garbage collection: `global.gc` under `node --expose-gc` (as `npm run bench` runs), else
 * the same function obtained by setting the flag at run time.
 */
const collectGarbage = typeof global.gc === 'function' ? global.gc : (() => {
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc');
})();

/** Milliseconds `fn` takes (awaited). */
async function time(fn) {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** The calling thread's /proc schedstat, opened on first use and kept (read once per batch); null where there is none. */
let schedstat;
const schedstatText = Buffer.alloc(64);

/**
 * CPU ms of the calling thread so far, from `/proc/thread-self/schedstat` (its first field: ns on
 * a CPU; Linux). Unlike `process.cpuUsage()`, it leaves out the other threads: the monitor's
 * measuring worker and V8's helper threads, on other cores. Where the file is missing it falls
 * back to the process's CPU time (`threadCpuSource()` says which).
 */
function threadCpuMs() {
  if (schedstat === undefined) {
    try {
      schedstat = fs.openSync('/proc/thread-self/schedstat', 'r');
    } catch {
      schedstat = null;
    }
  }
  if (schedstat === null) {
    const used = process.cpuUsage();
    return (used.user + used.system) / 1e3;
  }
  // Reading a /proc file again from position 0 regenerates it: the numbers are current.
  const length = fs.readSync(schedstat, schedstatText, 0, schedstatText.length, 0);
  return Number(schedstatText.toString('latin1', 0, length).split(' ', 1)[0]) / 1e6;
}

/** Where `threadCpuMs` reads: 'schedstat' (the thread's own), or 'process' (the fallback: every thread). */
function threadCpuSource() {
  threadCpuMs();
  return schedstat === null ? 'process' : 'schedstat';
}

/**
 * Median ms of one call of `fn`, over `reps` timings each long enough (>= minMs, by repeating the
 * call) to be read reliably; after `warm` untimed calls.
 */
async function medianMs(fn, { reps = 7, warm = 2, minMs = 20 } = {}) {
  for (let i = 0; i < warm; i += 1) await fn();
  const once = await time(fn);
  const calls = Math.max(1, Math.ceil(minMs / Math.max(once, 1e-3)));
  const ts = [];
  for (let r = 0; r < reps; r += 1) {
    ts.push((await time(async () => {
      for (let c = 0; c < calls; c += 1) await fn();
    })) / calls);
  }
  return median(ts);
}

/**
 * Median ms of `a` and of `b`, and the median of their per-round ratio b / a, timed alternately
 * (round by round) so that both see the same load on a shared machine.
 */
async function pairedMs(a, b, { reps = 9, warm = 2, minMs = 20 } = {}) {
  const callsFor = async (fn) => {
    for (let i = 0; i < warm; i += 1) await fn();
    return Math.max(1, Math.ceil(minMs / Math.max(await time(fn), 1e-3)));
  };
  const [callsA, callsB] = [await callsFor(a), await callsFor(b)];
  const timed = async (fn, calls) => (await time(async () => {
    for (let c = 0; c < calls; c += 1) await fn();
  })) / calls;
  const [as, bs, ratios] = [[], [], []];
  for (let r = 0; r < reps; r += 1) {
    as.push(await timed(a, callsA));
    bs.push(await timed(b, callsB));
    ratios.push(bs[r] / as[r]);
  }
  return { a: median(as), b: median(bs), ratio: median(ratios) };
}

function floorChunk(x, start, end, acc) {
  let sum = 0;
  let sumSq = 0;
  let min = acc[2];
  let max = acc[3];
  let zeros = 0;
  for (let i = start; i < end; i++) {
    const v = x[i];
    sum += v;
    sumSq += v * v;
    if (v < min) min = v;
    if (v > max) max = v;
    if (v === 0) zeros++;
  }
  acc[0] += sum;
  acc[1] += sumSq;
  acc[2] = min;
  acc[3] = max;
  acc[4] += zeros;
}

/**
 * The floor: one fused JavaScript pass over a Float32Array computing sum, sum of squares, min,
 * max and zero count, in the engine's 64K-element chunks (its fastest form), warmed like it.
 */
function floorPass(x) {
  const acc = new Float64Array(5);
  acc[2] = Infinity;
  acc[3] = -Infinity;
  for (let start = 0; start < x.length; start += 65536) floorChunk(x, start, Math.min(start + 65536, x.length), acc);
  return acc;
}
const warmData = Float32Array.of(1, -2, 0, 3, 0.5, -7, 0, 2);
for (let i = 0; i < 100; i += 1) floorPass(warmData);

/** `n` float32 values of N(mean, std) (Box-Muller on a seeded generator). */
function normalArray(n, seed, mean = 0, std = 1) {
  let a = seed >>> 0;
  const rand = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 1) / 4294967297;
  };
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    const r = Math.sqrt(-2 * Math.log(rand()));
    const theta = 2 * Math.PI * rand();
    out[i] = mean + std * r * Math.cos(theta);
    if (i + 1 < n) out[i + 1] = mean + std * r * Math.sin(theta);
  }
  return out;
}

module.exports = { median, time, threadCpuMs, threadCpuSource, collectGarbage, medianMs, pairedMs, floorPass, normalArray };

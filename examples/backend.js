'use strict';
/**
 * Picks the fastest TensorFlow.js backend that loads on this machine, in this order:
 *
 *   1. `@tensorflow/tfjs-node-gpu`   (native TensorFlow, CUDA)      backend `tensorflow`
 *   2. `@tensorflow/tfjs-node`       (native TensorFlow, CPU)       backend `tensorflow`
 *   3. `@tensorflow/tfjs-backend-wasm` (WebAssembly, SIMD)          backend `wasm`
 *   4. `@tensorflow/tfjs` pure-JS CPU kernels                       backend `cpu`
 *
 * None of the first three is required: a package that is not installed, or that is installed
 * but fails to load (a native binding built for another Node version, missing CUDA libraries),
 * is skipped and the reason is returned in `skipped`, so a caller can say why it is slower
 * than expected instead of failing.
 *
 * Use the returned `tf` everywhere: tfjs-node re-exports the `@tensorflow/tfjs` it depends on,
 * and a model must be built with the same tfjs-core instance whose backend was set.
 *
 * @example
 *   const { pickBackend } = require('./backend');
 *   const { tf, backend, packageName, skipped } = await pickBackend();
 *   console.log(`Backend: ${backend} (${packageName})`);
 *
 *   // Only consider some candidates, e.g. to compare speeds:
 *   await pickBackend({ only: ['cpu'] });
 */

/** Candidate names accepted by the `only` option, fastest first. */
const CANDIDATES = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];

/**
 * True when `err` says that `packageName` itself is not installed (as opposed to the package
 * being present but one of its own dependencies or native files failing to load).
 */
function isMissingPackage(err, packageName) {
  return (
    err != null &&
    err.code === 'MODULE_NOT_FOUND' &&
    typeof err.message === 'string' &&
    err.message.includes(`'${packageName}'`)
  );
}

function describe(err) {
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n')[0];
}

/** Loads a tfjs-node flavour; returns null with a reason when it is absent or broken. */
async function tryNode(packageName, skipped) {
  let tf;
  try {
    tf = require(packageName);
  } catch (err) {
    skipped.push({
      packageName,
      reason: isMissingPackage(err, packageName) ? 'not installed' : `failed to load: ${describe(err)}`,
    });
    return null;
  }
  try {
    // Importing tfjs-node registers the `tensorflow` backend with the highest priority; set it
    // explicitly anyway in case another backend was selected before.
    if (!(await tf.setBackend('tensorflow'))) {
      skipped.push({ packageName, reason: 'the `tensorflow` backend did not initialize' });
      return null;
    }
    await tf.ready();
  } catch (err) {
    skipped.push({ packageName, reason: `failed to initialize: ${describe(err)}` });
    return null;
  }
  return { tf, backend: tf.getBackend(), packageName };
}

/** Sets a backend of the plain `@tensorflow/tfjs` bundle; returns null with a reason on failure. */
async function tryPlain(tf, backendName, packageName, skipped) {
  if (backendName === 'wasm') {
    try {
      require('@tensorflow/tfjs-backend-wasm');
    } catch (err) {
      skipped.push({
        packageName,
        reason: isMissingPackage(err, packageName) ? 'not installed' : `failed to load: ${describe(err)}`,
      });
      return null;
    }
  }
  try {
    // setBackend resolves to false (and logs) when the backend fails to initialize.
    if (!(await tf.setBackend(backendName))) {
      skipped.push({ packageName, reason: `the \`${backendName}\` backend did not initialize` });
      return null;
    }
    await tf.ready();
  } catch (err) {
    skipped.push({ packageName, reason: `failed to initialize: ${describe(err)}` });
    return null;
  }
  return { tf, backend: tf.getBackend(), packageName };
}

/**
 * @param {{ only?: string[] }} [options]
 *   `only`: candidate names to consider, any of `tensorflow-gpu`, `tensorflow`, `wasm`, `cpu`;
 *   they are still tried fastest first. @default all four
 * @returns {Promise<{ tf: typeof import('@tensorflow/tfjs'), backend: string, packageName: string,
 *   skipped: { packageName: string, reason: string }[] }>}
 */
async function pickBackend(options = {}) {
  const only = options.only === undefined ? CANDIDATES : options.only;
  if (!Array.isArray(only) || only.length === 0 || only.some((name) => !CANDIDATES.includes(name))) {
    throw new TypeError(
      `The \`only\` option must be a non-empty array of ${CANDIDATES.map((c) => `'${c}'`).join(', ')}, ` +
        `but got ${JSON.stringify(only)}.`,
    );
  }
  const skipped = [];
  const wanted = (name) => only.includes(name);

  if (wanted('tensorflow-gpu')) {
    const picked = await tryNode('@tensorflow/tfjs-node-gpu', skipped);
    if (picked) return { ...picked, skipped };
  }
  if (wanted('tensorflow')) {
    const picked = await tryNode('@tensorflow/tfjs-node', skipped);
    if (picked) return { ...picked, skipped };
  }

  // Required only here: a plain tfjs import is not needed when tfjs-node provides it.
  const tf = require('@tensorflow/tfjs');
  if (wanted('wasm')) {
    const picked = await tryPlain(tf, 'wasm', '@tensorflow/tfjs-backend-wasm', skipped);
    if (picked) return { ...picked, skipped };
  }
  if (wanted('cpu')) {
    const picked = await tryPlain(tf, 'cpu', '@tensorflow/tfjs', skipped);
    if (picked) return { ...picked, skipped };
  }
  const reasons = skipped.map((s) => `${s.packageName}: ${s.reason}`).join('; ');
  throw new Error(`No TensorFlow.js backend could be initialized (${reasons}).`);
}

module.exports = { pickBackend, CANDIDATES };

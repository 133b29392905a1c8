/**
 * The backends the suite's backend matrices run on: `cpu` and `wasm` always, and `tensorflow`
 * (real tfjs-node, libtensorflow) when it loads. Whether it loads is found once per run by the
 * jest global setup (test/setup/tfjs-node-probe.js), which prints one line when it is skipped.
 */
import '@tensorflow/tfjs-backend-wasm';

/** True when @tensorflow/tfjs-node loads in this run (the global setup probed it). */
export const TFJS_NODE = process.env.TFJS_PARAM_MONITOR_TFJS_NODE === '1';

if (TFJS_NODE) {
  // Registers the `tensorflow` backend. It has the highest priority, so every test file that
  // imports this helper sets its backend explicitly (as they all do).
  require('@tensorflow/tfjs-node'); // eslint-disable-line @typescript-eslint/no-require-imports
}

/** `['cpu', 'wasm']`, plus `'tensorflow'` when tfjs-node loads. */
export const TEST_BACKENDS: string[] = ['cpu', 'wasm', ...(TFJS_NODE ? ['tensorflow'] : [])];

/** `it` when tfjs-node loads, `it.skip` otherwise (the global setup said why, once). */
export const itWithTfjsNode = TFJS_NODE ? it : it.skip;

/** `describe` when tfjs-node loads, `describe.skip` otherwise (the global setup said why, once). */
export const describeWithTfjsNode = TFJS_NODE ? describe : describe.skip;

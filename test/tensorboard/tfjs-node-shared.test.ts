/**
 * The `tensorboard` option beside tfjs-node's own `tf.node.tensorBoard` callback, both given the
 * same folder, on real tfjs-node: the callback writes its loss under `<folder>/train`, the monitor
 * its weights in `<folder>`, and their steps line up. An epoch snapshot's step is the epochs
 * completed, the step the callback gives its `epoch_loss`; a batch snapshot's step is the global
 * batch count, the step of its `batch_loss` with `updateFreq: 'batch'`. The callback's own
 * histograms (`histogramFreq`) sit one step behind its scalars, at the epoch's index. Its
 * histogram throws on a weight of one element with this libtensorflow, so the model has none.
 *
 * Tensor leaks: tfjs-node's summary writers keep tensors for the life of the process (a cache of
 * writers by folder, each holding a resource handle), so the live count cannot come back to its
 * baseline here. Each test proves instead that the monitor adds none: the same fit with the
 * callback alone, into a fresh folder, leaves exactly as many.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { paramMonitor } from '../../src';
import { describeWithTfjsNode } from '../helpers/backends';
import { eventFilesIn, readEventFile, seriesByTag } from '../helpers/event-file-reader';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pm-tb-tfjs-node-'));

afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** Every tag of every event file in `folder`, with its steps. */
function stepsByTag(folder: string): Map<string, number[]> {
  const steps = new Map<string, number[]>();
  for (const file of eventFilesIn(folder)) {
    for (const [tag, points] of seriesByTag(readEventFile(file).events)) steps.set(tag, [...(steps.get(tag) ?? []), ...points.map((p) => p.step)]);
  }
  return steps;
}

describeWithTfjsNode('one folder for tf.node.tensorBoard and the tensorboard option, on tfjs-node', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const tfn = require('@tensorflow/tfjs-node') as { node: { tensorBoard(dir: string, args?: object): tf.CustomCallback } };

  beforeAll(async () => {
    await tf.setBackend('tensorflow');
  });

  /** Trains with the callback and, unless `monitorOptions` is null, the monitor; returns the tensors left alive. */
  async function train(folder: string, epochs: number, monitorOptions: object | null, callbackArgs: object): Promise<number> {
    const before = tf.memory().numTensors;
    const xs = tf.randomNormal([24, 4], 0, 1, 'float32', 1);
    const ys = tf.randomNormal([24, 2], 0, 1, 'float32', 2);
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [4], activation: 'relu' }), tf.layers.dense({ units: 2 })] });
    model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    const monitor = monitorOptions === null ? null : paramMonitor({ logger: false, tensorboard: folder, ...monitorOptions });
    const callback = tfn.node.tensorBoard(folder, callbackArgs);
    await model.fit(xs, ys, { epochs, batchSize: 8, verbose: 0, callbacks: monitor ? [monitor, callback] : [callback] });
    await monitor?.dispose();
    model.dispose();
    tf.dispose([xs, ys]);
    return tf.memory().numTensors - before;
  }

  it("puts an epoch snapshot at the step of the callback's epoch_loss for the same epoch", async () => {
    const folder = path.join(tmp, 'epochs');
    const args = { updateFreq: 'epoch', histogramFreq: 1 };
    expect(await train(folder, 3, {}, args)).toBe(await train(path.join(tmp, 'epochs-alone'), 3, null, args));
    const ours = stepsByTag(folder);
    const theirs = stepsByTag(path.join(folder, 'train'));
    const kernel = [...ours.keys()].find((tag) => tag.endsWith('kernel'))!;
    expect(theirs.get('epoch_loss')).toEqual([1, 2, 3]);
    expect(ours.get(`${kernel}/l2Norm`)).toEqual([0, 1, 2, 3]);
    expect(ours.get(kernel)).toEqual([0, 1, 2, 3]);
    // The callback's histogram of the same weight, one step behind its epoch_loss.
    expect(theirs.get(kernel)).toEqual([0, 1, 2]);
  });

  it("puts a batch snapshot at the step of the callback's batch_loss for the same batch", async () => {
    const folder = path.join(tmp, 'batches');
    const args = { updateFreq: 'batch' };
    expect(await train(folder, 2, { everyBatches: 1, thread: 'main' }, args)).toBe(await train(path.join(tmp, 'batches-alone'), 2, null, args));
    const ours = stepsByTag(folder);
    const theirs = stepsByTag(path.join(folder, 'train'));
    const kernel = [...ours.keys()].find((tag) => tag.endsWith('kernel'))!;
    // 3 batches an epoch: batch_loss at the global batch count; the monitor also at 0, the initial weights.
    expect(theirs.get('batch_loss')).toEqual([1, 2, 3, 4, 5, 6]);
    expect(ours.get(`${kernel}/l2Norm`)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(theirs.get('epoch_loss')).toEqual([1, 2]);
  });
});

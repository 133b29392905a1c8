/**
 * What `gradients: true` costs each training step: the kernels it adds (pinned: a few fused
 * reductions, no read), and the one small read it adds only with `stopOn: ['gradient-non-finite']`.
 */
import * as tf from '@tensorflow/tfjs';
import { GradientRecorder } from '../../src/gradients/gradient-recorder';
import { TEST_BACKENDS } from '../helpers/backends';
import { loadIris } from '../helpers/iris';
import { classifier, disposeAll } from './builders';
import { expectNoLeaks } from '../helpers/tensor-leaks';


/**
 * A recorder as the monitor builds it: dead units counted on the two kernels, from their layers'
 * biases (`fromBias`) or, as for a layer without a bias, from the kernels' columns.
 */
function recorder(model: tf.LayersModel, skipNonFinite: boolean, fromBias = true): GradientRecorder {
  const units = new Map(model.weights.filter((w) => w.name.endsWith('/kernel'))
    .map((w) => [w.name, { units: w.shape[1]!, bias: fromBias ? w.name.replace(/kernel$/, 'bias') : null }]));
  return new GradientRecorder({
    bins: 30, zeroTolerance: 0, statsOn: 'auto', skipNonFinite,
    unitsOf: (name) => units.get(name) ?? null,
    watches: () => true,
    onError: (e) => { throw e; },
  });
}

/** Kernel names of one `trainOnBatch`, sorted. */
async function stepKernels(model: tf.LayersModel, xs: tf.Tensor, ys: tf.Tensor): Promise<string[]> {
  const info = await tf.profile(async () => { await model.trainOnBatch(xs, ys); });
  return info.kernels.map((k) => k.name).sort();
}

/** Counts `dataSync` calls on any tensor while `fn` runs. */
async function dataSyncCalls(fn: () => Promise<unknown>): Promise<number> {
  const proto = tf.Tensor.prototype as unknown as { dataSync: (...a: unknown[]) => unknown };
  const original = proto.dataSync;
  let calls = 0;
  proto.dataSync = function (this: unknown, ...args: unknown[]) { calls += 1; return original.apply(this, args); };
  try {
    await fn();
  } finally {
    proto.dataSync = original;
  }
  return calls;
}

function difference(withIt: string[], without: string[]): string[] {
  const rest = without.slice();
  const extra: string[] = [];
  for (const k of withIt) {
    const at = rest.indexOf(k);
    if (at >= 0) rest.splice(at, 1); else extra.push(k);
  }
  expect(rest).toEqual([]);
  return extra.sort();
}

describe.each(TEST_BACKENDS)('the cost of a step on the %s backend', (backend) => {
  beforeAll(async () => {
    await tf.setBackend(backend);
  });
  expectNoLeaks();

  it.each([[true], [false]])('adds a pinned set of kernels and no read per step (units from the bias: %p)', async (fromBias) => {
    const { xs, ys } = loadIris();
    const model = classifier(2, tf.train.sgd(0.1));
    await model.trainOnBatch(xs, ys); // warm up
    const plain = await stepKernels(model, xs, ys);
    const rec = recorder(model, false, fromBias);
    const unhook = rec.watch(model.optimizer);
    const first = difference(await stepKernels(model, xs, ys), plain);
    const later = difference(await stepKernels(model, xs, ys), plain);
    // Per gradient (4): a clone (Identity), a Square and a Sum; per kernel (2) its units: its
    // bias's squares as they are, or, without a bias, its column sums (a Reshape and a Sum over
    // the first axis on wasm, a Reshape, a MatMul with a row of ones and a Reshape elsewhere);
    // then one Pack, Sqrt and Concat, and from the second step one Maximum and one Add.
    const perUnit = fromBias ? [] : backend === 'wasm' ? ['Reshape', 'Reshape', 'Sum', 'Sum'] : ['Reshape', 'Reshape', 'BatchMatMul', 'BatchMatMul', 'Reshape', 'Reshape'];
    const perStep = [...Array(4).fill('Identity'), ...Array(4).fill('Square'), ...Array(4).fill('Sum'),
      ...perUnit, 'Pack', 'Sqrt', 'Concat'];
    expect({ first, later }).toEqual({ first: perStep.slice().sort(), later: [...perStep, 'Maximum', 'Add'].sort() });
    unhook();
    rec.dispose();
    disposeAll(model, xs, ys);
  });

  it('reads one small tensor per step only with skipNonFinite (stopOn gradient-non-finite)', async () => {
    const { xs, ys } = loadIris();
    const model = classifier(2, tf.train.sgd(0.1));
    await model.trainOnBatch(xs, ys);
    const plain = await dataSyncCalls(() => model.trainOnBatch(xs, ys));
    const counts: number[] = [];
    for (const skip of [false, true]) {
      const rec = recorder(model, skip);
      const unhook = rec.watch(model.optimizer);
      counts.push(await dataSyncCalls(() => model.trainOnBatch(xs, ys)) - plain);
      unhook();
      rec.dispose();
    }
    expect(counts).toEqual([0, 1]);
    disposeAll(model, xs, ys);
  });
});

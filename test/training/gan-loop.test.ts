/**
 * A small ACGAN on real MNIST digits, trained with `trainOnBatch` the way tfjs-examples'
 * mnist-acgan trains (test/helpers/acgan.ts): the discriminator is compiled, then frozen
 * (`discriminator.trainable = false`) before the combined model is compiled, and its own
 * `trainOnBatch` keeps training the layers it collected at compile. Two monitors side by side,
 * one on the discriminator and one on the combined model (`sharedWith: [discriminator]`), each
 * with its own history file and log file:
 * - the census says trainable exactly for the weights that training changed;
 * - the discriminator's layers inside `combined` are recorded as shared, no `changed-while-frozen`;
 * - snapshots every N steps match float64, step counts are right, a healthy run raises nothing;
 * - a discriminator learning rate far too high is caught; a genuine `setWeights` on a frozen
 *   layer is still caught as `changed-while-frozen`, by both monitors.
 * The convolutional ACGAN runs on `tensorflow` (tfjs-node); `cpu` and `wasm` train the same
 * structure with dense layers (wasm has no convolution gradients, and convolutions on `cpu` take
 * minutes).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { HistoryDocument, loadHistory, paramMonitor } from '../../src';
import { TFJS_NODE } from '../helpers/backends';
import { Acgan, acganStep, buildAcgan, disposeAcgan, ganDigits } from '../helpers/acgan';
import { loadMnist } from '../helpers/mnist';
import { mulberry32 } from '../helpers/reference';
import { copyWeights, stepSnapshotErrors, warnings, WeightCopies } from '../helpers/step-reference';
import { expectNoLeaks } from '../helpers/tensor-leaks';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pm-gan-'));
const BATCH = 32;
const MATRIX: [string, boolean][] = [['cpu', false], ['wasm', false], ...(TFJS_NODE ? [['tensorflow', true] as [string, boolean]] : [])];

/** Trains `iterations` ACGAN iterations on 256 real digits; `after(i)` runs after iteration i (from 1). */
async function train(gan: Acgan, iterations: number, after: (i: number) => void = () => undefined): Promise<void> {
  const { xs, ys } = loadMnist(8 * BATCH);
  const { images, labels } = ganDigits(xs, ys);
  const random = mulberry32(7);
  for (let i = 1; i <= iterations; i += 1) {
    const at = BATCH * ((i - 1) % 8);
    const [x, y] = [images.slice(at, BATCH), labels.slice(at, BATCH)];
    await acganStep(gan, x, y, random);
    tf.dispose([x, y]);
    after(i);
  }
  tf.dispose([xs, ys, images, labels]);
}

const changedNames = (a: WeightCopies, b: WeightCopies) =>
  [...a].filter(([name, values]) => values.some((v, i) => v !== (b.get(name) as Float32Array)[i])).map(([name]) => name).sort();
const started = (h: HistoryDocument, kind: string) => h.alerts.filter((a) => a.kind === kind && a.status === 'started');

describe.each(MATRIX)('an ACGAN trained with trainOnBatch on the %s backend (convolutional: %s)', (backend, conv) => {
  beforeAll(async () => {
    await tf.setBackend(backend);
  });
  expectNoLeaks();

  it('two monitors side by side: exact snapshots, shared weights, no false alert, one file each', async () => {
    const gan = buildAcgan(1, { conv });
    const dir = path.join(tmp, `healthy-${backend}`);
    // One set of options for both: `{model}` names each monitor's files after its model.
    const common = { everySteps: 4, logger: false as const, output: path.join(dir, '{model}.json'), logFile: path.join(dir, '{model}.jsonl') };
    const files = (model: tf.LayersModel) => ({ output: path.join(dir, `${model.name}.json`), logFile: path.join(dir, `${model.name}.jsonl`) });
    const { discriminator: d, combined: c } = gan;
    const onD = paramMonitor({ model: d, ...common });
    const onC = paramMonitor({ model: c, sharedWith: [d], ...common });
    await onD.attach();
    await onC.attach();
    const copiesD = new Map<number, WeightCopies>([[0, copyWeights(d)]]);
    const copiesC = new Map<number, WeightCopies>([[0, copyWeights(c)]]);
    await train(gan, 16, (i) => {
      copiesD.set(i, copyWeights(d)); // one discriminator step and one combined step per iteration
      copiesC.set(i, copyWeights(c));
    });
    await onD.detach();
    await onC.detach();
    await onD.dispose();
    await onC.dispose();

    const [hD, hC] = [loadHistory(files(d).output), loadHistory(files(c).output)];
    for (const h of [hD, hC]) {
      expect(h.snapshots.map((s) => s.step)).toEqual([0, 4, 8, 12, 16]);
      expect(warnings(h)).toEqual([]);
      expect(started(h, 'changed-while-frozen')).toEqual([]);
    }
    expect(stepSnapshotErrors(hD, copiesD)).toEqual([]);
    expect(stepSnapshotErrors(hC, copiesC)).toEqual([]);
    expect([hD.model.name, hC.model.name]).toEqual(['discriminator', 'combined']);
    expect(fs.readdirSync(dir).sort()).toEqual(['combined.json', 'combined.jsonl', 'discriminator.json', 'discriminator.jsonl']);

    // Trainable is what the discriminator's own training changed: its `d_cnn` layers, which it
    // collected at compile (their layer flag says false since `discriminator.trainable = false`),
    // and not the heads, whose variables that line made non-trainable.
    const changedD = changedNames(copiesD.get(0) as WeightCopies, copiesD.get(16) as WeightCopies);
    expect(hD.weights.filter((w) => w.trainable).map((w) => w.name).sort()).toEqual(changedD);
    expect(changedD.length).toBeGreaterThan(0);
    expect(hD.weights.filter((w) => changedD.includes(w.name)).every((w) => !w.layerTrainable)).toBe(true);

    // In `combined` those layers are frozen, but trained through the discriminator: shared.
    const shared = hC.weights.filter((w) => w.sharedWith !== undefined);
    expect(shared.map((w) => w.name).sort()).toEqual(changedD);
    expect(shared.every((w) => !w.trainable && w.sharedWith?.join() === 'discriminator')).toBe(true);
    const generatorWeights = gan.generator.weights.map((w) => w.name).sort();
    expect(hC.weights.filter((w) => w.trainable).map((w) => w.name).sort()).toEqual(generatorWeights);

    // Each log file has its own model's records only.
    const logged = (file: string) => new Set(fs.readFileSync(file, 'utf8').trim().split('\n')
      .map((line) => JSON.parse(line)).filter((r) => r.event === 'weight').map((r) => r.weight as string));
    expect([...logged(files(d).logFile)].sort()).toEqual(d.weights.map((w) => w.name).sort());
    expect([...logged(files(c).logFile)].sort()).toEqual(c.weights.map((w) => w.name).sort());
    disposeAcgan(gan);
  });

  it('catches a discriminator learning rate far too high (SGD at 100)', async () => {
    // ganhacks' advice is SGD for the discriminator; at 100 one step sends its hidden units so
    // far that the sigmoid saturates and the gradients vanish: the weights stop changing.
    const gan = buildAcgan(2, { conv, discriminatorOptimizer: tf.train.sgd(100) });
    const onD = paramMonitor({ model: gan.discriminator, everySteps: 1, logger: false });
    await onD.attach();
    await train(gan, 10);
    await onD.detach();
    const h = onD.toJSON();
    const warned = h.alerts.filter((a) => a.status === 'started' && a.severity !== 'info');
    const first = warned.filter((a) => a.step === warned[0].step);
    // Every weight the discriminator trains stops changing: `frozen` at step 4 or 5 (frozenPatience 3).
    expect(warned[0].step).toBeLessThanOrEqual(5);
    expect(first.map((a) => `${a.kind} ${a.weight}`).sort())
      .toEqual(h.weights.filter((w) => w.trainable).map((w) => `frozen ${w.name}`).sort());
    await onD.dispose();
    disposeAcgan(gan);
  });

  it('still catches a genuine setWeights on a frozen layer, in both monitors', async () => {
    const gan = buildAcgan(3, { conv });
    const { discriminator: d, combined: c } = gan;
    const onD = paramMonitor({ model: d, everySteps: 2, logger: false });
    const onC = paramMonitor({ model: c, everySteps: 2, sharedWith: [d], logger: false });
    await onD.attach();
    await onC.attach();
    await train(gan, 4);
    const head = d.getLayer('d_realness');
    const [kernel, bias] = head.getWeights();
    const wrong = tf.tidy(() => [kernel.mul(-1), bias.add(1)]);
    head.setWeights(wrong); // not the optimizer: a bug in the training script
    tf.dispose(wrong);
    await train(gan, 4);
    await onD.detach();
    await onC.detach();
    for (const h of [onD.toJSON(), onC.toJSON()]) {
      const caught = started(h, 'changed-while-frozen');
      expect(caught.map((a) => a.weight).sort()).toEqual(head.weights.map((w) => w.name).sort());
      expect(caught.every((a) => a.step === 6)).toBe(true);
      expect(warnings(h).every((m) => m.includes('d_realness'))).toBe(true);
    }
    await onD.dispose();
    await onC.dispose();
    disposeAcgan(gan);
  });
});

afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

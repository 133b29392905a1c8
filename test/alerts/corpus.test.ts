/**
 * The alert corpus (test/fixtures/alert-corpus, recorded from real training runs by
 * scripts/alert-corpus.js) replayed through the rules with the default options: every healthy
 * run stays quiet, every failing run is caught by the right kind, at the snapshot its fault
 * determines. `npm run alert-eval` prints the same judgement as tables.
 */
import type { AlertOptions } from '../../src/alerts/options';
import { replaySnapshots } from '../../src/alerts/replay';
import { expectNoLeaks } from '../helpers/tensor-leaks';

interface RecordedRun {
  name: string;
  cadence: string;
  backend: string;
  optimizer: string;
  api: string;
  batchSize: number;
  loss: [number, number];
  fault?: { expect: string[] };
}
interface Judged {
  name: string;
  snapshots: number;
  loud: { at: number; kind: string; weight: string; message: string }[];
  fault?: number;
  caught?: { at: number; kind: string; weight: string } | null;
  latency?: number | null;
  early?: unknown[];
}
// Plain JS shared with scripts/alert-eval.js, which runs the same judgement on dist/.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const corpus = require('../../scripts/corpus/evaluate') as {
  loadRuns(group: 'healthy' | 'failing'): RecordedRun[];
  evaluateRun(run: RecordedRun, replay: typeof replaySnapshots, options?: AlertOptions): Judged;
};

const healthy = corpus.loadRuns('healthy');
const failing = corpus.loadRuns('failing');
const judge = (run: RecordedRun, options: AlertOptions = {}) => corpus.evaluateRun(run, replaySnapshots, options);

describe('the alert corpus', () => {
  expectNoLeaks();

  it('is diverse: tasks, optimizers, cadences, fit and fitDataset, batch sizes, seeds', () => {
    expect(healthy).toHaveLength(96);
    expect(new Set(healthy.map((r) => r.optimizer))).toEqual(new Set(['SGD', 'Momentum', 'Adam', 'RMSProp', 'Adagrad']));
    expect(new Set(healthy.map((r) => r.cadence))).toEqual(new Set(['epoch', 'every 1 batches', 'every 10 batches']));
    expect(new Set(healthy.map((r) => r.api))).toEqual(new Set(['fit', 'fitDataset']));
    expect(Math.min(...healthy.map((r) => r.batchSize))).toBe(8);
    expect(new Set(healthy.map((r) => r.backend))).toEqual(new Set(['cpu', 'wasm']));
    // every healthy run learned: its loss fell
    expect(healthy.filter((r) => !(r.loss[1] < r.loss[0])).map((r) => r.name)).toEqual([]);
    expect(failing).toHaveLength(30);
  });

  describe('healthy runs raise no warning or error', () => {
    it.each(healthy.map((run) => [run.name, run] as const))('%s', (_name, run) => {
      expect(judge(run).loud.map((a) => a.message)).toEqual([]);
    });
  });

  describe('failing runs are caught by the right kind, within 3 snapshots of the fault', () => {
    // [run, kind, weight, snapshots from the fault to the catch (1: the first one after it)]
    const EXPECTED: [string, string | null, string | null, number | null][] = [
      ['constant-input-data-bug-s1', 'frozen', 'dense_Dense1/kernel', 3],
      ['constant-input-data-bug-s2', 'frozen', 'dense_Dense5/kernel', 3],
      ['constant-input-data-bug-s3', 'frozen', 'dense_Dense7/kernel', 3],
      ['dead-relu-negative-bias-s1', 'frozen', 'dead_relu/kernel', 3],
      ['dead-relu-negative-bias-s2', 'frozen', 'dead_relu/kernel', 3],
      ['dead-relu-negative-bias-s3', 'frozen', 'dead_relu/kernel_1', 3],
      ['lr-past-stability-limit-s1', 'drift', 'dense_Dense1/kernel', 3],
      // the fault is there from the start, but for 5 batches the weights oscillate within what healthy
      // runs do in their first batches (norms 3.6 to 4.8, relative drift <= 0.68 after the first); they visibly
      // diverge at batches 6 (x1.9) and 7 (x3.5), and batch 7 is caught
      ['lr-past-stability-limit-s2', 'drift', 'dense_Dense29/kernel', 7],
      ['lr-past-stability-limit-s3', 'drift', 'dense_Dense31/kernel', 3],
      ['lr-spike-every-batch-s1', 'drift', 'dense_Dense1/kernel', 1],
      ['lr-spike-every-batch-s2', 'drift', 'dense_Dense25/kernel', 1],
      ['lr-spike-every-batch-s3', 'drift', 'dense_Dense27/kernel', 1],
      ['lr-spike-mid-run-s1', 'drift', 'dense_Dense1/bias', 1],
      ['lr-spike-mid-run-s2', 'drift', 'dense_Dense21/kernel', 1],
      ['lr-spike-mid-run-s3', 'drift', 'dense_Dense23/kernel', 1],
      ['saturated-sigmoid-frozen-s1', 'frozen', 'dense_Dense1/kernel', 3],
      ['saturated-sigmoid-frozen-s2', 'frozen', 'dense_Dense9/kernel', 3],
      // missed: 2 of the 16 sigmoids are not quite saturated, so 3 of the 64 kernel elements still
      // move, by 0.6e-6 to 2.4e-6 of the kernel's norm an epoch. A converged healthy output bias
      // moves by 7.2e-7 to 2.7e-5 an epoch late in a run; frozenTolerance 1e-5 would catch this run
      // and stay quiet on the corpus, but with a margin of 2.7x only (see the README)
      ['saturated-sigmoid-frozen-s3', null, null, null],
      ['set-weights-on-frozen-s1', 'changed-while-frozen', 'dense_Dense1/kernel', 1],
      ['set-weights-on-frozen-s2', 'changed-while-frozen', 'dense_Dense17/kernel', 1],
      ['set-weights-on-frozen-s3', 'changed-while-frozen', 'dense_Dense19/kernel', 1],
      ['unfrozen-after-compile-s1', 'frozen', 'dense_Dense1/kernel', 3],
      ['unfrozen-after-compile-s2', 'frozen', 'dense_Dense13/kernel', 3],
      ['unfrozen-after-compile-s3', 'frozen', 'dense_Dense15/kernel', 3],
      ['weight-decay-collapse-s1', 'vanishing', 'decayed/kernel', 1],
      ['weight-decay-collapse-s2', 'vanishing', 'decayed/kernel', 1],
      ['weight-decay-collapse-s3', 'vanishing', 'decayed/kernel_1', 1],
      ['zeros-initialiser-s1', 'dead', 'zero_init/kernel', 1],
      ['zeros-initialiser-s2', 'dead', 'zero_init/kernel', 1],
      ['zeros-initialiser-s3', 'dead', 'zero_init/kernel_1', 1],
    ];

    it('covers every failing run', () => {
      expect(EXPECTED.map(([name]) => name)).toEqual(failing.map((run) => run.name));
    });

    it.each(EXPECTED)('%s: %s on %s, %p snapshot(s) after the fault', (name, kind, weight, latency) => {
      const result = judge(failing.find((run) => run.name === name)!);
      expect({ kind: result.caught?.kind ?? null, weight: result.caught?.weight ?? null, latency: result.latency, early: result.early })
        .toEqual({ kind, weight, latency, early: [] });
    });
  });

  it('has teeth: looser spike options raise false warnings on the healthy runs', () => {
    const loose = healthy.filter((run) => judge(run, { driftSpikeFactor: 2, driftSpikeSpread: 0 }).loud.length > 0);
    // 23 runs of the noisy configurations: sgd and rmsprop with a snapshot every batch, the
    // sigmoid MLP of issue #9, and one seed each of two more
    expect(loose).toHaveLength(23);
    expect([...new Set(loose.map((r) => r.name.replace(/-s\d+$/, '')))]).toEqual([
      'cars-mpg-raw-adam-every-10', 'iris-fullbatch-sgd', 'iris-raw-sgd-every-batch', 'mnist-mlp-sgd-every-batch',
      'sums-gru-rmsprop-every-batch', 'weather-temp-sigmoid-dataset',
    ]);
  });
});

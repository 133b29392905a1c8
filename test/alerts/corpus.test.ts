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
    expect(failing).toHaveLength(10);
  });

  describe('healthy runs raise no warning or error', () => {
    it.each(healthy.map((run) => [run.name, run] as const))('%s', (_name, run) => {
      expect(judge(run).loud.map((a) => a.message)).toEqual([]);
    });
  });

  describe('failing runs are caught by the right kind, within 3 snapshots of the fault', () => {
    // [run, kind, weight, snapshots from the fault to the catch (1: the first one after it)]
    const EXPECTED: [string, string, string, number][] = [
      ['constant-input-data-bug-s1', 'frozen', 'dense_Dense1/kernel', 3],
      ['dead-relu-negative-bias-s1', 'frozen', 'dead_relu/kernel', 3],
      ['lr-past-stability-limit-s1', 'drift', 'dense_Dense1/kernel', 3],
      ['lr-spike-every-batch-s1', 'drift', 'dense_Dense1/kernel', 1],
      ['lr-spike-mid-run-s1', 'drift', 'dense_Dense1/bias', 1],
      ['saturated-sigmoid-frozen-s1', 'frozen', 'dense_Dense1/kernel', 3],
      ['set-weights-on-frozen-s1', 'changed-while-frozen', 'dense_Dense1/kernel', 1],
      ['unfrozen-after-compile-s1', 'frozen', 'dense_Dense1/kernel', 3],
      ['weight-decay-collapse-s1', 'vanishing', 'decayed/kernel', 1],
      ['zeros-initialiser-s1', 'dead', 'zero_init/kernel', 1],
    ];

    it('covers every failing run', () => {
      expect(EXPECTED.map(([name]) => name)).toEqual(failing.map((run) => run.name));
    });

    it.each(EXPECTED)('%s: %s on %s, %i snapshot(s) after the fault', (name, kind, weight, latency) => {
      const result = judge(failing.find((run) => run.name === name)!);
      expect({ kind: result.caught?.kind, weight: result.caught?.weight, latency: result.latency, early: result.early })
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

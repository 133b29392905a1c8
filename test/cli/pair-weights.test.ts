/** Matching the weights of two runs by name, then by name without tfjs's `_N` suffixes. */
import type { WeightRecord } from '../../src';
import { baseName, pairWeights } from '../../src/cli/pair-weights';
import { expectNoLeaks } from '../helpers/tensor-leaks';

expectNoLeaks();
const weight = (name: string) => ({ name }) as WeightRecord;
const names = (pairs: ReturnType<typeof pairWeights>) => pairs.map((p) => [p.a?.name ?? null, p.b?.name ?? null]);

describe('baseName', () => {
  it('drops the suffixes tfjs adds to repeated layer and variable names', () => {
    expect(['hidden_1/kernel_2', 'dense_Dense1/kernel', 'conv2d_10/bias', 'out/kernel'].map(baseName))
      .toEqual(['hidden/kernel', 'dense_Dense1/kernel', 'conv2d/bias', 'out/kernel']);
  });
});

describe('pairWeights', () => {
  it('pairs equal names first, then suffixed names, then lists what is left', () => {
    const a = ['hidden/kernel', 'hidden/bias', 'extra/kernel'].map(weight);
    const b = ['hidden/kernel', 'hidden/bias_1', 'other/kernel'].map(weight);
    expect(names(pairWeights(a, b))).toEqual([
      ['hidden/kernel', 'hidden/kernel'], ['hidden/bias', 'hidden/bias_1'], ['extra/kernel', null], [null, 'other/kernel'],
    ]);
  });

  it('does not guess when a base name is ambiguous', () => {
    const a = ['dense_1/kernel', 'dense_2/kernel'].map(weight);
    const b = ['dense_3/kernel', 'dense_4/kernel'].map(weight);
    expect(names(pairWeights(a, b))).toEqual([
      ['dense_1/kernel', null], ['dense_2/kernel', null], [null, 'dense_3/kernel'], [null, 'dense_4/kernel'],
    ]);
  });
});

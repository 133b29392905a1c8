/**
 * The host engine reads wasm weights as views of the wasm heap. A reference tensor made on
 * another backend is moved into the heap when read, which can grow it and detach the views
 * taken before: the statistics must still be the whole weight's (found by a review: the weight
 * came out with count 0).
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { computeStatsOnHost } from '../../src/stats/host-engine';
import { expectNoLeaks } from '../helpers/tensor-leaks';

describe('wasm heap views', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
  });
  expectNoLeaks();

  it('measures the whole weight when reading its reference grows the heap', async () => {
    await tf.setBackend('cpu');
    const previous = tf.fill([16_000_000], 0.5);
    await tf.setBackend('wasm');
    const value = tf.fill([16_000_000], 1);
    const [stats] = await computeStatsOnHost([{ value, previous, previousL2: 2000 }], { bins: 4, zeroTolerance: 0 });
    expect([stats.count, stats.mean, stats.drift?.relative, stats.drift?.changedFraction]).toEqual([16_000_000, 1, 1, 1]);
    tf.dispose([value, previous]);
  });
});

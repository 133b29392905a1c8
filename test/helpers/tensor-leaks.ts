/**
 * Tensor-leak checks shared by every test file: the count of live tensors
 * (`tf.memory().numTensors`) must come back to where it was.
 */
import * as tf from '@tensorflow/tfjs';

function liveTensors(): number {
  return tf.memory().numTensors;
}

/**
 * Registers a `beforeAll` that records the live tensor count and an `afterAll` that expects the
 * count to be back at that baseline. Call it at the top of a `describe` block (or of the file),
 * after any `beforeAll` that has to run first (e.g. `tf.setBackend`).
 *
 * @example
 * describe('stats', () => {
 *   expectNoLeaks();
 *   it('...', async () => { ... });
 * });
 */
export function expectNoLeaks(): void {
  let baseline = -1;
  beforeAll(() => {
    baseline = liveTensors();
  });
  afterAll(() => {
    expect({ liveTensors: liveTensors() }).toEqual({ liveTensors: baseline });
  });
}

/**
 * Runs `fn` and expects the live tensor count afterwards to equal the count before: `fn` may use
 * tensors that exist already, but must dispose every tensor it creates. Returns `fn`'s result.
 *
 * @example
 * const stats = await withNoLeaks(() => computeStats(inputs, config));
 */
export async function withNoLeaks<T>(fn: () => Promise<T> | T): Promise<T> {
  const before = liveTensors();
  const result = await fn();
  const after = liveTensors();
  if (after !== before) {
    throw new Error(`Tensor leak: ${after - before} tensor(s) created and not disposed ` +
      `(numTensors went from ${before} to ${after}).`);
  }
  return result;
}

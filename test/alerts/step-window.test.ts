import { median } from '../../src/alerts/median';
import { robustSpread } from '../../src/alerts/spread';
import { StepWindow } from '../../src/alerts/step-window';
import { mulberry32 as seeded } from '../helpers/reference';

/** Pushes `steps` one by one; after each, the window must agree exactly with the sorting functions on its last `capacity` steps. */
function expectSameAsSorting(capacity: number, steps: readonly number[]): void {
  const window = new StepWindow(capacity);
  steps.forEach((step, i) => {
    window.push(step);
    const kept = steps.slice(Math.max(0, i + 1 - capacity), i + 1);
    expect(window.length).toBe(kept.length);
    expect(Object.is(window.median(), median(kept))).toBe(true);
    expect(Object.is(window.robustSpread(), robustSpread(kept))).toBe(true);
  });
}

describe('StepWindow', () => {
  it('keeps the last `capacity` steps, with their median and robust spread', () => {
    const window = new StepWindow(3);
    [1, 2, 3, 100].forEach((step) => window.push(step));
    expect(window.length).toBe(3);
    expect(window.median()).toBe(3);
    expect(window.robustSpread()).toBeCloseTo(1.4826, 12);
  });

  describe('gives exactly what median() and robustSpread() give on the same steps', () => {
    it.each([1, 2, 3, 5, 8, 9, 100])('random steps, window of %p', (capacity) => {
      const random = seeded(capacity);
      expectSameAsSorting(capacity, Array.from({ length: 300 }, () => random() * 10 ** (6 * random() - 3)));
    });

    it('many equal steps, zeros and steps that repeat (odd and even counts)', () => {
      const random = seeded(7);
      const values = [0, 0.1, 0.1 + 0.2, 0.3, 1e-300, 5];
      expectSameAsSorting(6, Array.from({ length: 200 }, () => values[Math.floor(random() * values.length)]));
      expectSameAsSorting(7, Array.from({ length: 200 }, () => values[Math.floor(random() * values.length)]));
    });

    it('huge steps whose mean overflows', () => {
      expectSameAsSorting(4, [1e308, 1.5e308, 1.7e308, 1.6e308, 1e308, 1, 2, 3, 4]);
    });

    it('non-finite steps (an overflowed norm), while they are in the window and after they left it', () => {
      expectSameAsSorting(4, [1, 2, Infinity, 3, 4, 5, 6, 7, NaN, 8, 9, 10, 11, 12, Infinity, Infinity, 1, 2, 3, 4]);
      expectSameAsSorting(3, [NaN, 1, NaN, 2, 3, 4, 5]);
    });
  });
});

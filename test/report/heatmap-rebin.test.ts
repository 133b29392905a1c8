/** Spreading one snapshot's histogram onto the heat map's common value bins. */
import { rebin } from '../../src/report/svg-heatmap';
import { expectNoLeaks } from '../helpers/tensor-leaks';

expectNoLeaks();
const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);

describe('rebin', () => {
  it('keeps every element when the ranges agree', () => {
    const counts = [3, 0, 5, 2, 4, 1, 0, 6];
    const out = rebin({ min: -1, max: 1, counts }, -1, 1);
    expect(out.length).toBe(24);
    expect(sum(out)).toBeCloseTo(21, 10);
    // 8 source bins onto 24: each source bin fills 3 target bins equally
    expect(out.slice(0, 3).map((v) => Number(v.toFixed(10)))).toEqual([1, 1, 1]);
  });

  it('places a narrow histogram inside a wider common range', () => {
    const out = rebin({ min: 0, max: 1, counts: [4, 4] }, -2, 4);
    expect(sum(out)).toBeCloseTo(8, 10);
    // [0, 1] is a sixth of [-2, 4]: bins 8-11 of 24
    expect(out.map((v, i) => (v > 0 ? i : -1)).filter((i) => i >= 0)).toEqual([8, 9, 10, 11]);
  });

  describe('degenerate input', () => {
    it('a constant weight lands in one bin', () => {
      expect(rebin({ min: 0.5, max: 0.5, counts: [7, 0, 0] }, 0, 1)[12]).toBe(7);
      expect(rebin({ min: 0, max: 0, counts: [9, 0] }, 0, 0)).toEqual([9, ...new Array(23).fill(0)]);
    });

    it('no finite element gives an empty column', () => {
      expect(rebin({ min: null, max: null, counts: [0, 0] }, -1, 1)).toEqual(new Array(24).fill(0));
    });
  });
});

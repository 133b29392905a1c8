import { engineFor, feed, moved, stats, summary, weightRecord } from './builders';

const W = 'dense_Dense1/kernel';

/** Initial l2Norm 2, then these l2Norms. */
function vanishAlerts(norms: (number | null)[], vanishThreshold = 0.01) {
  const engine = engineFor([weightRecord(W)], { vanishThreshold });
  const series = [stats({ l2Norm: 2 }), ...norms.map((l2Norm) => moved(0.1, { l2Norm }))];
  return feed(engine, W, series).map((list) => list.filter((a) => a.kind === 'vanishing'));
}

describe('vanishing', () => {
  it('stays silent at and just above vanishThreshold x the initial l2Norm', () => {
    expect(vanishAlerts([0.02, 0.0201]).flat()).toEqual([]);
  });

  it('fires just below it, with the ratio as the value, and clears when the norm recovers', () => {
    const alerts = vanishAlerts([0.0199, 0.0199, 0.5]);
    expect(alerts[1][0]).toMatchObject({ status: 'started', severity: 'warn', threshold: 0.01 });
    expect(alerts[1][0].value).toBeCloseTo(0.00995, 12);
    expect(alerts[1][0].message).toBe(
      'dense_Dense1/kernel: l2Norm 0.0199 is 0.00995 of its initial 2, below vanishThreshold 0.01 (epoch 1)');
    expect(alerts[2]).toEqual([]);
    expect(alerts[3][0]).toMatchObject({ status: 'cleared', count: 2, value: 0.25 });
  });

  it('never checks a weight that started at zero (no initial scale)', () => {
    const engine = engineFor([weightRecord(W)]);
    const zero = stats({ l2Norm: 0, min: 0, max: 0 });
    expect(summary(feed(engine, W, [zero, moved(null, { l2Norm: 1e-9 }), moved(0.1, { l2Norm: 1e-9 })]))).toEqual([]);
  });

  it('ignores a null l2Norm', () => {
    expect(vanishAlerts([null]).flat()).toEqual([]);
  });
});

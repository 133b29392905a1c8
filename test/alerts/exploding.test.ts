import { DEFAULT_ALERT_OPTIONS } from '../../src/alerts/options';
import { engineFor, feed, moved, movingRecord, snapshot, stats, summary, weightRecord } from './builders';

const W = 'dense_Dense1/kernel';

function magnitudeAlerts(min: number, max: number, explodeThreshold = 1000) {
  const engine = engineFor([weightRecord(W)], { explodeThreshold });
  return engine.evaluate(snapshot(1, { [W]: stats({ min, max }) })).filter((a) => a.kind === 'exploding');
}

/** Initial l2Norm 1, the driftWarmup comparison at l2Norm 1, then these l2Norms. */
function growthAlerts(norms: number[], growthThreshold = 5) {
  const engine = engineFor([weightRecord(W)], { growthThreshold, driftThreshold: 1e6 });
  const series = [stats(), moved(0.1), ...norms.map((l2Norm) => moved(0.1, { l2Norm }))];
  return feed(engine, W, series).map((list) => list.filter((a) => a.kind === 'exploding'));
}

describe('exploding', () => {
  describe('explodeThreshold boundary on max(|min|, |max|)', () => {
    it('stays silent just below and at the threshold', () => {
      expect(magnitudeAlerts(-999, 10)).toEqual([]);
      expect(magnitudeAlerts(-1000, 1000)).toEqual([]);
    });

    it('fires just above it, on the negative side too', () => {
      const [alert] = magnitudeAlerts(-1000.5, 3);
      expect(alert).toMatchObject({ severity: 'warn', value: 1000.5, threshold: 1000 });
      expect(alert.message).toBe('dense_Dense1/kernel: max |w| 1001 is above explodeThreshold 1000 (epoch 1)');
      expect(magnitudeAlerts(0, 1001)).toHaveLength(1);
    });

    it('is checked on the first snapshot too, and uses the documented default', () => {
      const t = DEFAULT_ALERT_OPTIONS.explodeThreshold;
      const engine = engineFor([weightRecord(W)]);
      expect(engine.evaluate(snapshot(0, { [W]: stats({ max: t }) }))).toEqual([]);
      expect(engine.evaluate(snapshot(1, { [W]: stats({ max: t * 1.01 }) })).map((a) => a.kind)).toEqual(['exploding']);
    });
  });

  describe('growthThreshold boundary on l2Norm / largest earlier l2Norm', () => {
    it('stays silent just below and at the threshold', () => {
      expect(growthAlerts([4.99]).flat()).toEqual([]);
      expect(growthAlerts([5]).flat()).toEqual([]);
    });

    it('fires just above it and clears when growth stops', () => {
      const alerts = growthAlerts([5.01, 5.01]);
      expect(alerts[2][0]).toMatchObject({ status: 'started', value: 5.01, threshold: 5 });
      expect(alerts[2][0].message).toBe(
        'dense_Dense1/kernel: l2Norm grew 5.01x its largest earlier l2Norm (1 -> 5.01), above growthThreshold 5 (epoch 2)');
      expect(alerts[3][0]).toMatchObject({ status: 'cleared', value: 0.5 });
      expect(alerts[3][0].message).toBe('dense_Dense1/kernel: max |w| 0.5 is within explodeThreshold 1000 and l2Norm grew 1x '
        + 'its largest earlier l2Norm, within growthThreshold 5 (epoch 3; exploding cleared after 1 snapshot)');
    });

    it('compares with the largest earlier l2Norm, so a weight regrowing after a dip toward zero is fine', () => {
      // 1 -> 0.1 -> 0.02 -> 0.9: 45x its previous l2Norm, 0.9x its largest
      expect(growthAlerts([0.1, 0.02, 0.9]).flat()).toEqual([]);
      // ... but 5.5x its largest is growth: 1 -> 0.1 -> 5.5
      expect(growthAlerts([0.1, 5.5]).flat().map((a) => [a.epoch, a.value])).toEqual([[3, 5.5]]);
    });

    it('uses the documented default', () => {
      expect(growthAlerts([5], DEFAULT_ALERT_OPTIONS.growthThreshold).flat()).toEqual([]);
      expect(growthAlerts([5.01], DEFAULT_ALERT_OPTIONS.growthThreshold).flat()).toHaveLength(1);
    });

    it('skips the driftWarmup comparison', () => {
      const engine = engineFor([weightRecord(W)], { growthThreshold: 5, driftThreshold: 1e6 });
      expect(feed(engine, W, [stats(), moved(9, { l2Norm: 10 })]).flat()).toEqual([]);
    });

    it('is not checked while the previous l2Norm is 0 or null', () => {
      const engine = engineFor([weightRecord(W)], { growthThreshold: 5, driftWarmup: 0, driftThreshold: 1e6 });
      const zero = stats({ l2Norm: 0, min: 0, max: 0 });
      const alerts = feed(engine, W, [zero, moved(null, { l2Norm: 3 }), stats({ l2Norm: null }), moved(1, { l2Norm: 9 })]);
      expect(summary(alerts)).toEqual([]);
    });
  });

  it('says nothing when min, max and l2Norm are null', () => {
    const engine = engineFor([weightRecord(W)]);
    const empty = stats({ min: null, max: null, l2Norm: null, count: 0, zeroFraction: null });
    expect(feed(engine, W, [empty, empty]).flat()).toEqual([]);
  });

  it('does not check moving statistics', () => {
    const M = 'bn/moving_variance';
    const engine = engineFor([movingRecord(M)]);
    expect(feed(engine, M, [stats(), moved(0.5, { max: 5000, l2Norm: 5000 })]).flat()).toEqual([]);
  });
});

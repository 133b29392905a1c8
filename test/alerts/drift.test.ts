import { DEFAULT_ALERT_OPTIONS } from '../../src/alerts/options';
import type { AlertOptions } from '../../src/alerts/options';
import {
  engineFor, feed, frozenRecord, moved, movingRecord, snapshot, stats, summary, weightRecord,
} from './builders';

const W = 'dense_Dense1/kernel';

/** Initial snapshot, the driftWarmup comparison, then these relative drifts; alerts of the drift kind. */
function driftAlerts(relatives: (number | null)[], options: AlertOptions = {}) {
  const engine = engineFor([weightRecord(W)], options);
  const alerts = feed(engine, W, [stats(), moved(0.5), ...relatives.map((r) => moved(r))]);
  return alerts.map((list) => list.filter((a) => a.kind === 'drift'));
}

describe('drift', () => {
  describe('driftThreshold boundary', () => {
    it('stays silent just below and at the threshold', () => {
      expect(driftAlerts([0.99, 1], { driftThreshold: 1 }).flat()).toEqual([]);
    });

    it('fires just above it, with a message naming weight, value, threshold and epoch', () => {
      const [alert] = driftAlerts([1.01], { driftThreshold: 1 }).flat();
      expect(alert).toMatchObject({ kind: 'drift', severity: 'warn', value: 1.01, threshold: 1, epoch: 2 });
      expect(alert.message).toBe('dense_Dense1/kernel: relative drift 1.01 is above driftThreshold 1 (epoch 2)');
    });

    it('uses the documented default', () => {
      const t = DEFAULT_ALERT_OPTIONS.driftThreshold;
      expect(driftAlerts([t]).flat()).toEqual([]);
      expect(driftAlerts([t * 1.01]).flat()).toHaveLength(1);
    });

    it('clears on the next calm snapshot', () => {
      const alerts = driftAlerts([3.2, 0.1], { driftThreshold: 1 });
      expect(alerts[3][0]).toMatchObject({ status: 'cleared', count: 1, value: 0.1 });
      expect(alerts[3][0].message).toBe('dense_Dense1/kernel: relative drift 0.1 is within driftThreshold 1 '
        + '(epoch 3; drift cleared after 1 snapshot)');
    });
  });

  describe('spike: a step above driftSpikeFactor x the median of earlier steps and their spread', () => {
    const calm = [0.1, 0.1, 0.1, 0.1, 0.1];

    it('needs driftSpikeMinHistory (5) earlier steps', () => {
      expect(driftAlerts([0.1, 0.1, 0.1, 0.1, 0.9]).flat()).toEqual([]);
      expect(driftAlerts([0.1, 0.1, 0.1, 0.1, 0.1, 0.9]).flat().map((a) => a.epoch)).toEqual([7]);
    });

    it('stays silent just below and at factor x median', () => {
      expect(driftAlerts([...calm, 0.49], { driftSpikeFactor: 5 }).flat()).toEqual([]);
      expect(driftAlerts([...calm, 0.5], { driftSpikeFactor: 5 }).flat()).toEqual([]);
    });

    it('fires just above it, with the step as the value and the spike limit as the threshold', () => {
      const [alert] = driftAlerts([...calm, 0.51], { driftSpikeFactor: 5 }).flat();
      expect(alert).toMatchObject({ value: 0.51, epoch: 7 });
      expect(alert.threshold).toBeCloseTo(0.5, 12);
      expect(alert.message).toBe('dense_Dense1/kernel: step 0.51 (relative drift 0.51) is a spike: above the larger of '
        + 'driftSpikeFactor 5 x median 0.1 and median + driftSpikeSpread 20 x spread 0 of its last 5 steps = 0.5 (epoch 7)');
    });

    it('judges a step against the weight\'s own noise: median + driftSpikeSpread x 1.4826 MAD', () => {
      // median 0.15, MAD 0.05: the limit is max(5 x 0.15, 0.15 + 20 x 0.07413) = 1.6326
      const noisy = [0.1, 0.3, 0.05, 0.2, 0.15];
      expect(driftAlerts([...noisy, 1.63]).flat()).toEqual([]);
      const [alert] = driftAlerts([...noisy, 1.64]).flat();
      expect(alert).toMatchObject({ kind: 'drift', value: 1.64, epoch: 7 });
      expect(alert.threshold).toBeCloseTo(0.15 + 20 * 1.4826 * 0.05, 12);
      // the factor alone (driftSpikeSpread 0) reports the smaller jump
      expect(driftAlerts([...noisy, 0.8], { driftSpikeSpread: 0 }).flat().map((a) => a.threshold)).toEqual([0.75]);
    });

    it('never reports a relative drift below driftFloor, however still the weight was', () => {
      const still = [0.001, 0.001, 0.001, 0.001, 0.001];
      expect(driftAlerts([...still, 0.0099]).flat()).toEqual([]);
      expect(driftAlerts([...still, 0.0101]).flat().map((a) => a.value)).toEqual([0.0101]);
      expect(driftAlerts([...still, 0.0099], { driftFloor: 0 }).flat().map((a) => a.value)).toEqual([0.0099]);
    });

    it('judges steps, not relative drifts: a one-element bias crossing zero stays quiet', () => {
      const B = 'dense_Dense2/bias';
      const engine = engineFor([weightRecord(B)]);
      const zero = stats({ l2Norm: 0, min: 0, max: 0, zeroFraction: 1, zeroCount: 1, count: 1 });
      // Steps of 0.1 each; the relative drift is 0.1 / 0.001 = 100 when it leaves the near-zero value.
      const norms = [0.1, 0.2, 0.3, 0.2, 0.1, 0.001, 0.099];
      const series = norms.map((l2Norm, i) => {
        const relative = i === 0 ? null : 0.1 / norms[i - 1];
        return stats({ count: 1, l2Norm, min: l2Norm, max: l2Norm, drift: { l2: 0.1, relative, maxAbs: 0.1, changedFraction: 1 } });
      });
      expect(feed(engine, B, [zero, ...series]).flat()).toEqual([]);
    });

    it('takes the median, so one earlier outlier does not hide a spike', () => {
      const alerts = driftAlerts([0.1, 0.9, 0.1, 0.1, 0.1, 0.6], { driftThreshold: 1, driftSpikeFactor: 5 });
      expect(summary(alerts).filter((a) => a.status === 'started')).toEqual([
        { at: 7, kind: 'drift', status: 'started', count: 1 },
      ]);
    });

    it('uses only the last driftSpikeWindow values', () => {
      const options = { driftSpikeFactor: 5, driftSpikeMinHistory: 2, driftSpikeWindow: 2 };
      // Window [0.01, 0.01] -> limit 0.05; with the whole history the median would be 0.3.
      expect(driftAlerts([0.3, 0.3, 0.3, 0.01, 0.01, 0.06], options).flat()).toHaveLength(1);
    });

    it('is not checked while the median is 0 (a weight that had not moved)', () => {
      expect(driftAlerts([0, 0, 0, 0.5]).flat()).toEqual([]);
    });
  });

  describe('driftWarmup', () => {
    it('skips the first comparison of a weight with non-zero initial values', () => {
      const engine = engineFor([weightRecord(W)], { driftThreshold: 1 });
      expect(feed(engine, W, [stats(), moved(2.4), moved(0.5)]).flat()).toEqual([]);
    });

    it('judges a weight that started at zero by spikes only, after its warmup comparison', () => {
      const engine = engineFor([weightRecord(W)], { driftThreshold: 1 });
      const zero = stats({ l2Norm: 0, min: 0, max: 0, zeroFraction: 1, zeroCount: 4 });
      // 1.9 is the warmup comparison; 1.2, 1.1, 1.3, 1.2, 1 are above driftThreshold 1 but a
      // zero-started weight is small early on, so only the step 9 (> 5 x median 1.2) is reported.
      const calmer = [1.2, 1.1, 1.3, 1.2, 1].map((r) => moved(r));
      const alerts = feed(engine, W, [zero, moved(null), moved(1.9), ...calmer, moved(9)]);
      expect(summary(alerts)).toEqual([{ at: 8, kind: 'drift', status: 'started', count: 1 }]);
    });

    it('keeps driftWarmup values out of the spike history', () => {
      const engine = engineFor([weightRecord(W)], { driftThreshold: 10, driftSpikeFactor: 5 });
      // Only 2 values count before 0.6: too few for a spike check. Were the driftWarmup value 9
      // counted, the median of [9, 0.1, 0.1] would make 0.6 a spike.
      expect(feed(engine, W, [stats(), moved(9), moved(0.1), moved(0.1), moved(0.6)]).flat()).toEqual([]);
    });

    it('checks from the first comparison with driftWarmup 0', () => {
      const engine = engineFor([weightRecord(W)], { driftThreshold: 1, driftWarmup: 0 });
      expect(summary(feed(engine, W, [stats(), moved(2.4)]))).toEqual([
        { at: 1, kind: 'drift', status: 'started', count: 1 },
      ]);
    });
  });

  it('never fires on a null relative drift', () => {
    expect(driftAlerts([null, null], { driftThreshold: 1 }).flat()).toEqual([]);
  });

  it('skips snapshots without training since the previous one and keeps them out of the history', () => {
    const engine = engineFor([weightRecord(W)], { driftThreshold: 1 });
    feed(engine, W, [stats(), moved(0.5), moved(0.1)]);
    expect(engine.evaluate(snapshot(2, { [W]: moved(5) }))).toEqual([]);
    expect(engine.evaluate(snapshot(3, { [W]: moved(5) })).map((a) => a.kind)).toEqual(['drift']);
  });

  it('does not check moving statistics or weights declared non-trainable', () => {
    const engine = engineFor([movingRecord('bn/moving_variance'), frozenRecord('f/kernel')], { driftThreshold: 1 });
    const big = moved(50);
    for (let epoch = 0; epoch < 6; epoch += 1) {
      const alerts = engine.evaluate(snapshot(epoch, { 'bn/moving_variance': big, 'f/kernel': stats() }));
      expect(alerts.filter((a) => a.kind === 'drift')).toEqual([]);
    }
  });
});

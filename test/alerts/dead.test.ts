import { engineFor, moved, movingRecord, snapshot, stats, weightRecord } from './builders';

const B = 'dense_Dense1/bias';
const zeros = (fraction: number) => stats({ zeroFraction: fraction, zeroCount: Math.round(fraction * 4) });

function deadAlerts(fraction: number, options = {}, epoch = 1, batch?: number) {
  const engine = engineFor([weightRecord(B)], options);
  return engine.evaluate(snapshot(epoch, { [B]: zeros(fraction) }, batch)).filter((a) => a.kind === 'dead');
}

describe('dead', () => {
  describe('deadThreshold 1 (default): all elements zero', () => {
    it('stays silent just below', () => {
      expect(deadAlerts(0.999)).toEqual([]);
    });

    it('fires at 1', () => {
      const [alert] = deadAlerts(1);
      expect(alert).toMatchObject({ severity: 'warn', status: 'started', value: 1, threshold: 1 });
      expect(alert.message).toBe(
        'dense_Dense1/bias: zeroFraction 1 is at or above deadThreshold 1: all 4 finite elements are zero (epoch 1)');
    });
  });

  describe('deadThreshold 0.9', () => {
    it('stays silent just below, fires at and just above', () => {
      expect(deadAlerts(0.89, { deadThreshold: 0.9 })).toEqual([]);
      expect(deadAlerts(0.9, { deadThreshold: 0.9 })).toHaveLength(1);
      const [alert] = deadAlerts(0.91, { deadThreshold: 0.9 });
      expect(alert.message).toMatch(/zeroFraction 0\.91 is at or above deadThreshold 0\.9: 91% of its 4 finite elements are zero/);
    });
  });

  describe('only after training has started', () => {
    it('ignores the initial snapshot (epoch 0): biases start at zero', () => {
      expect(deadAlerts(1, {}, 0)).toEqual([]);
      expect(deadAlerts(1, {}, 0, 0)).toEqual([]);
    });

    it('checks a batch snapshot of the first epoch (batch > 0)', () => {
      expect(deadAlerts(1, {}, 0, 10)).toHaveLength(1);
    });

    it('does not flag a zero-initialised bias that then moves', () => {
      const engine = engineFor([weightRecord(B)]);
      const initial = engine.evaluate(snapshot(0, { [B]: zeros(1) }));
      const later = engine.evaluate(snapshot(1, { [B]: moved(null, { zeroFraction: 0 }) }));
      expect([...initial, ...later]).toEqual([]);
    });
  });

  it('leaves a weight the optimizer does not update to the frozen rule (no double warning)', () => {
    const engine = engineFor([weightRecord(B, { optimized: false })]);
    const series = [zeros(1), moved(0, zeros(1)), moved(0, zeros(1)), moved(0, zeros(1))];
    const alerts = series.flatMap((weightStats, epoch) => engine.evaluate(snapshot(epoch, { [B]: weightStats })));
    expect(alerts.map((a) => a.kind)).toEqual(['frozen']);
  });

  it('checks a weight whose optimizer list is unknown (optimized null)', () => {
    const engine = engineFor([weightRecord(B, { optimized: null })]);
    expect(engine.evaluate(snapshot(1, { [B]: zeros(1) })).map((a) => a.kind)).toEqual(['dead']);
  });

  it('clears when the weight comes back to life', () => {
    const engine = engineFor([weightRecord(B)]);
    engine.evaluate(snapshot(1, { [B]: zeros(1) }));
    const [cleared] = engine.evaluate(snapshot(2, { [B]: moved(0.5, { zeroFraction: 0.25 }) }));
    expect(cleared).toMatchObject({ kind: 'dead', status: 'cleared', count: 1, value: 0.25 });
    expect(cleared.message).toMatch(/zeroFraction 0\.25 is below deadThreshold 1 again/);
  });

  it('says nothing when no element is finite (zeroFraction null)', () => {
    const engine = engineFor([weightRecord(B)]);
    const alerts = engine.evaluate(snapshot(1, { [B]: stats({ count: 0, zeroFraction: null, nanCount: 4 }) }));
    expect(alerts.map((a) => a.kind)).toEqual(['non-finite']);
  });

  it('never fires on moving statistics', () => {
    const M = 'bn/moving_mean';
    const engine = engineFor([movingRecord(M)]);
    expect(engine.evaluate(snapshot(3, { [M]: zeros(1) }))).toEqual([]);
  });
});

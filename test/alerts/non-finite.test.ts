import { engineFor, snapshot, stats, weightRecord } from './builders';

const W = 'dense_Dense1/kernel';

function nonFinite(nanCount: number, infCount: number) {
  const engine = engineFor([weightRecord(W)]);
  const weightStats = stats({ nanCount, infCount, count: 4 - nanCount - infCount });
  return engine.evaluate(snapshot(0, { [W]: weightStats })).filter((a) => a.kind === 'non-finite');
}

describe('non-finite', () => {
  it('stays silent with no NaN and no Inf', () => {
    expect(nonFinite(0, 0)).toEqual([]);
  });

  it('fires on a single NaN or a single Inf, as an error', () => {
    expect(nonFinite(1, 0)[0]).toMatchObject({ severity: 'error', value: 1, threshold: 0 });
    expect(nonFinite(0, 1)[0].message).toBe(
      'dense_Dense1/kernel: 1 of 4 elements are not finite (0 NaN, 1 Inf) (epoch 0)');
  });

  it('counts NaN and Inf together', () => {
    expect(nonFinite(2, 2)[0]).toMatchObject({ value: 4 });
  });

  it('checks a weight that is missing from the census, without a layer', () => {
    const engine = engineFor([]);
    const [alert] = engine.evaluate(snapshot(2, { 'ghost/kernel': stats({ nanCount: 1, count: 3 }) }));
    expect(alert).toMatchObject({ kind: 'non-finite', weight: 'ghost/kernel', layer: null });
  });

  it('runs no other rule on a weight missing from the census', () => {
    const engine = engineFor([]);
    const alerts = engine.evaluate(snapshot(2, { 'ghost/kernel': stats({ max: 1e9, zeroFraction: 1 }) }));
    expect(alerts).toEqual([]);
  });
});

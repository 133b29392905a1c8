import {
  drift, engineFor, feed, frozenRecord, moved, movingRecord, snapshot, stats, summary, weightRecord,
} from './builders';

const W = 'dense_Dense1/kernel';
const still = () => moved(0);

describe('frozen', () => {
  describe('frozenPatience boundary (3)', () => {
    it('stays silent after 2 unchanged snapshots in a row', () => {
      const engine = engineFor([weightRecord(W)]);
      expect(summary(feed(engine, W, [stats(), still(), still(), moved(0.1)]))).toEqual([]);
    });

    it('fires at the 3rd unchanged snapshot in a row and clears when the weight moves', () => {
      const engine = engineFor([weightRecord(W)]);
      expect(summary(feed(engine, W, [stats(), still(), still(), still(), still(), moved(0.1)]))).toEqual([
        { at: 3, kind: 'frozen', status: 'started', count: 1 },
        { at: 5, kind: 'frozen', status: 'cleared', count: 2 },
      ]);
    });

    it('counts snapshots in a row: a change resets the streak', () => {
      const engine = engineFor([weightRecord(W)]);
      expect(summary(feed(engine, W, [stats(), still(), still(), moved(0.1), still(), still()]))).toEqual([]);
    });

    it('fires at once with frozenPatience 1', () => {
      const engine = engineFor([weightRecord(W)], { frozenPatience: 1 });
      expect(summary(feed(engine, W, [stats(), still()]))).toEqual([
        { at: 1, kind: 'frozen', status: 'started', count: 1 },
      ]);
    });
  });

  describe('frozenTolerance boundary (1e-7, "below")', () => {
    const run = (relative: number) => {
      const engine = engineFor([weightRecord(W)], { frozenPatience: 1 });
      return feed(engine, W, [stats(), moved(relative)]).flat();
    };

    it('fires just below the tolerance', () => {
      const [alert] = run(0.99e-7);
      expect(alert).toMatchObject({ kind: 'frozen', value: 0.99e-7, threshold: 1e-7 });
      expect(alert.message).toBe('dense_Dense1/kernel: relative drift 9.9e-8 has stayed below frozenTolerance 1e-7 '
        + 'for 1 snapshot in a row (frozenPatience 1) (epoch 1)');
    });

    it('stays silent at and just above the tolerance', () => {
      expect(run(1e-7)).toEqual([]);
      expect(run(1.01e-7)).toEqual([]);
    });

    it('with frozenTolerance 0 only exact stillness counts', () => {
      const engine = engineFor([weightRecord(W)], { frozenPatience: 1, frozenTolerance: 0 });
      expect(feed(engine, W, [stats(), moved(1e-12)]).flat()).toEqual([]);
      expect(feed(engine, W, [still()], 2).flat().map((a) => a.kind)).toEqual(['frozen']);
    });
  });

  it('counts changedFraction 0 as unchanged even when relative is null', () => {
    const engine = engineFor([weightRecord(W)]);
    const zero = stats({ drift: drift(null, { changedFraction: 0 }) });
    const [alert] = feed(engine, W, [stats(), zero, zero, zero]).flat();
    expect(alert).toMatchObject({ kind: 'frozen', value: 0, threshold: 1e-7 });
    expect(alert.message).toBe(
      'dense_Dense1/kernel: no element has changed for 3 snapshots in a row (frozenPatience 3) (epoch 3)');
  });

  it('hints at recompiling a weight that is trainable but not optimized', () => {
    const engine = engineFor([weightRecord(W, { optimized: false })]);
    const [alert] = feed(engine, W, [stats(), still(), still(), still()]).flat();
    expect(alert.kind).toBe('frozen');
    expect(alert.message).toMatch(/not in the optimizer's list.*recompile the model \(`model\.compile`\) so the optimizer picks it up/);
  });

  it('gives no recompile hint when the optimizer list is unknown (optimized null)', () => {
    const engine = engineFor([weightRecord(W, { optimized: null })]);
    const [alert] = feed(engine, W, [stats(), still(), still(), still()]).flat();
    expect(alert.message).not.toMatch(/recompile/);
  });

  it('skips snapshots without training since the previous one (same epoch and batch)', () => {
    const engine = engineFor([weightRecord(W)]);
    engine.evaluate(snapshot(0, { [W]: stats() }));
    engine.evaluate(snapshot(1, { [W]: still() }));
    engine.evaluate(snapshot(2, { [W]: still() }));
    expect(engine.evaluate(snapshot(2, { [W]: still() }))).toEqual([]);
    expect(engine.evaluate(snapshot(3, { [W]: still() })).map((a) => a.kind)).toEqual(['frozen']);
  });

  it('says nothing about an empty weight (no drift can be told)', () => {
    const engine = engineFor([weightRecord(W)], { frozenPatience: 1 });
    const empty = stats({ count: 0, l2Norm: null, min: null, max: null, zeroFraction: null,
      drift: drift(null, { changedFraction: null }) });
    expect(feed(engine, W, [empty, empty, empty]).flat()).toEqual([]);
  });
});

describe('weights declared non-trainable', () => {
  const F = 'frozen_dense/kernel';

  it('reports one that stays still once, as info frozen-by-design', () => {
    const engine = engineFor([frozenRecord(F)]);
    const alerts = feed(engine, F, [stats(), still(), still(), still(), still(), still()]).flat();
    expect(alerts).toEqual([{
      kind: 'frozen-by-design',
      severity: 'info',
      status: 'started',
      weight: F,
      layer: 'frozen_dense',
      epoch: 1,
      value: 0,
      threshold: 0,
      count: 1,
      message: 'frozen_dense/kernel: is not trainable (its layer `frozen_dense` has trainable: false) '
        + 'and has not changed, as expected (epoch 1)',
    }]);
  });

  it('names the variable when the layer is trainable but the variable is not', () => {
    const engine = engineFor([frozenRecord(F, { layerTrainable: true, variableTrainable: false })]);
    const [alert] = feed(engine, F, [stats(), still()]).flat();
    expect(alert.message).toMatch(/is not trainable \(the variable is not trainable\)/);
  });

  it('warns changed-while-frozen when one changes anyway, and clears when it stops', () => {
    const engine = engineFor([frozenRecord(F)]);
    const changed = stats({ drift: drift(0.01, { changedFraction: 0.5 }) });
    const alerts = feed(engine, F, [stats(), changed, changed, still()]);
    expect(summary(alerts)).toEqual([
      { at: 1, kind: 'changed-while-frozen', status: 'started', count: 1 },
      { at: 3, kind: 'changed-while-frozen', status: 'cleared', count: 2 },
      { at: 3, kind: 'frozen-by-design', status: 'started', count: 1 },
    ]);
    expect(alerts[1][0]).toMatchObject({ severity: 'warn', value: 0.5, threshold: 0 });
    expect(alerts[1][0].message).toBe('frozen_dense/kernel: is not trainable (its layer `frozen_dense` has '
      + 'trainable: false) but 50% of its elements changed (relative drift 0.01): something other than the '
      + 'optimizer wrote it, e.g. `setWeights` or `assign` (epoch 1)');
  });

  it('fires changed-while-frozen just above changedFraction 0', () => {
    const engine = engineFor([frozenRecord(F)]);
    const tiny = stats({ drift: drift(1e-9, { changedFraction: 0.001 }) });
    expect(feed(engine, F, [stats(), tiny]).flat().map((a) => a.kind)).toEqual(['changed-while-frozen']);
  });

  it('never raises frozen for them', () => {
    const engine = engineFor([frozenRecord(F)], { frozenPatience: 1 });
    const kinds = feed(engine, F, Array.from({ length: 20 }, () => still())).flat().map((a) => a.kind);
    expect(kinds).not.toContain('frozen');
  });
});

describe('moving statistics', () => {
  const M = 'bn/moving_mean';

  it('never raise frozen, dead, changed-while-frozen or frozen-by-design', () => {
    const engine = engineFor([movingRecord(M)], { frozenPatience: 1 });
    const zeros = stats({ zeroFraction: 1, zeroCount: 4, l2Norm: 0, min: 0, max: 0 });
    const series = [
      zeros, moved(0, zeros), moved(0, zeros), moved(0.5), moved(0.5, zeros),
      ...Array.from({ length: 12 }, () => moved(0)),
    ];
    expect(feed(engine, M, series).flat()).toEqual([]);
  });

  it('still raise non-finite', () => {
    const engine = engineFor([movingRecord(M)]);
    const [alert] = engine.evaluate(snapshot(1, { [M]: stats({ nanCount: 4, count: 0 }) }));
    expect(alert).toMatchObject({ kind: 'non-finite', weight: M, value: 4 });
  });
});

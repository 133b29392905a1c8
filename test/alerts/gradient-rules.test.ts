/**
 * The four gradient kinds (option `gradients`), on plain snapshots: gradient-non-finite,
 * gradient-vanishing, gradient-exploding and dead-units, at their defaults (as literals here)
 * and at the boundaries.
 */
import type { Alert, GradientStats, Snapshot, WeightStats } from '../../src/history-types';
import { DEFAULT_ALERT_OPTIONS } from '../../src/alerts/options';
import { engineFor, moved, stats, weightRecord } from './builders';

const K1 = 'dense_Dense1/kernel';
const K2 = 'dense_Dense2/kernel';
const B2 = 'dense_Dense2/bias';

/** A healthy gradient: norm 0.5 at every step, nothing dead. */
function gradient(overrides: Partial<GradientStats> = {}): GradientStats {
  return {
    ...stats({ l2Norm: 0.5 }), steps: 10, step: 10, maxNorm: 0.5, meanNorm: 0.5, nonFinite: false, updateRatio: 0.01,
    ...overrides,
  };
}

function snap(index: number, weights: Record<string, WeightStats>, gradients?: Record<string, GradientStats>): Snapshot {
  return { index, epoch: index, time: '', computeMs: 0, stats: weights, ...(gradients ? { gradients } : {}) };
}

/** Feeds snapshots 0..n of three weights (l2Norm 1 each); `grads(i)` gives snapshot i's gradients (none at 0). */
function run(n: number, grads: (i: number) => Record<string, GradientStats>, options = {}): Alert[][] {
  const engine = engineFor([weightRecord(K1, { shape: [4, 8] }), weightRecord(K2), weightRecord(B2)], options);
  const out: Alert[][] = [];
  for (let i = 0; i <= n; i += 1) {
    const w = { [K1]: i === 0 ? stats() : moved(0.01), [K2]: i === 0 ? stats() : moved(0.01), [B2]: i === 0 ? stats() : moved(0.01) };
    out.push(engine.evaluate(snap(i, w, i === 0 ? undefined : grads(i))));
  }
  return out;
}

const started = (alerts: Alert[][], kind: string) => alerts.flatMap((list, at) => list
  .filter((a) => a.kind === kind && a.status === 'started').map((a) => ({ at, weight: a.weight, message: a.message })));

describe('gradient alert defaults', () => {
  it('are these literals', () => {
    expect({
      gradientVanishRatio: DEFAULT_ALERT_OPTIONS.gradientVanishRatio, gradientVanishFloor: DEFAULT_ALERT_OPTIONS.gradientVanishFloor,
      gradientExplodeFactor: DEFAULT_ALERT_OPTIONS.gradientExplodeFactor, gradientExplodeSpread: DEFAULT_ALERT_OPTIONS.gradientExplodeSpread,
      gradientExplodeMinHistory: DEFAULT_ALERT_OPTIONS.gradientExplodeMinHistory, deadUnitsThreshold: DEFAULT_ALERT_OPTIONS.deadUnitsThreshold,
      gradientPatience: DEFAULT_ALERT_OPTIONS.gradientPatience,
    }).toEqual({
      gradientVanishRatio: 1e-6, gradientVanishFloor: 1e-8, gradientExplodeFactor: 5, gradientExplodeSpread: 20,
      gradientExplodeMinHistory: 2, deadUnitsThreshold: 0.75, gradientPatience: 2,
    });
  });
});

describe('gradient-non-finite', () => {
  it('is an error naming the weight and the step when the last step held NaN', () => {
    const alerts = run(2, (i) => ({
      [K1]: i === 2 ? gradient({ nanCount: 3, count: 1, nonFinite: true, step: 20, maxNorm: null, meanNorm: null }) : gradient(),
      [K2]: gradient(), [B2]: gradient(),
    }));
    const [a] = alerts[2].filter((x) => x.kind === 'gradient-non-finite');
    expect(a).toMatchObject({ severity: 'error', status: 'started', weight: K1, value: 3, threshold: 0 });
    expect(a.message).toBe('dense_Dense1/kernel: the gradient of step 20 holds 3 NaN and 0 Inf of 4 elements (epoch 2)');
  });

  it('says so when only an earlier step since the previous snapshot was not finite, and clears', () => {
    const alerts = run(3, (i) => ({ [K1]: i === 2 ? gradient({ nonFinite: true, steps: 25, step: 50, maxNorm: null, meanNorm: null }) : gradient(), [K2]: gradient(), [B2]: gradient() }));
    expect(started(alerts, 'gradient-non-finite').map((a) => a.message)).toEqual([
      'dense_Dense1/kernel: a gradient held NaN or Inf in one of the 25 steps up to step 50 (epoch 2)',
    ]);
    expect(alerts[3].filter((a) => a.kind === 'gradient-non-finite').map((a) => a.status)).toEqual(['cleared']);
  });

  it('stays silent without gradients (option off)', () => {
    const engine = engineFor([weightRecord(K1)]);
    expect([engine.evaluate(snap(0, { [K1]: stats() })), engine.evaluate(snap(1, { [K1]: moved(0.1) }))].flat()).toEqual([]);
  });
});

describe('gradient-vanishing', () => {
  const vanishing = (scaleOfK1: number, n = 3, options = {}) => run(n, () => ({
    [K1]: gradient({ meanNorm: scaleOfK1 }), [K2]: gradient({ meanNorm: 0.3 }), [B2]: gradient({ meanNorm: 0.5 }),
  }), options);

  it('fires at the second snapshot in a row below gradientVanishRatio 1e-6 x the others median', () => {
    // others' median scale 0.4: limit 4e-7
    expect(started(vanishing(3.9e-7), 'gradient-vanishing')).toEqual([{
      at: 2, weight: K1,
      message: "dense_Dense1/kernel: gradient scale 3.9e-7 (mean gradient norm / weight norm) is below gradientVanishRatio 0.000001 x the other weights' median 0.4, for 2 snapshots (epoch 2)",
    }]);
  });

  it('stays silent at the limit, and for one snapshot only', () => {
    expect(started(vanishing(4.1e-7), 'gradient-vanishing')).toEqual([]);
    expect(started(vanishing(0, 1), 'gradient-vanishing')).toEqual([]);
  });

  it('fires below gradientVanishFloor 1e-8 even when every weight vanished', () => {
    const alerts = run(2, () => ({ [K1]: gradient({ meanNorm: 0 }), [K2]: gradient({ meanNorm: 0 }), [B2]: gradient({ meanNorm: 0 }) }));
    expect(started(alerts, 'gradient-vanishing').map((a) => a.weight)).toEqual([K1, K2, B2]);
    expect(started(alerts, 'gradient-vanishing')[0].message).toMatch(/gradient scale 0 .* is below gradientVanishFloor 1e-8, for 2 snapshots/);
  });
});

describe('gradient-exploding', () => {
  const norms = (values: number[], options = {}) => run(values.length, (i) => ({
    [K1]: gradient({ maxNorm: values[i - 1] }), [K2]: gradient(), [B2]: gradient(),
  }), options);

  it('fires from the third snapshot at gradientExplodeFactor 5 x the median of the earlier ones', () => {
    expect(started(norms([37, 76, 358]), 'gradient-exploding')).toEqual([{
      at: 3, weight: K1,
      message: 'dense_Dense1/kernel: gradient norm 358 is above gradientExplodeFactor 5 x the median 56.5 of its 2 earlier snapshots = 283 (epoch 3)',
    }]);
    expect(started(norms([37, 76, 282]), 'gradient-exploding')).toEqual([]);
  });

  it('with 5 earlier norms, also needs gradientExplodeSpread 20 robust spreads above the median', () => {
    // median 1, robust spread 1.4826 x 0.5: limit max(5, 1 + 20 x 0.741) = 15.8
    expect(started(norms([0.5, 1, 1.5, 0.5, 1.5, 15]), 'gradient-exploding')).toEqual([]);
    expect(started(norms([0.5, 1, 1.5, 0.5, 1.5, 16]), 'gradient-exploding').map((a) => a.at)).toEqual([6]);
  });
});

describe('dead-units', () => {
  const dead = (count: number, n = 3) => run(n, () => ({
    [K1]: gradient({ deadUnits: count, units: 8 }), [K2]: gradient(), [B2]: gradient(),
  }));

  it('fires at the second snapshot with at least deadUnitsThreshold 0.75 of the units dead', () => {
    expect(started(dead(6), 'dead-units')).toEqual([{
      at: 2, weight: K1,
      message: 'dense_Dense1/kernel: 6 of 8 units (75%) got no gradient since the previous snapshot (dead ReLU?), at or above deadUnitsThreshold 0.75, for 2 snapshots (epoch 2)',
    }]);
  });

  it('stays silent below it, and on weights without units (biases)', () => {
    expect(started(dead(5), 'dead-units')).toEqual([]);
    const alerts = run(3, () => ({ [K1]: gradient(), [K2]: gradient(), [B2]: gradient() }));
    expect(alerts.flat()).toEqual([]);
  });
});

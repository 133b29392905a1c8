/** Builders of plain census and snapshot data for the alert tests. No tensors. */
import { AlertEngine } from '../../src/alerts/engine';
import { validateAlertOptions, type AlertOptions } from '../../src/alerts/options';
import type {
  Alert, DriftStats, ModelRecord, Snapshot, WeightRecord, WeightStats,
} from '../../src/history-types';

/** A trained Dense weight unless overridden; the layer is the name's part before the slash. */
export function weightRecord(name: string, overrides: Partial<WeightRecord> = {}): WeightRecord {
  return {
    name,
    layer: name.split('/')[0],
    layerClass: 'Dense',
    shape: [4],
    dtype: 'float32',
    size: 4,
    trainable: true,
    layerTrainable: true,
    variableTrainable: true,
    optimized: true,
    movingStatistic: false,
    ...overrides,
  };
}

/** A weight declared non-trainable through its layer. */
export function frozenRecord(name: string, overrides: Partial<WeightRecord> = {}): WeightRecord {
  return weightRecord(name, { trainable: false, layerTrainable: false, optimized: false, ...overrides });
}

/** A BatchNormalization moving statistic. */
export function movingRecord(name: string): WeightRecord {
  return weightRecord(name, {
    layerClass: 'BatchNormalization', trainable: false, variableTrainable: false, optimized: false,
    movingStatistic: true,
  });
}

/** Healthy stats of a 4-element weight: l2Norm 1, |w| <= 1, no zeros, all finite. */
export function stats(overrides: Partial<WeightStats> = {}): WeightStats {
  return {
    count: 4,
    mean: 0,
    std: 0.5,
    min: -0.5,
    max: 0.5,
    absMean: 0.5,
    l2Norm: 1,
    zeroCount: 0,
    zeroFraction: 0,
    nanCount: 0,
    infCount: 0,
    histogram: { min: -0.5, max: 0.5, counts: [2, 2] },
    ...overrides,
  };
}

/** Drift with this relative change; every element changed unless it is exactly 0. */
export function drift(relative: number | null, overrides: Partial<DriftStats> = {}): DriftStats {
  return {
    l2: relative,
    relative,
    maxAbs: relative,
    changedFraction: relative === 0 ? 0 : 1,
    ...overrides,
  };
}

/** Stats of a later snapshot: healthy, with this relative drift since the previous one. */
export function moved(relative: number | null, overrides: Partial<WeightStats> = {}): WeightStats {
  return stats({ drift: drift(relative), fromStart: { relative }, ...overrides });
}

export function snapshot(epoch: number, weights: Record<string, WeightStats>, batch?: number): Snapshot {
  return {
    index: epoch,
    epoch,
    ...(batch === undefined ? {} : { batch }),
    time: new Date(Date.UTC(2024, 0, 1, 0, 0, epoch)).toISOString(),
    computeMs: 1,
    stats: weights,
  };
}

export function modelRecord(totalParams: number, name = 'mlp'): ModelRecord {
  return { name, totalParams, trainableParams: totalParams, nonTrainableParams: 0, layers: [] };
}

/** An engine that knows these weights. */
export function engineFor(records: WeightRecord[], options: AlertOptions = {}): AlertEngine {
  const engine = new AlertEngine(validateAlertOptions(options));
  engine.setWeights(records);
  return engine;
}

/**
 * Feed one weight's stats as snapshots at epochs 0, 1, 2, ... (the first one is its initial
 * snapshot, without drift) and return the alerts of each snapshot.
 */
export function feed(engine: AlertEngine, name: string, series: WeightStats[], firstEpoch = 0): Alert[][] {
  return series.map((weightStats, index) => engine.evaluate(snapshot(firstEpoch + index, { [name]: weightStats })));
}

/** The alerts of a fed series, flattened, reduced to what most tests compare. */
export function summary(alerts: Alert[][]): { at: number; kind: string; status: string; count: number }[] {
  return alerts.flatMap((list, at) => list.map((a) => ({ at, kind: a.kind, status: a.status, count: a.count })));
}

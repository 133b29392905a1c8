/**
 * How the monitor builds its gradient recorder: the weights it watches, and which of them count
 * dead units (the kernels of Dense and Conv layers, whose last axis is the layer's output units).
 */
import type { WeightRecord } from '../history-types';
import type { StatsOn } from '../stats/engine-choice';
import { GradientRecorder } from './gradient-recorder';

/** Layer classes whose kernel's last axis is the layer's output units. */
const UNIT_LAYERS = new Set(['Dense', 'Conv1D', 'Conv2D', 'Conv3D', 'SeparableConv2D', 'Conv2DTranspose', 'Conv3DTranspose']);

/**
 * Output units of a weight when dead units are counted for it (a Dense or Conv kernel: its last
 * axis), and the bias of its layer with as many elements, if any; else null.
 */
export function outputUnits(record: WeightRecord | undefined, all: ReadonlyMap<string, WeightRecord>): { units: number; bias: string | null } | null {
  if (record === undefined || !UNIT_LAYERS.has(record.layerClass) || record.shape.length < 2) return null;
  const short = record.name.split('/').pop() ?? '';
  if (!/^(pointwise_)?kernel(_\d+)?$/.test(short)) return null;
  const units = record.shape[record.shape.length - 1];
  const bias = [...all.values()].find((r) => r.layer === record.layer && /\/bias(_\d+)?$/.test(r.name) && r.size === units);
  return { units, bias: bias?.name ?? null };
}

export interface MonitorGradientSettings {
  bins: number;
  zeroTolerance: number;
  statsOn: StatsOn;
  skipNonFinite: boolean;
  /**
   * The census' weights now (a new census at each `fit`): the same array until the census
   * changes, so that what is worked out from it is kept.
   */
  weights(): readonly { readonly record: WeightRecord }[];
  watches(name: string): boolean;
  onError(error: unknown): void;
}

export function gradientRecorderFor(settings: MonitorGradientSettings): GradientRecorder {
  let census: readonly { readonly record: WeightRecord }[] | null = null;
  let byName = new Map<string, WeightRecord>();
  // Asked at every step for every gradient: worked out once per census.
  const units = new Map<string, { units: number; bias: string | null } | null>();
  const unitsOf = (name: string) => {
    const now = settings.weights();
    if (now !== census) {
      census = now;
      byName = new Map(now.map(({ record }) => [record.name, record]));
      units.clear();
    }
    if (!units.has(name)) units.set(name, outputUnits(byName.get(name), byName));
    return units.get(name) ?? null;
  };
  return new GradientRecorder({
    bins: settings.bins,
    zeroTolerance: settings.zeroTolerance,
    statsOn: settings.statsOn,
    skipNonFinite: settings.skipNonFinite,
    unitsOf,
    watches: settings.watches,
    onError: settings.onError,
  });
}

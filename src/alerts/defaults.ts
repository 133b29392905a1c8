import type { AlertKind, AlertSeverity } from '../history-types';
import type { AlertOptions } from './option-types';

/** Every alert kind (`monitor-error` is raised by the monitor itself, never by the engine). */
export const ALERT_KINDS: readonly AlertKind[] = [
  'non-finite',
  'frozen',
  'changed-while-frozen',
  'frozen-by-design',
  'dead',
  'drift',
  'exploding',
  'vanishing',
  'param-count',
  'gradient-non-finite',
  'gradient-vanishing',
  'gradient-exploding',
  'dead-units',
  'monitor-error',
];

/** Severity of each alert kind unless the `severity` option overrides it. */
export const DEFAULT_SEVERITY: Readonly<Record<AlertKind, AlertSeverity>> = {
  'non-finite': 'error',
  frozen: 'warn',
  'changed-while-frozen': 'warn',
  'frozen-by-design': 'info',
  dead: 'warn',
  drift: 'warn',
  exploding: 'warn',
  vanishing: 'warn',
  'param-count': 'error',
  'gradient-non-finite': 'error',
  'gradient-vanishing': 'warn',
  'gradient-exploding': 'warn',
  'dead-units': 'warn',
  /** Raised by the monitor itself, never by the engine. */
  'monitor-error': 'error',
};

/**
 * Defaults of the numeric options (see `AlertOptions` and the README's alerts section for why
 * each has its value). They were set on the alert corpus (test/fixtures/alert-corpus, recorded by
 * scripts/alert-corpus.js): healthy runs on tabular, image and sequence tasks with five
 * optimizers, three snapshot cadences and several seeds, which must raise no warning, and failing
 * runs, each of which must be caught; `npm run alert-eval` measures both.
 */
export const DEFAULT_ALERT_OPTIONS = {
  frozenTolerance: 1e-7,
  frozenPatience: 3,
  deadThreshold: 1,
  driftThreshold: 2,
  driftSpikeFactor: 5,
  driftSpikeSpread: 20,
  driftFloor: 0.01,
  driftSpikeMinHistory: 5,
  driftSpikeWindow: 100,
  explodeThreshold: 1000,
  growthThreshold: 5,
  vanishThreshold: 0.1,
  driftWarmup: 1,
  gradientVanishRatio: 1e-6,
  gradientVanishFloor: 1e-8,
  gradientExplodeFactor: 5,
  gradientExplodeSpread: 20,
  gradientExplodeMinHistory: 2,
  deadUnitsThreshold: 0.75,
  gradientPatience: 2,
  reminderEvery: 10,
} as const;

/** Every option name `validateAlertOptions` reads, for callers that reject unknown keys. */
export const ALERT_OPTION_KEYS: readonly (keyof AlertOptions)[] = [
  'frozenTolerance',
  'frozenPatience',
  'deadThreshold',
  'driftThreshold',
  'driftSpikeFactor',
  'driftSpikeSpread',
  'driftFloor',
  'driftSpikeMinHistory',
  'driftSpikeWindow',
  'explodeThreshold',
  'growthThreshold',
  'vanishThreshold',
  'driftWarmup',
  'gradientVanishRatio',
  'gradientVanishFloor',
  'gradientExplodeFactor',
  'gradientExplodeSpread',
  'gradientExplodeMinHistory',
  'deadUnitsThreshold',
  'gradientPatience',
  'expectedParams',
  'reminderEvery',
  'include',
  'exclude',
  'disable',
  'severity',
];

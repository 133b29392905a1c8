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
  /** Raised by the monitor itself, never by the engine. */
  'monitor-error': 'error',
};

/**
 * Defaults of the numeric options (see `AlertOptions` for why each was chosen). They were set
 * against healthy MNIST runs: an MLP (784-128-10) with adam (lr 1e-3, 1e-2), sgd (lr 0.01 to
 * 0.5), momentum 0.9 and rmsprop, and a CNN with BatchNormalization with adam, snapshotted per
 * epoch, every batch and every 25 batches. Only one reading crossed a default: one bias vector's
 * relative drift of 2.2 at batch 3 of an sgd run at lr 0.5 with a snapshot every batch.
 */
export const DEFAULT_ALERT_OPTIONS = {
  frozenTolerance: 1e-7,
  frozenPatience: 3,
  deadThreshold: 1,
  driftThreshold: 2,
  driftSpikeFactor: 5,
  driftSpikeMinHistory: 3,
  driftSpikeWindow: 100,
  explodeThreshold: 1000,
  growthThreshold: 5,
  vanishThreshold: 0.01,
  driftWarmup: 1,
  reminderEvery: 10,
} as const;

/** Every option name `validateAlertOptions` reads, for callers that reject unknown keys. */
export const ALERT_OPTION_KEYS: readonly (keyof AlertOptions)[] = [
  'frozenTolerance',
  'frozenPatience',
  'deadThreshold',
  'driftThreshold',
  'driftSpikeFactor',
  'driftSpikeMinHistory',
  'driftSpikeWindow',
  'explodeThreshold',
  'growthThreshold',
  'vanishThreshold',
  'driftWarmup',
  'expectedParams',
  'reminderEvery',
  'include',
  'exclude',
  'disable',
  'severity',
];

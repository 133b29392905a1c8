/**
 * The alert options: their types and defaults (re-exported) and their validation.
 */
import type { AlertKind, AlertSeverity } from '../history-types';
import { describeValue } from '../describe-value';
import { ALERT_KINDS, DEFAULT_ALERT_OPTIONS, DEFAULT_SEVERITY } from './defaults';
import type { AlertOptions, ResolvedAlertOptions, WeightPattern } from './option-types';

export { ALERT_KINDS, ALERT_OPTION_KEYS, DEFAULT_ALERT_OPTIONS, DEFAULT_SEVERITY } from './defaults';
export type { AlertOptions, ResolvedAlertOptions, WeightPattern } from './option-types';

const SEVERITIES: readonly AlertSeverity[] = ['info', 'warn', 'error'];

/**
 * Check alert options and fill in the defaults. Throws a `TypeError` for a value of the wrong
 * type and a `RangeError` for a value out of range; the message names the option and echoes the
 * value. Keys it does not know are ignored (see `ALERT_OPTION_KEYS` to reject them).
 *
 * @example
 * ```ts
 * validateAlertOptions({ driftThreshold: 2 }).driftThreshold; // 2
 * validateAlertOptions({ driftThreshold: -1 });
 * // RangeError: The `driftThreshold` option must be a finite number > 0, but got -1.
 * ```
 */
export function validateAlertOptions(raw?: AlertOptions | null): ResolvedAlertOptions {
  const input: unknown = raw ?? {};
  if (typeof input !== 'object' || Array.isArray(input)) {
    throw new TypeError(`The alert options must be an object, but got ${describeValue(input)}.`);
  }
  const o = input as Record<string, unknown>;
  const d = DEFAULT_ALERT_OPTIONS;
  const driftSpikeMinHistory = integer(o, 'driftSpikeMinHistory', d.driftSpikeMinHistory, 1);
  return {
    frozenTolerance: number(o, 'frozenTolerance', d.frozenTolerance, '>= 0', (x) => x >= 0),
    frozenPatience: integer(o, 'frozenPatience', d.frozenPatience, 1),
    deadThreshold: number(o, 'deadThreshold', d.deadThreshold, '> 0 and <= 1', (x) => x > 0 && x <= 1),
    driftThreshold: number(o, 'driftThreshold', d.driftThreshold, '> 0', (x) => x > 0),
    driftSpikeFactor: number(o, 'driftSpikeFactor', d.driftSpikeFactor, '> 1', (x) => x > 1),
    driftSpikeSpread: number(o, 'driftSpikeSpread', d.driftSpikeSpread, '>= 0', (x) => x >= 0),
    driftFloor: number(o, 'driftFloor', d.driftFloor, '>= 0', (x) => x >= 0),
    driftSpikeMinHistory,
    driftSpikeWindow: integer(o, 'driftSpikeWindow', d.driftSpikeWindow, driftSpikeMinHistory,
      `>= \`driftSpikeMinHistory\` (${driftSpikeMinHistory})`),
    explodeThreshold: number(o, 'explodeThreshold', d.explodeThreshold, '> 0', (x) => x > 0),
    growthThreshold: number(o, 'growthThreshold', d.growthThreshold, '> 1', (x) => x > 1),
    vanishThreshold: number(o, 'vanishThreshold', d.vanishThreshold, '> 0 and < 1', (x) => x > 0 && x < 1),
    driftWarmup: integer(o, 'driftWarmup', d.driftWarmup, 0),
    gradientVanishRatio: number(o, 'gradientVanishRatio', d.gradientVanishRatio, '> 0 and < 1', (x) => x > 0 && x < 1),
    gradientVanishFloor: number(o, 'gradientVanishFloor', d.gradientVanishFloor, '>= 0', (x) => x >= 0),
    gradientExplodeFactor: number(o, 'gradientExplodeFactor', d.gradientExplodeFactor, '> 1', (x) => x > 1),
    gradientExplodeSpread: number(o, 'gradientExplodeSpread', d.gradientExplodeSpread, '>= 0', (x) => x >= 0),
    gradientExplodeMinHistory: integer(o, 'gradientExplodeMinHistory', d.gradientExplodeMinHistory, 1),
    deadUnitsThreshold: number(o, 'deadUnitsThreshold', d.deadUnitsThreshold, '> 0 and <= 1', (x) => x > 0 && x <= 1),
    gradientPatience: integer(o, 'gradientPatience', d.gradientPatience, 1),
    expectedParams: o.expectedParams == null ? null : integer(o, 'expectedParams', 0, 0),
    reminderEvery: integer(o, 'reminderEvery', d.reminderEvery, 0, '>= 0 (0: no reminders)'),
    include: o.include == null ? null : patterns(o.include, 'include', false),
    exclude: o.exclude === undefined ? [] : patterns(o.exclude, 'exclude', true),
    disable: kinds(o.disable),
    severity: severities(o.severity),
  };
}

function number(
  o: Record<string, unknown>, name: string, fallback: number, rule: string, ok: (x: number) => boolean,
): number {
  const value = o[name];
  if (value === undefined) return fallback;
  const message = `The \`${name}\` option must be a finite number ${rule}, but got ${describeValue(value)}.`;
  if (typeof value !== 'number') throw new TypeError(message);
  if (!Number.isFinite(value) || !ok(value)) throw new RangeError(message);
  return value;
}

function integer(
  o: Record<string, unknown>, name: string, fallback: number, min: number, rule = `>= ${min}`,
): number {
  const value = o[name];
  if (value === undefined) return fallback;
  const message = `The \`${name}\` option must be an integer ${rule}, but got ${describeValue(value)}.`;
  if (typeof value !== 'number') throw new TypeError(message);
  if (!Number.isSafeInteger(value) || value < min) throw new RangeError(message);
  return value;
}

function patterns(value: unknown, name: string, emptyOk: boolean): WeightPattern[] {
  const expected = `The \`${name}\` option must be an array of weight names (strings) or RegExps`;
  if (!Array.isArray(value)) throw new TypeError(`${expected}, but got ${describeValue(value)}.`);
  if (value.length === 0 && !emptyOk) {
    throw new RangeError(
      `${expected} with at least one item (omit it to watch every weight), but got [].`);
  }
  return value.map((item: unknown, index) => {
    if (typeof item === 'string') return item;
    if (item instanceof RegExp) return stateless(item);
    throw new TypeError(`${expected}, but got ${describeValue(item)} at index ${index}.`);
  });
}

// A global or sticky RegExp remembers lastIndex between test() calls and would match every
// other time.
function stateless(pattern: RegExp): RegExp {
  return /[gy]/.test(pattern.flags) ? new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, '')) : pattern;
}

function kinds(value: unknown): AlertKind[] {
  if (value === undefined) return [];
  const expected = `The \`disable\` option must be an array of alert kinds (${ALERT_KINDS.join(', ')})`;
  if (!Array.isArray(value)) throw new TypeError(`${expected}, but got ${describeValue(value)}.`);
  return value.map((item: unknown, index) => {
    if (isKind(item)) return item;
    const error = typeof item === 'string' ? RangeError : TypeError;
    throw new error(`${expected}, but got ${describeValue(item)} at index ${index}.`);
  });
}

function severities(value: unknown): Record<AlertKind, AlertSeverity> {
  const merged = { ...DEFAULT_SEVERITY };
  if (value === undefined) return merged;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new TypeError(
      `The \`severity\` option must be an object mapping alert kinds to 'info', 'warn' or 'error', but got ${describeValue(value)}.`);
  }
  for (const [kind, severity] of Object.entries(value)) {
    if (!isKind(kind)) {
      throw new RangeError(
        `The \`severity\` option must only have alert kinds (${ALERT_KINDS.join(', ')}) as keys, but got ${describeValue(kind)}.`);
    }
    if (severity === undefined) continue;
    if (!SEVERITIES.includes(severity as AlertSeverity)) {
      throw new RangeError(
        `The \`severity\` option must map \`${kind}\` to 'info', 'warn' or 'error', but got ${describeValue(severity)}.`);
    }
    merged[kind] = severity as AlertSeverity;
  }
  return merged;
}

function isKind(value: unknown): value is AlertKind {
  return typeof value === 'string' && (ALERT_KINDS as readonly string[]).includes(value);
}

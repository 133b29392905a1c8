/** All options of `paramMonitor()`: the core ones, the alert rules, and what to do on an alert. */
import type { Alert, AlertKind, HistoryDocument } from './history-types';
import type { AlertOptions, ResolvedAlertOptions } from './alerts/options';
import { ALERT_KINDS, ALERT_OPTION_KEYS, validateAlertOptions } from './alerts/options';
import type { CoreOptions, ResolvedCoreOptions } from './options';
import { CORE_KEYS, show, validateCoreOptions } from './validate-options';
import type { ResolvedStepOptions, StepOptions } from './training/step-options';
import { STEP_KEYS, validateStepOptions } from './training/step-options';

export interface ParamMonitorOptions extends CoreOptions, AlertOptions, StepOptions {
  /**
   * Called with every alert as it is raised (after it is logged). An exception thrown here is
   * logged and does not stop training.
   * @default undefined
   */
  onAlert?: (alert: Alert) => void;
  /**
   * Alert kinds that end training: when one starts, the monitor sets `model.stopTraining`, and
   * `fit` returns after the current batch. tfjs has no TerminateOnNaN; `stopOn: ['non-finite']` is one.
   * In a custom loop (`attach()`), the attached optimizer's steps are skipped from then on (the
   * weights stay as they are) and `monitor.shouldStop` is true: end the loop on it.
   * @default []
   */
  stopOn?: AlertKind[];
}

export interface ResolvedMonitorOptions extends ResolvedCoreOptions {
  steps: ResolvedStepOptions;
  alerts: ResolvedAlertOptions;
  onAlert: ((alert: Alert) => void) | undefined;
  stopOn: Set<AlertKind>;
}

const MONITOR_KEYS = ['onAlert', 'stopOn'];

export function validateMonitorOptions(options: ParamMonitorOptions): ResolvedMonitorOptions {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError(`The options of paramMonitor() must be an object, but got ${show(options)}.`);
  }
  const known = new Set<string>([...CORE_KEYS, ...ALERT_OPTION_KEYS, ...MONITOR_KEYS, ...STEP_KEYS]);
  for (const key of Object.keys(options)) {
    if (!known.has(key)) {
      throw new TypeError(`Unknown option \`${key}\` (got ${show((options as Record<string, unknown>)[key])}). Known options: ${[...known].join(', ')}.`);
    }
  }
  const { onAlert, stopOn } = options;
  if (onAlert !== undefined && typeof onAlert !== 'function') {
    throw new TypeError(`The \`onAlert\` option must be a function, but got ${show(onAlert)}.`);
  }
  if (stopOn !== undefined && !Array.isArray(stopOn)) {
    throw new TypeError(`The \`stopOn\` option must be an array of alert kinds, but got ${show(stopOn)}.`);
  }
  for (const kind of stopOn ?? []) {
    if (!ALERT_KINDS.includes(kind)) {
      throw new RangeError(`The \`stopOn\` option must list alert kinds (${ALERT_KINDS.join(', ')}), but got ${show(kind)}.`);
    }
  }
  const alertOptions: Record<string, unknown> = {};
  for (const key of ALERT_OPTION_KEYS) {
    if ((options as Record<string, unknown>)[key] !== undefined) alertOptions[key] = (options as Record<string, unknown>)[key];
  }
  const alerts = validateAlertOptions(alertOptions as AlertOptions);
  const off = (stopOn ?? []).find((kind) => alerts.disable.includes(kind));
  if (off !== undefined) {
    throw new RangeError(`The \`stopOn\` option lists ${show(off)}, which the \`disable\` option turns off, so it could never stop training.`);
  }
  const steps = validateStepOptions(options);
  return {
    ...validateCoreOptions(options),
    steps,
    alerts,
    onAlert,
    stopOn: new Set(stopOn ?? []),
  };
}

/**
 * The options as the history document records them. `stepsUsed`: `attach()` was called (then
 * `everySteps` is recorded); `autoWorker`: `thread: 'auto'` chose the worker.
 */
export function recordedOptions(options: ResolvedMonitorOptions, run: { stepsUsed: boolean; autoWorker: boolean }): HistoryDocument['options'] {
  return {
    bins: options.bins, zeroTolerance: options.zeroTolerance,
    everyEpochs: options.everyEpochs, everyBatches: options.everyBatches,
    ...(run.stepsUsed ? { everySteps: options.steps.everySteps } : {}),
    statsOn: options.statsOn, maxSnapshots: options.maxSnapshots, fromStart: options.fromStart,
    thread: options.thread === 'worker' && options.threadAuto && !run.autoWorker ? 'main' : options.thread,
    ...(options.gradients ? { gradients: true } : {}),
  };
}

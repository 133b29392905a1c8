import type { Alert, AlertKind } from '../history-types';
import type { ConditionStep } from './condition-tracker';
import { formatSnapshots } from './format-number';

/** Where in training a snapshot or census was taken. */
export interface TrainingPosition {
  epoch: number;
  batch?: number;
  /** Optimizer steps applied, in a custom training loop (`attach()`). */
  step?: number;
}

/** `step 120` in a custom loop, `epoch 3, batch 120` with batch snapshots, else `epoch 3`. */
export function describePosition(at: TrainingPosition): string {
  if (at.step !== undefined) return at.epoch > 0 ? `step ${at.step}, epoch ${at.epoch}` : `step ${at.step}`;
  return at.batch === undefined ? `epoch ${at.epoch}` : `epoch ${at.epoch}, batch ${at.batch}`;
}

/**
 * The message of an alert: subject, finding, position, and for reminders and clears how long the
 * condition has held.
 *
 * @example
 * alertMessage('dense_Dense1/kernel', 'relative drift 3.2 is above driftThreshold 1', 'drift',
 *   { status: 'started', count: 1 }, { epoch: 4 });
 * // 'dense_Dense1/kernel: relative drift 3.2 is above driftThreshold 1 (epoch 4)'
 */
export function alertMessage(
  subject: string, text: string, kind: AlertKind, step: ConditionStep, at: TrainingPosition,
): string {
  const where = describePosition(at);
  const snapshots = formatSnapshots(step.count);
  const tail = step.status === 'started' ? ''
    : step.status === 'ongoing' ? `; ${kind} for ${snapshots} in a row` : `; ${kind} cleared after ${snapshots}`;
  return `${subject}: ${text} (${where}${tail})`;
}

/** Fields of an alert before the position is attached. */
export interface AlertFields {
  kind: AlertKind;
  severity: Alert['severity'];
  weight: string | null;
  layer: string | null;
  value: number | null;
  threshold: number | null;
  /** What the message is about: the weight name, or the model for model-wide alerts. */
  subject: string;
  /** The finding, see `WeightRule.explain`. */
  text: string;
}

/**
 * Build a plain-JSON alert: non-finite numbers become null (the history holds no NaN or
 * Infinity), `batch` is present only when the position has one.
 */
export function buildAlert(fields: AlertFields, step: ConditionStep, at: TrainingPosition): Alert {
  return {
    kind: fields.kind,
    severity: fields.severity,
    status: step.status,
    weight: fields.weight,
    layer: fields.layer,
    epoch: at.epoch,
    ...(at.batch === undefined ? {} : { batch: at.batch }),
    ...(at.step === undefined ? {} : { step: at.step }),
    value: finiteOrNull(fields.value),
    threshold: finiteOrNull(fields.threshold),
    count: step.count,
    message: alertMessage(fields.subject, fields.text, fields.kind, step, at),
  };
}

function finiteOrNull(value: number | null): number | null {
  return value !== null && Number.isFinite(value) ? value : null;
}

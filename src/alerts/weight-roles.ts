import type { WeightRecord } from '../history-types';

/**
 * A weight the model trains: declared trainable and not a moving statistic. Includes weights the
 * optimizer misses (`optimized === false`), which is what the `frozen` rule is there to catch.
 */
export function isTrained(record: WeightRecord | undefined): record is WeightRecord {
  return record !== undefined && record.trainable && !record.movingStatistic;
}

/**
 * A parameter declared non-trainable (layer or variable), as opposed to a moving statistic, and
 * not trained through another model that shares it (`sharedWith`): nothing should change it.
 */
export function isDeclaredFrozen(record: WeightRecord | undefined): record is WeightRecord {
  return record !== undefined && !record.trainable && !record.movingStatistic && !isShared(record);
}

/** Not trained by this model but by another model that shares its layer (`sharedWith`). */
export function isShared(record: WeightRecord | undefined): boolean {
  return record !== undefined && !record.trainable && (record.sharedWith?.length ?? 0) > 0;
}

/**
 * Why a weight is not trainable, for messages.
 *
 * @example
 * frozenReason({ layer: 'd1', layerTrainable: false, ... }); // 'its layer `d1` has trainable: false'
 */
export function frozenReason(record: WeightRecord): string {
  return record.layerTrainable
    ? 'the variable is not trainable'
    : `its layer \`${record.layer}\` has trainable: false`;
}

/** What a weight is, for the message that ends a condition when its record changes. */
export function describeRole(record: WeightRecord | undefined): string {
  if (record === undefined) return 'not in the latest weight census';
  if (record.movingStatistic) return 'a moving statistic';
  if (isShared(record)) return `trained through ${(record.sharedWith ?? []).join(', ')}`;
  return record.trainable ? 'trainable' : 'not trainable';
}

import type { ModelRecord } from '../../history-types';
import type { Finding } from '../rule';

/** A census verdict, reported at once (a census is taken once per `fit`, not at every snapshot). */
export interface CensusVerdict extends Finding {
  /** Whether the total differs. */
  holds: boolean;
}

/**
 * `param-count`: the census total differs from `expectedParams`. Returns null when no count is
 * expected.
 *
 * @example
 * checkParamCount({ name: 'mlp', totalParams: 101770, ... }, 101771);
 * // { holds: true, value: 101770, threshold: 101771,
 * //   text: 'totalParams 101770 differs from expectedParams 101771 (1 fewer)' }
 */
export function checkParamCount(model: ModelRecord, expectedParams: number | null): CensusVerdict | null {
  if (expectedParams === null) return null;
  const total = model.totalParams;
  const difference = total - expectedParams;
  if (difference === 0) {
    return { holds: false, value: total, threshold: expectedParams, text: `totalParams ${total} matches expectedParams` };
  }
  const gap = difference > 0 ? `${difference} more` : `${-difference} fewer`;
  return {
    holds: true,
    value: total,
    threshold: expectedParams,
    text: `totalParams ${total} differs from expectedParams ${expectedParams} (${gap})`,
  };
}

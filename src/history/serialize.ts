/**
 * The history document as JSON text, in pieces: one top-level field at a time and the series
 * one column at a time, so that writing a long run's document never builds one string larger
 * than V8 allows (about 512 M characters) and never holds the whole text in memory at once.
 * NaN and Infinity, which JSON cannot hold, become null.
 */
import type { HistoryDocument } from '../history-types';

const replacer = (_key: string, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? null : value);
const json = (value: unknown) => JSON.stringify(value, replacer);

/** JSON text of `doc`, piece by piece; the pieces joined are `JSON.stringify(doc)` with non-finite numbers as null. */
export function* historyPieces(doc: HistoryDocument): Generator<string> {
  const fields = Object.keys(doc) as (keyof HistoryDocument)[];
  yield '{';
  for (const [i, field] of fields.entries()) {
    yield `${i > 0 ? ',' : ''}${json(field)}:`;
    if (field === 'series') {
      const { weights, ...index } = doc.series;
      yield json(index).slice(0, -1);
      yield ',"weights":{';
      for (const [w, [name, columns]] of Object.entries(weights).entries()) {
        yield `${w > 0 ? ',' : ''}${json(name)}:{`;
        for (const [c, [key, values]] of Object.entries(columns).entries()) yield `${c > 0 ? ',' : ''}${json(key)}:${json(values)}`;
        yield '}';
      }
      yield '}}';
    } else if (field === 'snapshots') {
      yield '[';
      for (const [i, snapshot] of doc.snapshots.entries()) yield `${i > 0 ? ',' : ''}${json(snapshot)}`;
      yield ']';
    } else {
      yield json(doc[field]);
    }
  }
  yield '}';
}

/** JSON text of `doc` as one string (for documents that fit in one). */
export function serializeHistory(doc: HistoryDocument): string {
  return [...historyPieces(doc)].join('');
}

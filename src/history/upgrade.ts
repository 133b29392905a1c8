/**
 * Brings an older history document up to the current version. Version 3 only added optional
 * fields (custom-loop steps, shared weights), so a version 2 document is a version 3 one as it is.
 *
 * Brings a version 1 history document (written before `series` and `Snapshot.index` existed) up
 * to version 2. Version 1 kept every snapshot, so the series are derived from them exactly.
 * Only touches what is shaped as expected: anything else is left for the schema to report.
 */
import { SCHEMA_VERSION } from '../history-types';
import { SeriesRecorder } from './series';

type Json = Record<string, unknown>;
const isObject = (x: unknown): x is Json => typeof x === 'object' && x !== null && !Array.isArray(x);

export function upgradeFromVersion1(doc: Json): Json {
  const snapshots = doc.snapshots;
  const options = doc.options;
  const wellShaped = (s: unknown) => isObject(s) && typeof s.epoch === 'number' && isObject(s.stats) && Object.values(s.stats).every(isObject);
  if (!Array.isArray(snapshots) || !snapshots.every(wellShaped)) return doc;
  const series = new SeriesRecorder();
  const indexed = (snapshots as Json[]).map((s) => {
    const index = series.append(s.epoch as number, typeof s.batch === 'number' ? s.batch : undefined, s.stats as never);
    return { index, ...s };
  });
  return {
    ...doc,
    schemaVersion: 2,
    options: isObject(options) ? { ...options, maxSnapshots: Math.max(snapshots.length, 2), fromStart: true } : options,
    snapshots: indexed,
    series: series.toJSON(),
  };
}

/** A document of any version this one reads, as the current version (see `SCHEMA_VERSION`). */
export function upgradeToCurrent(doc: Json): Json {
  const v2 = doc.schemaVersion === 1 ? upgradeFromVersion1(doc) : doc;
  return v2.schemaVersion === 2 ? { ...v2, schemaVersion: SCHEMA_VERSION } : v2;
}

/**
 * Reads a history file for the CLI. Every problem becomes a `HistoryFileError` whose one-line
 * message names the file, so the CLI can print it and exit 2.
 *
 * Interim: checks the document's outline and derives `series` from a version 1 document. Once
 * `loadHistory` (src/history/load.ts, issue #6) lands, this file calls it instead.
 */
import * as fs from 'fs';
import type { HistoryDocument, Snapshot } from '../history-types';
import type { HistorySeries, LoadedHistory, WeightSeries } from '../report/loaded-history';

/** A history file that cannot be read, parsed or recognized. */
export class HistoryFileError extends Error {
  constructor(readonly file: string, problem: string) {
    super(`${file}: ${problem}`);
    this.name = 'HistoryFileError';
  }
}

const ARRAY_FIELDS = ['weights', 'runs', 'snapshots', 'alerts'] as const;

export function readHistory(file: string): LoadedHistory {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new HistoryFileError(file, code === 'ENOENT' ? 'no such file' : `cannot be read (${code ?? String(error)})`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new HistoryFileError(file, text.trim() === '' ? 'the file is empty' : 'not valid JSON (truncated or not a history file?)');
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc) || !('schemaVersion' in doc)) {
    throw new HistoryFileError(file, 'not a parameter history document (no `schemaVersion`)');
  }
  const version = (doc as { schemaVersion: unknown }).schemaVersion;
  if (version !== 1 && version !== 2) {
    throw new HistoryFileError(file, `unsupported schemaVersion ${JSON.stringify(version)} (this version reads 1 and 2)`);
  }
  const record = doc as Record<string, unknown>;
  for (const field of ARRAY_FIELDS) {
    if (!Array.isArray(record[field])) throw new HistoryFileError(file, `\`${field}\` must be an array`);
  }
  if (typeof record.model !== 'object' || record.model === null) throw new HistoryFileError(file, '`model` must be an object');
  const history = doc as HistoryDocument & { series?: HistorySeries };
  return { ...history, series: history.series ?? seriesOf(history) };
}

function seriesOf(history: HistoryDocument): HistorySeries {
  const weights: Record<string, WeightSeries> = {};
  for (const w of history.weights) weights[w.name] = weightSeries(history.snapshots, w.name);
  return {
    epoch: history.snapshots.map((s) => s.epoch),
    batch: history.snapshots.map((s) => s.batch ?? null),
    weights,
  };
}

function weightSeries(snapshots: Snapshot[], name: string): WeightSeries {
  const pick = (get: (s: NonNullable<Snapshot['stats'][string]>) => number | null | undefined) =>
    snapshots.map((snap) => {
      const stats = snap.stats[name];
      const value = stats === undefined ? null : get(stats);
      return typeof value === 'number' && Number.isFinite(value) ? value : null;
    });
  return {
    mean: pick((s) => s.mean), std: pick((s) => s.std), min: pick((s) => s.min), max: pick((s) => s.max),
    absMean: pick((s) => s.absMean), l2Norm: pick((s) => s.l2Norm), zeroFraction: pick((s) => s.zeroFraction),
    nanCount: pick((s) => s.nanCount), infCount: pick((s) => s.infCount),
    driftRelative: pick((s) => s.drift?.relative), fromStartRelative: pick((s) => s.fromStart?.relative),
  };
}

/**
 * Reads a history file back: `loadHistory(path)` checks it against the JSON Schema of the
 * document (schema/history.schema.json, generated from the TypeScript types) and returns it
 * typed. Every failure is a {@link HistoryFileError} whose one-line message names the file and
 * the first problem, never a stack trace from `JSON.parse`.
 */
import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import * as fs from 'fs';
import * as path from 'path';
import type { HistoryDocument } from '../history-types';
import { SCHEMA_VERSION } from '../history-types';
import { upgradeToCurrent } from './upgrade';

/** A history file that cannot be read, with the file's path in `file`. */
export class HistoryFileError extends Error {
  constructor(readonly file: string, problem: string) {
    super(`${file}: ${problem}`);
    this.name = 'HistoryFileError';
  }
}

/** Path of the JSON Schema, from src/history or dist/history alike. */
export const HISTORY_SCHEMA_PATH = path.join(__dirname, '..', '..', 'schema', 'history.schema.json');

let validator: ValidateFunction | null = null;

function validate(doc: unknown): ErrorObject | null {
  validator ??= new Ajv({ allErrors: false, strict: true }).compile(JSON.parse(fs.readFileSync(HISTORY_SCHEMA_PATH, 'utf8')));
  return validator(doc) ? null : (validator.errors ?? [])[0] ?? null;
}

function describeError(error: ErrorObject): string {
  const where = error.instancePath === '' ? 'the document' : error.instancePath;
  if (error.keyword === 'additionalProperties') return `${where} has an unknown field \`${String(error.params.additionalProperty)}\``;
  if (error.keyword === 'required') return `${where} lacks the field \`${String(error.params.missingProperty)}\``;
  if (error.keyword === 'type') return `${where} must be ${String(error.params.type).split(',').join(' or ')}`;
  return `${where} ${error.message ?? 'is invalid'}`;
}

/** Problems the schema cannot state: the series columns line up with the snapshots. */
function checkConsistency(doc: HistoryDocument): string | null {
  const length = doc.series.epoch.length;
  if (doc.series.batch.length !== length) return `/series/batch has ${doc.series.batch.length} entries where /series/epoch has ${length}`;
  const steps = doc.series.step;
  if (steps !== undefined && steps.length !== length) return `/series/step has ${steps.length} entries where /series/epoch has ${length}`;
  for (const group of ['weights', 'gradients'] as const) {
    for (const [name, columns] of Object.entries(doc.series[group] ?? {})) {
      for (const [key, values] of Object.entries(columns as Record<string, unknown[]>)) {
        if (values.length !== length) return `/series/${group}/${name}/${key} has ${values.length} entries where /series/epoch has ${length}`;
      }
    }
  }
  let previous = -1;
  for (const [i, s] of doc.snapshots.entries()) {
    if (!Number.isInteger(s.index) || s.index <= previous || s.index >= length) {
      return `/snapshots/${i}/index is ${s.index}: indices must increase, from 0 to ${length - 1} (the snapshots of /series)`;
    }
    if (s.epoch !== doc.series.epoch[s.index] || (s.batch ?? null) !== doc.series.batch[s.index]
      || (s.step ?? null) !== (steps?.[s.index] ?? null)) {
      return `/snapshots/${i} (epoch ${s.epoch}) does not match /series at index ${s.index} (epoch ${doc.series.epoch[s.index]})`;
    }
    previous = s.index;
  }
  return null;
}

/** Checks a parsed document; `file` names it in errors. Upgrades a version 1 or 2 document. */
export function parseHistory(value: unknown, file: string): HistoryDocument {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || !('schemaVersion' in value)) {
    throw new HistoryFileError(file, 'not a tfjs-param-monitor history document (no `schemaVersion` field at the top level)');
  }
  const version = (value as { schemaVersion: unknown }).schemaVersion;
  if (version !== 1 && version !== 2 && version !== SCHEMA_VERSION) {
    const newer = typeof version === 'number' && version > SCHEMA_VERSION;
    throw new HistoryFileError(file, `schemaVersion ${JSON.stringify(version)} is not one this version reads (1 to ${SCHEMA_VERSION})${newer ? ': it was written by a newer tfjs-param-monitor; upgrade it' : ''}`);
  }
  const doc: unknown = upgradeToCurrent(value as Record<string, unknown>);
  const error = validate(doc);
  if (error) throw new HistoryFileError(file, `not a valid history document: ${describeError(error)}`);
  const inconsistent = checkConsistency(doc as HistoryDocument);
  if (inconsistent) throw new HistoryFileError(file, `not a valid history document: ${inconsistent}`);
  return doc as HistoryDocument;
}

/**
 * Reads and validates a history file written by `output`, `save()` or `JSON.stringify(monitor)`.
 * @throws {HistoryFileError} naming the file and the first problem (missing, empty, truncated or
 *   corrupt JSON, a schemaVersion this version does not read, or a document that does not match
 *   the schema).
 * @example
 * const history = loadHistory('runs/exp1/params.json');
 * console.log(history.series.weights['dense_Dense1/kernel'].driftRelative);
 */
export function loadHistory(file: string): HistoryDocument {
  if (typeof file !== 'string' || file.length === 0) {
    throw new TypeError(`loadHistory() takes the path of a history file, but got ${JSON.stringify(file)}.`);
  }
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder, not a file' : (error as Error).message;
    throw new HistoryFileError(file, `cannot be read: ${reason}`);
  }
  if (text.trim() === '') throw new HistoryFileError(file, 'is empty');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    // Node quotes the start of the text in its message: keep that to one printable line.
    const message = (error as Error).message.replace(/[\u0000-\u001f\u007f]+/g, ' ');
    const at = /position (\d+)/.exec(message);
    const truncated = /end of JSON input|Unterminated/.test(message) || (at !== null && Number(at[1]) >= text.trimEnd().length);
    throw new HistoryFileError(file, `is not valid JSON${truncated ? ' (it ends too soon: truncated?)' : ''}: ${message}`);
  }
  return parseHistory(value, file);
}

/**
 * Reads TensorBoard event files back in the tests, independently of the writer: TFRecord frames
 * checked with @aws-crypto/crc32c (not the writer's CRC), events decoded with protobufjs from a
 * schema written here from TensorBoard's .proto files, with the fields TensorFlow's own writers
 * use as well (`simple_value`, `float_val`), so tfjs-node's files read too.
 */
import * as fs from 'fs';
import * as path from 'path';
import { crc32c } from '@aws-crypto/crc32c';
import * as protobuf from 'protobufjs';

const root = protobuf.parse(`
syntax = "proto3";
package tb;
message Event { double wall_time = 1; int64 step = 2; oneof what { string file_version = 3; bytes graph_def = 4; Summary summary = 5; } }
message Summary { repeated Value value = 1; }
message Value { string tag = 1; float simple_value = 2; SummaryMetadata metadata = 9; TensorProto tensor = 8; }
message SummaryMetadata { PluginData plugin_data = 1; int32 data_class = 4; }
message PluginData { string plugin_name = 1; bytes content = 2; }
message TensorProto {
  int32 dtype = 1; TensorShapeProto tensor_shape = 2; bytes tensor_content = 4;
  repeated float float_val = 5 [packed = true]; repeated double double_val = 6 [packed = true]; repeated bytes string_val = 8;
}
message TensorShapeProto { repeated Dim dim = 2; }
message Dim { int64 size = 1; }
`, { keepCase: true }).root;
const Event = root.lookupType('tb.Event');

const mask = (crc: number) => (((crc >>> 15) | (crc << 17)) + 0xa282ead8) >>> 0;

export interface ReadValue {
  tag: string;
  plugin: string | null;
  /** Plain numbers for numeric tensors (row by row), strings for text. */
  values: number[] | string[];
  shape: number[];
}

export interface ReadEvent {
  step: number;
  wallTime: number;
  fileVersion?: string;
  values: ReadValue[];
}

export interface ReadFile {
  events: ReadEvent[];
  /** Bytes after the last whole record (a record torn by a kill): 0 for a whole file. */
  tornBytes: number;
}

function tensorValues(t: Record<string, unknown>): { values: number[] | string[]; shape: number[] } {
  const shape = ((t.tensor_shape as { dim?: { size: number | { toNumber(): number } }[] } | undefined)?.dim ?? []).map((d) => Number(d.size));
  if (t.dtype === 7) return { values: (t.string_val as Uint8Array[]).map((b) => Buffer.from(b).toString('utf8')), shape };
  const content = t.tensor_content as Uint8Array | undefined;
  if (content && content.length > 0) {
    const bytes = Buffer.from(content);
    const size = t.dtype === 2 ? 8 : 4;
    const values = Array.from({ length: bytes.length / size }, (_, i) => (size === 8 ? bytes.readDoubleLE(i * 8) : bytes.readFloatLE(i * 4)));
    return { values, shape };
  }
  return { values: [...((t.double_val as number[]) ?? []), ...((t.float_val as number[]) ?? [])], shape };
}

/** Every event of one file; throws on a bad CRC or a record that does not decode, except a torn end. */
export function readEventFile(file: string): ReadFile {
  const bytes = fs.readFileSync(file);
  const events: ReadEvent[] = [];
  let at = 0;
  while (at < bytes.length) {
    if (at + 12 > bytes.length) break;
    const length = bytes.readUInt32LE(at) + bytes.readUInt32LE(at + 4) * 2 ** 32;
    if (bytes.readUInt32LE(at + 8) !== mask(crc32c(bytes.subarray(at, at + 8)))) throw new Error(`${file}: bad length CRC at byte ${at}`);
    if (at + 16 + length > bytes.length) break;
    const data = bytes.subarray(at + 12, at + 12 + length);
    if (bytes.readUInt32LE(at + 12 + length) !== mask(crc32c(data))) throw new Error(`${file}: bad data CRC at byte ${at}`);
    const event = Event.toObject(Event.decode(data), { longs: Number, defaults: false }) as Record<string, unknown>;
    const values = ((event.summary as { value?: Record<string, unknown>[] } | undefined)?.value ?? []).map((v) => {
      const plugin = (v.metadata as { plugin_data?: { plugin_name?: string } } | undefined)?.plugin_data?.plugin_name ?? null;
      if (v.tensor) return { tag: v.tag as string, plugin, ...tensorValues(v.tensor as Record<string, unknown>) };
      return { tag: v.tag as string, plugin, values: [v.simple_value as number], shape: [] };
    });
    events.push({
      step: Number(event.step ?? 0), wallTime: event.wall_time as number,
      ...(event.file_version !== undefined ? { fileVersion: event.file_version as string } : {}), values,
    });
    at += 16 + length;
  }
  return { events, tornBytes: bytes.length - at };
}

/** The event files in `folder` (not recursive), by name. */
export function eventFilesIn(folder: string): string[] {
  return fs.readdirSync(folder).filter((name) => name.includes('tfevents')).sort().map((name) => path.join(folder, name));
}

/** Per tag: its points in file order, `{ step, values }`. */
export function seriesByTag(events: ReadEvent[]): Map<string, { step: number; values: number[] | string[]; shape: number[]; plugin: string | null }[]> {
  const byTag = new Map<string, { step: number; values: number[] | string[]; shape: number[]; plugin: string | null }[]>();
  for (const event of events) {
    for (const value of event.values) {
      const list = byTag.get(value.tag) ?? [];
      list.push({ step: event.step, values: value.values, shape: value.shape, plugin: value.plugin });
      byTag.set(value.tag, list);
    }
  }
  return byTag;
}

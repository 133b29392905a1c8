/**
 * The summary values this package writes, in the forms TensorBoard 2.x reads natively (each
 * plugin's `metadata.py` in TensorBoard's sources): a scalar as a rank-0 float32 tensor of the
 * `scalars` plugin (float32, as `tf.summary.scalar` writes it: the data server behind
 * `tensorboard --logdir` reads no other scalar type, tensorboard/data/server/data_compat.rs); a histogram as the `histograms` plugin's [k, 3] float64 tensor of left edge,
 * right edge and count; text as the `text` plugin's 1-D string tensor. The plugin metadata goes
 * with the first value of a tag in a file only, as TensorFlow's writers do (TensorBoard keeps the
 * first it sees). Each function returns the bytes of one `Summary` holding the one value, so
 * values concatenate into a summary.
 */
import type { Histogram } from '../history-types';
import { DATA_CLASS_SCALAR, DATA_CLASS_TENSOR, DT_DOUBLE, DT_FLOAT, DT_STRING, MetadataFields, SummaryMessage, ValueFields } from './proto';

const EMPTY = new Uint8Array(0);

/** `ScalarPluginData`, `HistogramPluginData` and `TextPluginData` at version 0 all encode to no bytes. */
const metadata = (pluginName: string, dataClass: number): MetadataFields => ({ pluginData: { pluginName, content: EMPTY }, dataClass });
export const SCALAR_METADATA = metadata('scalars', DATA_CLASS_SCALAR);
export const HISTOGRAM_METADATA = metadata('histograms', DATA_CLASS_TENSOR);
export const TEXT_METADATA = metadata('text', DATA_CLASS_TENSOR);

function encodeValue(value: ValueFields): Uint8Array {
  return SummaryMessage.encode({ value: [value] }).finish();
}

/** Bytes encoded once, and where the values of each use go (little-endian) from `valueAt`. */
export interface ValueTemplate { bytes: Buffer; valueAt: number }

/** Values no tag, length or count encodes to: mark where a template's numbers start. */
const MARKER_FLOAT = -1.2345678e-37;
const MARKER_DOUBLE = 1.2345678901234567e-300;

function template(value: ValueFields, name: string, probe: Buffer): ValueTemplate {
  const bytes = Buffer.from(encodeValue(value));
  const valueAt = bytes.indexOf(probe);
  if (valueAt < 0 || bytes.indexOf(probe, valueAt + 1) >= 0) throw new Error(`tfjs-param-monitor: cannot place the values of ${name}`);
  return { bytes, valueAt };
}

/**
 * A scalar value for `tag`: the scalar values of a snapshot are these bytes copied and the value
 * written in place (4 bytes, float32), with no encoding per snapshot.
 */
export function scalarTemplate(tag: string, withMetadata: boolean): ValueTemplate {
  const probe = Buffer.allocUnsafe(4);
  probe.writeFloatLE(MARKER_FLOAT);
  return template({
    tag, ...(withMetadata ? { metadata: SCALAR_METADATA } : {}), tensor: { dtype: DT_FLOAT, tensorShape: { dim: [] }, floatVal: [MARKER_FLOAT] },
  }, tag, probe);
}

/** A histogram value of `bins` rows for `tag`: its 3 x `bins` doubles (row by row) go at `valueAt`. */
export function histogramTemplate(tag: string, bins: number, withMetadata: boolean): ValueTemplate {
  const content = Buffer.alloc(bins * 3 * 8);
  content.writeDoubleLE(MARKER_DOUBLE);
  return template({
    tag, ...(withMetadata ? { metadata: HISTOGRAM_METADATA } : {}),
    tensor: { dtype: DT_DOUBLE, tensorShape: { dim: [{ size: bins }, { size: 3 }] }, tensorContent: content },
  }, tag, content.subarray(0, 8));
}

/**
 * Writes the rows (left edge, right edge, count) of TensorBoard's histogram tensor for a history
 * histogram (`counts.length` equal-width bins over [min, max]) into `out` at `at`, as
 * little-endian doubles. Returns the number of rows: `counts.length`; 1 for a constant weight
 * (min = max: one bucket of zero width); 0 when no element is finite.
 */
export function writeHistogramRows(histogram: Histogram, out: Buffer, at: number): number {
  const { min, max, counts } = histogram;
  if (min === null || max === null) return 0;
  if (min === max) {
    let total = 0;
    for (const count of counts) total += count;
    out.writeDoubleLE(min, at);
    out.writeDoubleLE(max, at + 8);
    out.writeDoubleLE(total, at + 16);
    return 1;
  }
  const k = counts.length;
  const width = (max - min) / k;
  for (let i = 0; i < k; i += 1) {
    const row = at + i * 24;
    out.writeDoubleLE(min + i * width, row);
    out.writeDoubleLE(i === k - 1 ? max : min + (i + 1) * width, row + 8);
    out.writeDoubleLE(counts[i], row + 16);
  }
  return k;
}

/** The number of rows {@link writeHistogramRows} writes. */
export function histogramRowCount(histogram: Histogram): number {
  if (histogram.min === null || histogram.max === null) return 0;
  return histogram.min === histogram.max ? 1 : histogram.counts.length;
}

/** A histogram value encoded with protobufjs: for the shape no template is kept for (a constant weight's one row). */
export function histogramValue(tag: string, histogram: Histogram, withMetadata: boolean): Uint8Array {
  const content = Buffer.allocUnsafe(histogram.counts.length * 24);
  const rows = writeHistogramRows(histogram, content, 0);
  return encodeValue({
    tag, ...(withMetadata ? { metadata: HISTOGRAM_METADATA } : {}),
    tensor: { dtype: DT_DOUBLE, tensorShape: { dim: [{ size: rows }, { size: 3 }] }, tensorContent: content.subarray(0, rows * 24) },
  });
}

export function textValue(tag: string, lines: readonly string[], withMetadata: boolean): Uint8Array {
  return encodeValue({
    tag, ...(withMetadata ? { metadata: TEXT_METADATA } : {}),
    tensor: { dtype: DT_STRING, tensorShape: { dim: [{ size: lines.length }] }, stringVal: lines.map((line) => Buffer.from(line, 'utf8')) },
  });
}

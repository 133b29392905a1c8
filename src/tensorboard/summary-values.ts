/**
 * The summary values this package writes, in the forms TensorBoard 2.x reads natively (each
 * plugin's `metadata.py` in TensorBoard's sources): a scalar as a rank-0 float64 tensor of the
 * `scalars` plugin; a histogram as the `histograms` plugin's [k, 3] float64 tensor of left edge,
 * right edge and count; text as the `text` plugin's 1-D string tensor. The plugin metadata goes
 * with the first value of a tag in a file only, as TensorFlow's writers do (TensorBoard keeps the
 * first it sees). Each function returns the bytes of one `Summary` holding the one value, so
 * values concatenate into a summary.
 */
import type { Histogram } from '../history-types';
import { DATA_CLASS_SCALAR, DATA_CLASS_TENSOR, DT_DOUBLE, DT_STRING, MetadataFields, SummaryMessage, ValueFields } from './proto';

const EMPTY = new Uint8Array(0);

/** `ScalarPluginData`, `HistogramPluginData` and `TextPluginData` at version 0 all encode to no bytes. */
const metadata = (pluginName: string, dataClass: number): MetadataFields => ({ pluginData: { pluginName, content: EMPTY }, dataClass });
export const SCALAR_METADATA = metadata('scalars', DATA_CLASS_SCALAR);
export const HISTOGRAM_METADATA = metadata('histograms', DATA_CLASS_TENSOR);
export const TEXT_METADATA = metadata('text', DATA_CLASS_TENSOR);

function encodeValue(value: ValueFields): Uint8Array {
  return SummaryMessage.encode({ value: [value] }).finish();
}

/**
 * The bytes of a scalar value for `tag` and where its 8 value bytes sit (little-endian float64):
 * the scalar values of a snapshot are these bytes copied and the value written in place, with
 * no encoding per snapshot.
 */
export function scalarTemplate(tag: string, withMetadata: boolean): { bytes: Buffer; valueAt: number } {
  const marker = 1.2345678901234567e-300; // a value no tag or length encodes to
  const bytes = Buffer.from(encodeValue({
    tag, ...(withMetadata ? { metadata: SCALAR_METADATA } : {}), tensor: { dtype: DT_DOUBLE, tensorShape: { dim: [] }, doubleVal: [marker] },
  }));
  const probe = Buffer.allocUnsafe(8);
  probe.writeDoubleLE(marker);
  const valueAt = bytes.indexOf(probe);
  if (valueAt < 0 || bytes.indexOf(probe, valueAt + 1) >= 0) throw new Error(`tfjs-param-monitor: cannot place the scalar value of ${tag}`);
  return { bytes, valueAt };
}

/**
 * The bucket edges of a history histogram (`bins` equal-width bins over [min, max]), as the
 * rows (left, right, count) of TensorBoard's histogram tensor. A constant weight (min = max) is
 * one bucket of zero width; a weight with no finite element has no bucket (shape [0, 3]).
 */
export function histogramRows(histogram: Histogram): Float64Array {
  const { min, max, counts } = histogram;
  if (min === null || max === null) return new Float64Array(0);
  if (min === max) return Float64Array.of(min, max, counts.reduce((a, b) => a + b, 0));
  const k = counts.length;
  const rows = new Float64Array(k * 3);
  const width = (max - min) / k;
  for (let i = 0; i < k; i += 1) {
    rows[i * 3] = min + i * width;
    rows[i * 3 + 1] = i === k - 1 ? max : min + (i + 1) * width;
    rows[i * 3 + 2] = counts[i];
  }
  return rows;
}

export function histogramValue(tag: string, histogram: Histogram, withMetadata: boolean): Uint8Array {
  const rows = histogramRows(histogram);
  const content = Buffer.allocUnsafe(rows.length * 8);
  for (let i = 0; i < rows.length; i += 1) content.writeDoubleLE(rows[i], i * 8);
  return encodeValue({
    tag, ...(withMetadata ? { metadata: HISTOGRAM_METADATA } : {}),
    tensor: { dtype: DT_DOUBLE, tensorShape: { dim: [{ size: rows.length / 3 }, { size: 3 }] }, tensorContent: content },
  });
}

export function textValue(tag: string, lines: readonly string[], withMetadata: boolean): Uint8Array {
  return encodeValue({
    tag, ...(withMetadata ? { metadata: TEXT_METADATA } : {}),
    tensor: { dtype: DT_STRING, tensorShape: { dim: [{ size: lines.length }] }, stringVal: lines.map((line) => Buffer.from(line, 'utf8')) },
  });
}

/**
 * TFRecord framing, the container of TensorBoard event files: each record is its length (u64,
 * little-endian), the masked CRC32C of those 8 bytes, the data, the masked CRC32C of the data.
 * A reader that finds a torn last record (a process killed mid-write) skips it.
 */
import { maskedCrc32c } from './crc32c';

/** Bytes a record of `length` data bytes takes in the file. */
export const framedLength = (length: number): number => length + 16;

/**
 * Frames the record at `buffer[dataStart, dataEnd)` in place: its length and the length's CRC go
 * in the 12 bytes before it, the data's CRC in the 4 after, which the caller leaves free. Returns
 * the framed bytes, a view of `buffer`.
 */
export function frameInPlace(buffer: Buffer, dataStart: number, dataEnd: number): Buffer {
  const start = dataStart - 12;
  buffer.writeUInt32LE(dataEnd - dataStart, start);
  buffer.writeUInt32LE(0, start + 4);
  buffer.writeUInt32LE(maskedCrc32c(buffer, start, start + 8), start + 8);
  buffer.writeUInt32LE(maskedCrc32c(buffer, dataStart, dataEnd), dataEnd);
  return buffer.subarray(start, dataEnd + 4);
}

/**
 * Frames `records` one after the other into `scratch` (grown when too small, so one buffer is
 * reused from snapshot to snapshot) and returns the framed bytes: a view of the returned buffer.
 */
export function frameRecords(records: readonly Uint8Array[], scratch: Buffer): { buffer: Buffer; bytes: Buffer } {
  const total = records.reduce((sum, record) => sum + framedLength(record.length), 0);
  const buffer = scratch.length >= total ? scratch : Buffer.allocUnsafe(Math.max(total, 2 * scratch.length));
  let at = 0;
  for (const record of records) {
    // Lengths stay far below 2^32: the high word is 0.
    buffer.writeUInt32LE(record.length, at);
    buffer.writeUInt32LE(0, at + 4);
    buffer.writeUInt32LE(maskedCrc32c(buffer, at, at + 8), at + 8);
    buffer.set(record, at + 12);
    buffer.writeUInt32LE(maskedCrc32c(record), at + 12 + record.length);
    at += framedLength(record.length);
  }
  return { buffer, bytes: buffer.subarray(0, total) };
}

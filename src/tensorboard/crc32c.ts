/**
 * CRC32C (Castagnoli), the checksum of TFRecord frames, and TensorFlow's mask of it.
 *
 * Computed here, eight bytes per step ("slicing by 8", eight 256-entry tables), rather than with
 * @aws-crypto/crc32c: that library walks the bytes one at a time through an iterator, and on the
 * ~1.5 KB record a batch snapshot writes it took as long as the whole rest of the write
 * (`npm run bench:tensorboard` prints both). Its results are the reference the tests compare
 * this one against, on random buffers of every length and offset.
 */

/** The reflected Castagnoli polynomial. */
const POLY = 0x82f63b78;

/** TABLES[k][b]: the CRC of byte b followed by k zero bytes. */
const TABLES: Int32Array = (() => {
  const tables = new Int32Array(8 * 256);
  for (let b = 0; b < 256; b += 1) {
    let c = b;
    for (let k = 0; k < 8; k += 1) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
    tables[b] = c;
  }
  for (let b = 0; b < 256; b += 1) {
    for (let k = 1; k < 8; k += 1) {
      const previous = tables[(k - 1) * 256 + b];
      tables[k * 256 + b] = (previous >>> 8) ^ tables[previous & 0xff];
    }
  }
  return tables;
})();

/**
 * The CRC32C of `bytes[start, end)`.
 * @example
 * crc32c(Buffer.from('123456789')) // 0xe3069283
 */
export function crc32c(bytes: Uint8Array, start = 0, end = bytes.length): number {
  const t = TABLES;
  let crc = -1;
  let i = start;
  for (; i + 8 <= end; i += 8) {
    const lo = crc ^ (bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24));
    crc = t[1792 + (lo & 0xff)] ^ t[1536 + ((lo >>> 8) & 0xff)] ^ t[1280 + ((lo >>> 16) & 0xff)] ^ t[1024 + (lo >>> 24)]
      ^ t[768 + bytes[i + 4]] ^ t[512 + bytes[i + 5]] ^ t[256 + bytes[i + 6]] ^ t[bytes[i + 7]];
  }
  for (; i < end; i += 1) crc = (crc >>> 8) ^ t[(crc ^ bytes[i]) & 0xff];
  return (crc ^ -1) >>> 0;
}

/**
 * TensorFlow's masked CRC (tensorflow/core/lib/hash/crc32c.h `Mask`): rotated right by 15 bits
 * plus a constant, so that a CRC stored inside checksummed data does not checksum to itself.
 */
export function maskedCrc32c(bytes: Uint8Array, start = 0, end = bytes.length): number {
  const crc = crc32c(bytes, start, end);
  return (((crc >>> 15) | (crc << 17)) + 0xa282ead8) >>> 0;
}

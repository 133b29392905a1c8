/**
 * The browser build's SHA-256 (src/browser/sha256.ts), which hashes the report's script for its
 * Content-Security-Policy where Node's crypto is missing: the same digests as Node's crypto.
 */
import { createHash } from 'crypto';
import { sha256 } from '../../src/browser/sha256';
import { createHash as browserCreateHash } from '../../src/browser/shims/crypto';
import { REPORT_SCRIPT, REPORT_SCRIPT_HASH } from '../../src/report/report-script';
import { mulberry32 } from '../helpers/reference';
import { expectNoLeaks } from '../helpers/tensor-leaks';

const nodeDigest = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('sha256', () => {
  expectNoLeaks();

  it('matches a published vector and Node at every padding boundary', () => {
    expect(hex(sha256(new TextEncoder().encode('abc')))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    const rand = mulberry32(5);
    for (const length of [0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 128, 1000, 100_000]) {
      const bytes = Uint8Array.from({ length }, () => Math.floor(rand() * 256));
      expect({ length, digest: hex(sha256(bytes)) }).toEqual({ length, digest: nodeDigest(bytes) });
    }
  });

  it('gives the report script the hash its CSP allows, and text as UTF-8', () => {
    expect(`'sha256-${browserCreateHash('sha256').update(REPORT_SCRIPT).digest('base64')}'`).toBe(REPORT_SCRIPT_HASH);
    const text = 'poids – Gewichte – 重み 🎯';
    expect(browserCreateHash('sha256').update(text).digest('base64')).toBe(createHash('sha256').update(text).digest('base64'));
  });
});

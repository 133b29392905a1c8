/**
 * `crypto` in the browser bundle, for the one thing the report takes from it: the SHA-256 of its
 * inline script, for the page's Content-Security-Policy (src/report/report-script.ts). The Web
 * Crypto API hashes only asynchronously, and the report is built synchronously.
 */
import { sha256 } from '../sha256';

export function createHash(algorithm: string): { update(text: string): { digest(encoding: 'base64'): string } } {
  if (algorithm !== 'sha256') throw new Error(`tfjs-param-monitor: createHash('${algorithm}') is not available in the browser.`);
  return {
    update: (text: string) => ({
      digest: (encoding: 'base64') => {
        if (encoding !== 'base64') throw new Error(`tfjs-param-monitor: digest('${encoding}') is not available in the browser.`);
        return toBase64(sha256(new TextEncoder().encode(text)));
      },
    }),
  };
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return (globalThis as unknown as { btoa: (binary: string) => string }).btoa(binary);
}

/**
 * The one use of Node's `Buffer` in code that also runs in the browser: decoding the host engine's
 * WebAssembly module from base64 (src/stats/wasm-passes.ts). esbuild injects this where the
 * bundled code names the global `Buffer`.
 */
const decode = (globalThis as unknown as { atob: (text: string) => string }).atob;

export const Buffer = {
  from(text: string, encoding: 'base64'): Uint8Array {
    if (encoding !== 'base64') throw new Error(`tfjs-param-monitor: Buffer.from(text, '${encoding}') is not available in the browser.`);
    const binary = decode(text);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  },
};

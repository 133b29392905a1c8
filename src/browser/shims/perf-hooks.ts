/** `perf_hooks` in the browser bundle: the page's own `performance` clock. */
export const performance = (globalThis as unknown as { performance: { now(): number } }).performance;

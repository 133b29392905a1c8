/**
 * `os` in the browser bundle, for the one thing the options read from it: the core count
 * (`navigator.hardwareConcurrency`). The browser monitor never measures on a worker, so it only
 * decides what `thread: 'auto'` would have meant.
 */
const navigatorLike = (globalThis as unknown as { navigator?: { hardwareConcurrency?: number } }).navigator;

export function availableParallelism(): number {
  return navigatorLike?.hardwareConcurrency ?? 1;
}

export function cpus(): unknown[] {
  return new Array(availableParallelism()).fill({});
}

/** The error a Node-only part of the monitor throws if the browser bundle ever reaches it. */
export function notInBrowser(what: string, instead: string): Error {
  return new Error(`tfjs-param-monitor: ${what} is not available in the browser; ${instead}.`);
}

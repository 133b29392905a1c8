/**
 * Browser twin of src/stats/measure-thread.ts (swapped in by scripts/build-browser.js): the
 * measuring worker is a Node worker thread. The browser monitor measures on the page's thread
 * (`thread: 'worker'` is refused in ../node-only-options.ts), so this is never constructed.
 */
import { notInBrowser } from './refuse';

export class MeasureThread {
  constructor() {
    throw notInBrowser("The measuring worker (`thread: 'worker'`)", "the monitor measures on the page's thread");
  }
}

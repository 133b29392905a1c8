/**
 * The options of `paramMonitor()` that need Node (files, a worker thread), refused in the browser
 * with an error that names the option, says why and what to use instead: never ignored.
 */
import { describeValue as show } from '../describe-value';
import type { ParamMonitorOptions } from '../monitor-options';

/** Options that write files or start a Node worker, and what a page uses instead. */
export const NODE_ONLY_OPTIONS: Readonly<Record<string, string>> = {
  output: 'writes the history to a file, which a page cannot do. Leave it out and take the history with '
    + 'monitor.toJSON(), monitor.toBlob() or monitor.download()',
  logFile: 'appends the log to a file, which a page cannot do. Leave it out: in the browser the records go to the '
    + 'console, or to the `logger` given',
  tensorboard: 'writes TensorBoard event files, which a page cannot do. Leave it out: in the browser, '
    + 'renderReport(monitor.toJSON()) draws the charts',
};

/**
 * The options with every Node-only one refused (a TypeError naming it) and `thread` set to
 * `'main'`: the page's thread is the only one the browser monitor measures on.
 */
export function browserOptions<T extends ParamMonitorOptions>(options: T): T {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) return options; // validateMonitorOptions says why
  const given = options as Record<string, unknown>;
  for (const [key, why] of Object.entries(NODE_ONLY_OPTIONS)) {
    if (given[key] !== undefined) {
      throw new TypeError(`The \`${key}\` option is not available in the browser (got ${show(given[key])}): it ${why}.`);
    }
  }
  const { thread } = given;
  if (thread === 'worker') {
    throw new TypeError("The `thread` option 'worker' is not available in the browser (got 'worker'): the measuring worker "
      + "is a Node worker thread. Leave `thread` out, or set it to 'main'.");
  }
  return thread === undefined || thread === 'auto' ? { ...options, thread: 'main' } : options;
}

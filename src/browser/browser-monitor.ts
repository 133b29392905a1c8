/**
 * The monitor in a web page: the Node monitor (../monitor.ts) built with the browser twins of its
 * Node-only parts (scripts/build-browser.js), its Node-only options refused, and the history
 * handed over as a Blob or a download instead of a file.
 */
import { ParamMonitor as NodeParamMonitor } from '../monitor';
import type { ParamMonitorOptions } from '../monitor-options';
import { browserOptions } from './node-only-options';

/**
 * The options of `paramMonitor()` in the browser: all of Node's but those that write files or
 * start a worker (`output`, `logFile`, `tensorboard`, `thread: 'worker'`), which are refused.
 */
export interface BrowserMonitorOptions extends Omit<ParamMonitorOptions, 'output' | 'logFile' | 'thread' | 'tensorboard' | 'logger'> {
  /**
   * `'main'`: the page's thread measures (the only choice in the browser). `'worker'` is refused.
   * @default 'main'
   */
  thread?: 'auto' | 'main';
  /**
   * A winston-compatible logger, used as is: any object with `log(level, message, meta)` and
   * `child()` (optionally `isLevelEnabled(level)`, without which every level is taken); `false`
   * silences the monitor.
   * @default the browser console, level `info`
   */
  logger?: BrowserLogger | false;
}

/** What the browser monitor calls on a `logger` (winston's Logger has all of it). */
export interface BrowserLogger {
  log(level: 'error' | 'warn' | 'info' | 'debug', message: string, meta: Record<string, unknown>): unknown;
  child(...args: unknown[]): unknown;
  isLevelEnabled?(level: 'error' | 'warn' | 'info' | 'debug'): boolean;
}

/** The part of the DOM `download()` uses (the project compiles without the DOM typings). */
interface PageDocument {
  createElement(tag: 'a'): { href: string; download: string; click(): void; remove(): void; style: { display: string } };
  body: { appendChild(node: unknown): unknown };
}

/** How long the download's object URL stays valid: long enough for a slow save dialog. */
const URL_LIFETIME_MS = 60_000;

/**
 * A tfjs callback that watches every weight of the model while it trains, in a web page.
 * Create it with {@link paramMonitor}.
 */
export class ParamMonitor extends NodeParamMonitor {
  constructor(options: BrowserMonitorOptions = {}) {
    super(browserOptions(options as unknown as ParamMonitorOptions));
  }

  /**
   * The history document as a JSON Blob (`application/json`), in the form `loadHistory` reads
   * once saved to a file.
   * @example
   * const text = await monitor.toBlob().text();
   */
  toBlob(): Blob {
    return new Blob([JSON.stringify(this.toJSON())], { type: 'application/json' });
  }

  /**
   * Saves the history document through the browser's download (a link to {@link toBlob}'s
   * Blob, clicked). Needs a page: in a web worker, post `toJSON()` or `toBlob()` to the page.
   * @param filename the name the browser offers
   * @default 'params.json'
   * @example
   * await model.fit(xs, ys, { epochs: 10, callbacks: [monitor] });
   * monitor.download('exp1-params.json');
   */
  download(filename = 'params.json'): void {
    if (typeof filename !== 'string' || filename.length === 0) {
      throw new TypeError(`download() takes a non-empty file name, but got ${JSON.stringify(filename)}.`);
    }
    const page = (globalThis as unknown as { document?: PageDocument }).document;
    if (page === undefined) throw new Error('download() needs a page (a document): in a web worker, post monitor.toJSON() or monitor.toBlob() to the page.');
    const url = URL.createObjectURL(this.toBlob());
    const link = page.createElement('a');
    link.href = url;
    link.download = filename;
    link.style.display = 'none';
    page.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), URL_LIFETIME_MS);
  }

  /**
   * Not in the browser, which writes no file: use {@link download} or {@link toBlob}.
   * @throws {TypeError} always
   */
  override save(file?: string): void {
    throw new TypeError(`save(${file === undefined ? '' : JSON.stringify(file)}) writes a file, which a page cannot do: use monitor.download() or monitor.toBlob().`);
  }
}

/**
 * Creates a {@link ParamMonitor} for a web page.
 * @example
 * const monitor = tfParamMonitor.paramMonitor({ stopOn: ['non-finite'] });
 * await model.fit(xs, ys, { epochs: 10, callbacks: [monitor] });
 * monitor.download('params.json');
 * await monitor.dispose();
 */
export function paramMonitor(options?: BrowserMonitorOptions): ParamMonitor {
  return new ParamMonitor(options);
}

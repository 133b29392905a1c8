/**
 * Browser twin of src/log/log-sink.ts (swapped in by scripts/build-browser.js): winston is for
 * Node, so the default logger writes to the browser console, one line per record at the level's
 * console method (`console.error`, `warn`, `info`; `debug` records are left out, as winston's
 * default level `info` does in Node). A `logger` object given (anything with `log(level, message,
 * meta)`, such as a winston-compatible logger) is used as is; `false` silences the monitor.
 * `logFile` is refused before this is reached (./node-only-options.ts).
 */
import type { ResolvedCoreOptions } from '../options';
import { notInBrowser } from './node-io/refuse';

export type Level = 'error' | 'warn' | 'info' | 'debug';
export type Meta = Record<string, unknown>;

/** The part of a logger the sink uses: winston's `log(level, message, meta)` and `isLevelEnabled`. */
interface LoggerLike {
  log(level: Level, message: string, meta: Meta): unknown;
  isLevelEnabled?(level: Level): boolean;
}

const RANK: Record<Level, number> = { error: 0, warn: 1, info: 2, debug: 3 };

/** The default logger: the browser console, level `info`. */
export function createConsoleLogger(): LoggerLike {
  const print: Record<Level, (text: string) => void> = {
    error: (text) => console.error(text),
    warn: (text) => console.warn(text),
    info: (text) => console.info(text),
    debug: (text) => console.debug(text),
  };
  return {
    log: (level, message) => {
      if (RANK[level] <= RANK.info) print[level](`[param-monitor] ${level}: ${message}`);
    },
    isLevelEnabled: (level) => RANK[level] <= RANK.info,
  };
}

export class LogSink {
  private readonly loggers: LoggerLike[] = [];

  constructor(options: Pick<ResolvedCoreOptions, 'logger' | 'logFile'>) {
    if (options.logFile !== undefined) throw notInBrowser('The `logFile` option', 'records go to the browser console or to the `logger` given');
    if (options.logger !== false) this.loggers.push(options.logger ? options.logger as unknown as LoggerLike : createConsoleLogger());
  }

  /** Whether any destination would take records of this level (so detail lines are built only then). */
  enabled(level: Level): boolean {
    return this.loggers.some((logger) => (logger.isLevelEnabled ? logger.isLevelEnabled(level) : true));
  }

  /** Never throws: a logger that fails must not stop training. */
  log(level: Level, message: string, meta: Meta = {}): void {
    const record = { source: 'tfjs-param-monitor', ...meta };
    for (const logger of this.loggers) {
      try {
        logger.log(level, message, record);
      } catch {
        // Nowhere left to report it: the logger is what failed.
      }
    }
  }

  close(): void {
    this.loggers.length = 0;
  }
}

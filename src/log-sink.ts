/**
 * Where the monitor's records go: the user's winston logger (used as is), a default console
 * logger, or nothing; plus an optional JSON-lines file. The file gets a logger of its own, so a
 * user's logger is never modified.
 */
import * as winston from 'winston';
import type { ResolvedCoreOptions } from './options';

export type Level = 'error' | 'warn' | 'info' | 'debug';

/** Structured metadata carried by every record, so that logs can be queried. */
export type Meta = Record<string, unknown>;

const consoleFormat = winston.format.printf(({ level, message }) => `[param-monitor] ${level}: ${String(message)}`);

/** The default console logger: readable lines, level `info`. */
export function createConsoleLogger(): winston.Logger {
  return winston.createLogger({
    level: 'info',
    format: consoleFormat,
    transports: [new winston.transports.Console()],
  });
}

export class LogSink {
  private readonly loggers: winston.Logger[] = [];
  private readonly owned: winston.Logger[] = [];

  constructor(options: Pick<ResolvedCoreOptions, 'logger' | 'logFile'>) {
    if (options.logger !== false) {
      if (options.logger) this.loggers.push(options.logger);
      else this.own(createConsoleLogger());
    }
    if (options.logFile !== undefined) {
      this.own(winston.createLogger({
        level: 'debug',
        format: winston.format.combine(winston.format.timestamp(), winston.format.json()),
        transports: [new winston.transports.File({ filename: options.logFile })],
      }));
    }
  }

  private own(logger: winston.Logger): void {
    this.loggers.push(logger);
    this.owned.push(logger);
  }

  log(level: Level, message: string, meta: Meta = {}): void {
    for (const logger of this.loggers) logger.log(level, message, { source: 'tfjs-param-monitor', ...meta });
  }

  /** Flushes and closes the loggers the sink created (never the user's). Resolves when written. */
  async close(): Promise<void> {
    await Promise.all(this.owned.map((logger) => new Promise<void>((resolve) => {
      logger.on('finish', () => resolve());
      logger.end();
    })));
    this.owned.length = 0;
    this.loggers.length = 0;
  }
}

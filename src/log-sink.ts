/**
 * Where the monitor's records go: the user's winston logger (used as is), a default console
 * logger, or nothing; plus an optional JSON-lines file. The file gets a logger of its own, so a
 * user's logger is never modified.
 */
import * as fs from 'fs';
import * as path from 'path';
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

/**
 * Opens the log file once, so that a path that cannot be written fails when the monitor is
 * created, naming the path. The folder must exist: winston's file transport (and Node's recursive
 * mkdir, on some file systems) would otherwise spin in a busy loop on a folder it cannot create.
 */
function ensureWritable(file: string): void {
  const folder = path.dirname(path.resolve(file));
  let isFolder = false;
  try {
    isFolder = fs.statSync(folder).isDirectory();
  } catch {
    isFolder = false;
  }
  if (!isFolder) throw new RangeError(`The \`logFile\` option names a file in a folder that does not exist: ${file} (create ${folder} first).`);
  try {
    fs.closeSync(fs.openSync(file, 'a'));
  } catch (error) {
    throw new RangeError(`The \`logFile\` option names a file that cannot be written: ${file} (${(error as Error).message}).`);
  }
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
      ensureWritable(options.logFile);
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

  /** Whether any logger would write records of this level (so detail lines are built only then). */
  enabled(level: Level): boolean {
    return this.loggers.some((logger) => logger.isLevelEnabled(level));
  }

  /** Never throws: a logger that fails (a format that throws, a closed stream) must not stop training. */
  log(level: Level, message: string, meta: Meta = {}): void {
    for (const logger of this.loggers) {
      try {
        logger.log(level, message, { source: 'tfjs-param-monitor', ...meta });
      } catch {
        // Nowhere left to report it: the logger is what failed.
      }
    }
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

/**
 * Where the monitor's records go: the user's winston logger (used as is), a default console
 * logger, or nothing; plus an optional JSON-lines file written by the sink itself, so a user's
 * logger is never modified.
 */
import * as winston from 'winston';
import type { ResolvedCoreOptions } from '../options';
import { JsonLinesFile } from './json-lines-file';

export type Level = 'error' | 'warn' | 'info' | 'debug';

/** Structured metadata carried by every record, so that logs can be queried. */
export type Meta = Record<string, unknown>;

/**
 * The default console logger: readable lines, level `info`. With a model name (the `model`
 * option), its lines say which model they are about: two monitors side by side (a GAN's
 * discriminator and combined model) write `[param-monitor discriminator]` and
 * `[param-monitor combined]`.
 */
export function createConsoleLogger(modelName?: string): winston.Logger {
  const label = modelName === undefined ? '[param-monitor]' : `[param-monitor ${modelName}]`;
  return winston.createLogger({
    level: 'info',
    format: winston.format.printf(({ level, message }) => `${label} ${level}: ${String(message)}`),
    transports: [new winston.transports.Console()],
  });
}

export class LogSink {
  private readonly loggers: winston.Logger[] = [];
  private file: JsonLinesFile | null = null;

  constructor(options: Pick<ResolvedCoreOptions, 'logger' | 'logFile' | 'model'>) {
    if (options.logger !== false) {
      if (options.logger) this.loggers.push(options.logger);
      else this.loggers.push(createConsoleLogger(options.model?.name));
    }
    if (options.logFile !== undefined) this.file = new JsonLinesFile(options.logFile);
  }

  /** Whether any destination would take records of this level (so detail lines are built only then). */
  enabled(level: Level): boolean {
    return this.file !== null || this.loggers.some((logger) => logger.isLevelEnabled(level));
  }

  /** Never throws: a logger that fails (a format that throws, a full disk) must not stop training. */
  log(level: Level, message: string, meta: Meta = {}): void {
    const record = { source: 'tfjs-param-monitor', ...meta };
    for (const logger of this.loggers) {
      try {
        logger.log(level, message, record);
      } catch {
        // Nowhere left to report it: the logger is what failed.
      }
    }
    if (this.file === null) return;
    try {
      this.file.write({ timestamp: new Date().toISOString(), level, message, ...record });
    } catch (error) {
      // Closed for good: writing on after a partial line would leave a torn line mid-file.
      const file = this.file;
      this.file = null;
      try {
        file.close();
      } catch {
        // Already reported below; nothing more to do with a file that fails.
      }
      this.log('error', `could not write the log file ${file.file}: ${(error as Error).message}; it gets no more records`, { event: 'logFile-error' });
    }
  }

  /**
   * Closes the log file; records are on disk as they are logged, so nothing waits for a flush.
   * No logger is ended: ending a winston logger drops records still in its pipeline
   * (winston#2219), and the console logger holds nothing that needs freeing.
   */
  close(): void {
    this.file?.close();
    this.file = null;
    this.loggers.length = 0;
  }
}

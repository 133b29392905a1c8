/** Checks every core option when the monitor is created; messages name the option and echo the value. */
import * as os from 'os';
import * as path from 'path';
import { describeValue as show } from './describe-value';
import type { CoreOptions, ResolvedCoreOptions } from './options';
import { STATS_ON } from './stats/engine-choice';
import { namedAfterModel } from './files/model-path';

function positiveInteger(name: string, value: unknown, max: number, min = 1): number {
  if (typeof value !== 'number') throw new TypeError(`The \`${name}\` option must be an integer, but got ${show(value)}.`);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`The \`${name}\` option must be an integer from ${min} to ${max}, but got ${show(value)}.`);
  }
  return value;
}

const CORE_KEYS = ['model', 'bins', 'zeroTolerance', 'everyEpochs', 'everyBatches', 'statsOn', 'thread', 'logger', 'logFile', 'output', 'tensorboard', 'maxSnapshots', 'summary', 'fromStart', 'gradients'] as const;

function filePath(name: string, value: unknown): string | undefined {
  if (value !== undefined && (typeof value !== 'string' || value.length === 0)) {
    throw new TypeError(`The \`${name}\` option must be a non-empty file path, but got ${show(value)}.`);
  }
  return value as string | undefined;
}

/** Cores this process may use (`os.availableParallelism` from Node 18.14). */
function cores(): number {
  return (os as { availableParallelism?: () => number }).availableParallelism?.() ?? os.cpus().length;
}

export function validateCoreOptions(options: CoreOptions): ResolvedCoreOptions {
  const { model, bins, zeroTolerance, everyEpochs, everyBatches, statsOn, thread, logger, logFile, output, tensorboard, maxSnapshots, summary, fromStart, gradients } = options;
  if (model !== undefined && (model === null || typeof model !== 'object' || typeof (model as { getWeights?: unknown }).getWeights !== 'function' || !Array.isArray((model as { layers?: unknown }).layers))) {
    throw new TypeError(`The \`model\` option must be a tf.LayersModel (from tf.sequential() or tf.model()), but got ${show(model)}.`);
  }
  if (zeroTolerance !== undefined) {
    if (typeof zeroTolerance !== 'number') throw new TypeError(`The \`zeroTolerance\` option must be a number, but got ${show(zeroTolerance)}.`);
    if (!Number.isFinite(zeroTolerance) || zeroTolerance < 0) {
      throw new RangeError(`The \`zeroTolerance\` option must be a finite number >= 0, but got ${show(zeroTolerance)}.`);
    }
  }
  if (statsOn !== undefined && !STATS_ON.includes(statsOn)) {
    throw new RangeError(`The \`statsOn\` option must be one of ${STATS_ON.map((v) => `'${v}'`).join(', ')}, but got ${show(statsOn)}.`);
  }
  if (thread !== undefined && thread !== 'auto' && thread !== 'main' && thread !== 'worker') {
    throw new RangeError(`The \`thread\` option must be 'auto', 'main' or 'worker', but got ${show(thread)}.`);
  }
  if (everyEpochs !== undefined && everyBatches !== undefined) {
    throw new TypeError(`The \`everyEpochs\` and \`everyBatches\` options cannot be combined, but got everyEpochs ${show(everyEpochs)} and everyBatches ${show(everyBatches)}.`);
  }
  const loggerLike = logger as { log?: unknown; child?: unknown } | null;
  // console also has log(); a winston logger (or child) also has child().
  if (logger !== undefined && logger !== false && (loggerLike === null || typeof loggerLike !== 'object' || typeof loggerLike.log !== 'function' || typeof loggerLike.child !== 'function')) {
    throw new TypeError(`The \`logger\` option must be a winston logger or false, but got ${show(logger)}.`);
  }
  if (summary !== undefined && summary !== 'dispose' && summary !== 'fit' && summary !== false) {
    throw new RangeError(`The \`summary\` option must be 'dispose', 'fit' or false, but got ${show(summary)}.`);
  }
  const files = {
    output: namedAfterModel('output', filePath('output', output), model),
    logFile: namedAfterModel('logFile', filePath('logFile', logFile), model),
  };
  if (files.output !== undefined && files.logFile !== undefined && path.resolve(files.output) === path.resolve(files.logFile)) {
    throw new RangeError(`The \`output\` and \`logFile\` options must name different files, but both are ${show(files.output)}.`);
  }
  if (tensorboard !== undefined && (typeof tensorboard !== 'string' || tensorboard.length === 0)) {
    throw new TypeError(`The \`tensorboard\` option must be a non-empty folder path, but got ${show(tensorboard)}.`);
  }
  for (const [name, file] of Object.entries(files)) {
    if (tensorboard !== undefined && file !== undefined && path.resolve(file) === path.resolve(tensorboard)) {
      throw new RangeError(`The \`tensorboard\` option names a folder and \`${name}\` a file, so they must differ, but both are ${show(tensorboard)}.`);
    }
  }
  if (fromStart !== undefined && typeof fromStart !== 'boolean') {
    throw new TypeError(`The \`fromStart\` option must be true or false, but got ${show(fromStart)}.`);
  }
  if (gradients !== undefined && typeof gradients !== 'boolean') {
    throw new TypeError(`The \`gradients\` option must be true or false, but got ${show(gradients)}.`);
  }
  return {
    model,
    bins: bins === undefined ? 30 : positiveInteger('bins', bins, 10_000),
    zeroTolerance: zeroTolerance ?? 0,
    everyEpochs: everyBatches !== undefined ? null : everyEpochs === undefined ? 1 : positiveInteger('everyEpochs', everyEpochs, Number.MAX_SAFE_INTEGER),
    everyBatches: everyBatches === undefined ? null : positiveInteger('everyBatches', everyBatches, Number.MAX_SAFE_INTEGER),
    statsOn: statsOn ?? 'auto',
    thread: thread === 'main' || thread === 'worker' ? thread : everyBatches !== undefined && cores() >= 2 ? 'worker' : 'main',
    threadAuto: thread === undefined || thread === 'auto',
    logger,
    ...files,
    tensorboard,
    maxSnapshots: maxSnapshots === undefined ? 1000 : positiveInteger('maxSnapshots', maxSnapshots, Number.MAX_SAFE_INTEGER, 2),
    summary: summary ?? 'dispose',
    fromStart: fromStart ?? true,
    gradients: gradients ?? false,
  };
}

export { CORE_KEYS, show };

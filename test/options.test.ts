/**
 * Every option is validated when the monitor is created; a wrong value throws a TypeError or
 * RangeError that names the option and echoes the value. Valid zeros stay zeros.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { paramMonitor, ParamMonitorOptions, weightStats } from '../src';
import { expectNoLeaks } from './helpers/tensor-leaks';

const create = (options: unknown) => () => paramMonitor(options as ParamMonitorOptions);

describe('option validation', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });
  expectNoLeaks();

  it.each([
    [{ bins: 0 }, RangeError, /The `bins` option must be an integer from 1 to 10000, but got 0\./],
    [{ bins: 2.5 }, RangeError, /`bins`.*but got 2\.5\./],
    [{ bins: '30' }, TypeError, /The `bins` option must be an integer, but got "30"\./],
    [{ zeroTolerance: -1 }, RangeError, /The `zeroTolerance` option must be a finite number >= 0, but got -1\./],
    [{ zeroTolerance: Infinity }, RangeError, /`zeroTolerance`.*but got Infinity\./],
    [{ zeroTolerance: NaN }, RangeError, /`zeroTolerance`.*but got NaN\./],
    [{ everyEpochs: 0 }, RangeError, /The `everyEpochs` option must be an integer from 1 to \d+, but got 0\./],
    [{ everyBatches: -3 }, RangeError, /The `everyBatches` option must be an integer from 1 to \d+, but got -3\./],
    [{ everyEpochs: 2, everyBatches: 5 }, TypeError, /`everyEpochs` and `everyBatches` options cannot be combined/],
    [{ logger: console }, TypeError, /The `logger` option must be a winston logger or false, but got \{log: a function, /],
    [{ logger: true }, TypeError, /The `logger` option must be a winston logger or false, but got true\./],
    [{ logFile: '' }, TypeError, /The `logFile` option must be a non-empty file path, but got ""\./],
    [{ output: 42 }, TypeError, /The `output` option must be a non-empty file path, but got 42\./],
    [{ maxSnapshots: 1 }, RangeError, /The `maxSnapshots` option must be an integer from 2 to \d+, but got 1\./],
    [{ maxSnapshots: '10' }, TypeError, /The `maxSnapshots` option must be an integer, but got "10"\./],
    [{ summary: true }, RangeError, /The `summary` option must be 'dispose', 'fit' or false, but got true\./],
    [{ model: {} }, TypeError, /The `model` option must be a tf.LayersModel/],
    [{ onAlert: 'log' }, TypeError, /The `onAlert` option must be a function, but got "log"\./],
    [{ stopOn: 'non-finite' }, TypeError, /The `stopOn` option must be an array of alert kinds, but got "non-finite"\./],
    [{ stopOn: ['nan'] }, RangeError, /The `stopOn` option must list alert kinds \(non-finite, .*\), but got "nan"\./],
    [{ binz: 30 }, TypeError, /Unknown option `binz` \(got 30\)\. Known options: model, bins,/],
    [{ driftThreshold: -1 }, RangeError, /`driftThreshold`.*-1/],
    [{ stopOn: ['drift'], disable: ['drift'] }, RangeError, /The `stopOn` option lists "drift", which the `disable` option turns off/],
    [{ statsOn: 'gpu' }, RangeError, /The `statsOn` option must be one of 'auto', 'device', 'host', but got "gpu"\./],
    [{ fromStart: 'no' }, TypeError, /The `fromStart` option must be true or false, but got "no"\./],
    [{ gradients: 1 }, TypeError, /The `gradients` option must be true or false, but got 1\./],
  ])('%p', (options, type, message) => {
    expect(create(options)).toThrow(type);
    expect(create(options)).toThrow(message);
  });

  it.each(['logFile', 'output'])('rejects a %s that cannot be written, naming the path and the reason, before training starts', (option) => {
    const aFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pm-opt-')), 'plain-file');
    fs.writeFileSync(aFile, 'x');
    const underAFile = path.join(aFile, 'sub', 'out.json');
    expect(create({ [option]: underAFile })).toThrow(RangeError);
    expect(create({ [option]: underAFile })).toThrow(new RegExp(`The \`${option}\` option names a file that cannot be written: .*plain-file/sub/out.json \\(.*ENOTDIR`));
    expect(create({ [option]: os.tmpdir() })).toThrow(new RegExp(`The \`${option}\` option names a file that cannot be written: ${os.tmpdir()} \\(it is a folder\\)`));
    expect(create({ [option]: '/proc/pm-no/such/file.json' })).toThrow(new RegExp(`The \`${option}\` option names a file that cannot be written: /proc/pm-no/such/file.json \\(ENOENT`));
  });

  it('rejects an output and a logFile that name the same file', () => {
    const file = path.join(os.tmpdir(), 'pm-same.json');
    expect(create({ output: file, logFile: `${os.tmpdir()}/./pm-same.json` })).toThrow(/The `output` and `logFile` options must name different files, but both are ".*pm-same\.json"\./);
  });

  it.each(['logFile', 'output'])('creates the missing folders of a %s', (option) => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pm-opt-')), 'runs', 'exp1', 'out.json');
    void paramMonitor({ logger: false, [option]: file }).dispose();
    expect(fs.statSync(path.dirname(file)).isDirectory()).toBe(true);
  });

  it('rejects options that are not an object', () => {
    expect(create(42)).toThrow(/The options of paramMonitor\(\) must be an object, but got 42\./);
    expect(create([])).toThrow(/must be an object, but got \[\]\./);
  });

  it('keeps valid zeros and fills documented defaults', () => {
    const history = paramMonitor({ logger: false, zeroTolerance: 0, bins: 1 }).toJSON();
    expect(history.options).toEqual({ bins: 1, zeroTolerance: 0, everyEpochs: 1, everyBatches: null, statsOn: 'auto', maxSnapshots: 1000, fromStart: true, thread: 'main' });
    expect(paramMonitor({ logger: false }).toJSON().options).toEqual({ bins: 30, zeroTolerance: 0, everyEpochs: 1, everyBatches: null, statsOn: 'auto', maxSnapshots: 1000, fromStart: true, thread: 'main' });
    expect(paramMonitor({ logger: false, everyBatches: 10, thread: 'main' }).toJSON().options).toEqual({ bins: 30, zeroTolerance: 0, everyEpochs: null, everyBatches: 10, statsOn: 'auto', maxSnapshots: 1000, fromStart: true, thread: 'main' });
  });

  it('an unused monitor still exports a well-formed, empty history', () => {
    const history = paramMonitor({ logger: false }).toJSON();
    expect(history).toMatchObject({ schemaVersion: 3, snapshots: [], alerts: [], runs: [], weights: [], series: { epoch: [], batch: [], weights: {} } });
    expect(history.environment.backend).toBe('cpu');
  });

  it('weightStats validates its options and its tensor', async () => {
    const t = tf.tensor1d([1, 2, 3]);
    await expect(weightStats(t, { bins: -1 })).rejects.toThrow(/`bins`.*-1/);
    await expect(weightStats(null as unknown as tf.Tensor)).rejects.toThrow(/weightStats\(\) takes a tf.Tensor, but got null/);
    await expect(weightStats(t, { bin: 3 } as never)).rejects.toThrow(/Unknown option `bin` of weightStats\(\)\. Known options: bins, zeroTolerance, previous, statsOn\./);
    const stats = await weightStats(t, { bins: 2 });
    expect(stats).toMatchObject({ count: 3, mean: 2, min: 1, max: 3, histogram: { counts: [1, 2] } });
    const prev = tf.tensor1d([1, 2, 4]);
    const moved = await weightStats(t, { previous: prev });
    expect(moved.drift).toMatchObject({ l2: 1, maxAbs: 1, changedFraction: 1 / 3 });
    expect(moved.drift!.relative).toBeCloseTo(1 / Math.sqrt(21), 6);
    expect(moved.fromStart!.relative).toBe(moved.drift!.relative);
    tf.dispose([t, prev]);
  });
});

/**
 * Two live monitors of one process never write the same file: the second monitor whose `output`
 * or `logFile` names a file the first writes (as either option, relative or absolute) is
 * refused when it is created, before it touches the file, with a RangeError naming the option and
 * the path; the first monitor's file and training are untouched; `dispose()` gives the path back.
 */
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { loadHistory, paramMonitor, ParamMonitor, ParamMonitorOptions } from '../../src';
import { claimFiles } from '../../src/files/file-claims';
import { expectNoLeaks } from '../helpers/tensor-leaks';
import fs = require('fs');
import { descriptorsOpenOn } from '../helpers/open-files';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pm-claims-'));
const file = (name: string) => path.join(tmp, name);

/** Monitors created by a test, disposed after it even when it fails. */
const live: ParamMonitor[] = [];
const create = (options: ParamMonitorOptions) => {
  const monitor = paramMonitor({ logger: false, ...options });
  live.push(monitor);
  return monitor;
};

afterEach(async () => {
  await Promise.all(live.splice(0).map((monitor) => monitor.dispose()));
});

afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('claimFiles', () => {
  it('claims all the files or none, and releases them once', () => {
    const release = claimFiles({ output: file('c1.json'), logFile: file('c1.log') });
    expect(() => claimFiles({ output: file('c2.json'), logFile: file('c1.log') }))
      .toThrow(/The `logFile` option names a file that another live monitor writes \(its `logFile`\)/);
    const second = claimFiles({ output: file('c2.json') }); // not claimed by the failed call
    release();
    release();
    const third = claimFiles({ output: file('c1.json'), logFile: file('c1.log') });
    third();
    second();
  });

  it('ignores options that are not set', () => {
    const a = claimFiles({ output: undefined, logFile: undefined });
    const b = claimFiles({ output: undefined, logFile: undefined });
    a();
    b();
  });
});

describe('two live monitors', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });
  expectNoLeaks();

  it.each([
    ['output', 'output'],
    ['logFile', 'logFile'],
    ['output', 'logFile'],
    ['logFile', 'output'],
  ] as const)('refuses a second monitor whose %s is the first one\'s %s, naming the option and the path', (first, second) => {
    const shared = file(`${first}-${second}.json`);
    create({ [first]: shared });
    expect(() => create({ [second]: shared })).toThrow(RangeError);
    expect(() => create({ [second]: shared })).toThrow(new RegExp(
      `^The \`${second}\` option names a file that another live monitor writes \\(its \`${first}\`\\): ` +
      `"${shared.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"\\. Give each monitor its own file, or dispose\\(\\) the other monitor first\\.$`,
    ));
  });

  it('knows a file by its resolved path, and echoes both spellings', () => {
    const absolute = file('relative.json');
    create({ output: absolute });
    const relative = path.relative(process.cwd(), absolute);
    expect(() => create({ logFile: relative })).toThrow(`: "${relative}" (${absolute}). Give each`);
    expect(() => create({ output: path.join(tmp, 'sub', '..', 'relative.json') })).toThrow(/The `output` option names a file that another live monitor writes/);
  });

  it('lets monitors with different files live side by side', () => {
    create({ output: file('a.json'), logFile: file('a.log') });
    expect(() => create({ output: file('b.json'), logFile: file('b.log') })).not.toThrow();
  });

  it('gives the path back at dispose(), and a second dispose() takes nothing from the next owner', async () => {
    const shared = file('handed-on.json');
    const first = paramMonitor({ logger: false, output: shared });
    await first.dispose();
    const next = create({ output: shared });
    await first.dispose();
    expect(() => create({ logFile: shared })).toThrow(/another live monitor writes \(its `output`\)/);
    expect(next).toBeInstanceOf(ParamMonitor);
  });

  it('gives the paths back when the constructor fails after claiming them', () => {
    const output = file('failed.json');
    fs.writeFileSync(path.join(tmp, 'plain-file'), '');
    const logFile = path.join(tmp, 'plain-file', 'run.log');
    expect(() => paramMonitor({ logger: false, output, logFile })).toThrow(/The `logFile` option names a file that cannot be written/);
    expect(() => create({ output })).not.toThrow();
    expect(() => claimFiles({ logFile })()).not.toThrow();
  });

  it('closes the log file it opened when the constructor fails later (a `tensorboard` folder that is a file)', () => {
    const logFile = file('opened.log');
    const notAFolder = path.join(tmp, 'not-a-folder');
    fs.writeFileSync(notAFolder, '');
    expect(() => paramMonitor({ logger: false, logFile, tensorboard: notAFolder })).toThrow(/The `tensorboard` option must name a folder/);
    expect(fs.existsSync(logFile)).toBe(true);
    expect(descriptorsOpenOn(logFile)).toBe(0);
  });

  it('leaves the first monitor\'s history file and training untouched by the refused one', async () => {
    const output = file('kept.json');
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3], name: 'claims_dense' })] });
    model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    const x = tf.ones([8, 3]);
    const y = tf.zeros([8, 2]);
    const first = create({ output, model });
    await model.fit(x, y, { epochs: 2, verbose: 0, callbacks: [first] });
    const before = fs.readFileSync(output, 'utf8');
    expect(() => create({ output })).toThrow(/another live monitor writes/);
    expect(fs.readFileSync(output, 'utf8')).toBe(before);
    await model.fit(x, y, { epochs: 1, verbose: 0, callbacks: [first] });
    await first.dispose();
    expect(loadHistory(output).snapshots.map((s) => s.epoch)).toEqual([0, 1, 2, 3]);
    tf.dispose([x, y]);
    model.dispose();
  });
});

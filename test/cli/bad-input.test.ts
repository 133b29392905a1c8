/**
 * Everything the CLI refuses: unreadable, truncated and non-history files, and bad usage. Each
 * exits 2 with one line on stderr naming the file or the argument, and no stack trace.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { writeRealHistories } from '../helpers/real-histories';
import { runCli } from '../helpers/run-cli';
import { expectNoLeaks } from '../helpers/tensor-leaks';

let dir: string;
let good: string;
let truncatedParseError: string;

function parseError(text: string): string {
  try {
    JSON.parse(text);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('the text parsed');
}

beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-bad-input-'));
  good = (await writeRealHistories(dir, ['diverging'])).diverging;
  const text = fs.readFileSync(good, 'utf8');
  const doc = JSON.parse(text);
  truncatedParseError = parseError(text.slice(0, Math.floor(text.length / 2)));
  const files: Record<string, string> = {
    'truncated.json': text.slice(0, Math.floor(text.length / 2)),
    'empty.json': '',
    'notes.txt': 'epoch 1: loss 0.3\n',
    'array.json': '[1, 2, 3]',
    'package.json': JSON.stringify({ name: 'something-else', version: '1.0.0' }),
    'future.json': JSON.stringify({ ...doc, schemaVersion: 99 }),
    'no-weights.json': JSON.stringify({ ...doc, weights: { a: 1 } }),
  };
  for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), content);
  fs.mkdirSync(path.join(dir, 'folder.json'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
expectNoLeaks();

const usage = (message: string) => ({ status: 2, stdout: '', stderr: `tfjs-param-monitor: ${message}\n` });

describe('a file that is not a readable history', () => {
  const notHistory = 'not a tfjs-param-monitor history document (no `schemaVersion` field at the top level)';
  it.each([
    ['missing.json', () => 'missing.json: cannot be read: no such file'],
    ['folder.json', () => 'folder.json: cannot be read: it is a folder, not a file'],
    ['empty.json', () => 'empty.json: is empty'],
    ['truncated.json', () => `truncated.json: is not valid JSON (it ends too soon: truncated?): ${truncatedParseError}`],
    // The parser quotes the file, newline included; the CLI keeps the message on one line.
    ['notes.txt', () => `notes.txt: is not valid JSON: Unexpected token 'e', "epoch 1: loss 0.3 " is not valid JSON`],
    ['array.json', () => `array.json: ${notHistory}`],
    ['package.json', () => `package.json: ${notHistory}`],
    ['future.json', () => 'future.json: schemaVersion 99 is not one this version reads (1 to 3): it was written by a newer tfjs-param-monitor; upgrade it'],
    ['no-weights.json', () => 'no-weights.json: not a valid history document: /weights must be array'],
  ])('%s: exits 2 and names the file and the problem', (file, expected) => {
    expect(runCli(['summary', file], dir)).toEqual(usage(expected()));
  });

  it('every command refuses it the same way, in either place of compare', () => {
    const message = `truncated.json: is not valid JSON (it ends too soon: truncated?): ${truncatedParseError}`;
    for (const command of ['alerts', 'report']) expect(runCli([command, 'truncated.json'], dir)).toEqual(usage(message));
    expect(runCli(['compare', 'diverging.json', 'truncated.json'], dir)).toEqual(usage(message));
    expect(runCli(['compare', 'truncated.json', 'diverging.json'], dir)).toEqual(usage(message));
    expect(fs.existsSync(path.join(dir, 'report.html'))).toBe(false);
  });
});

describe('bad usage', () => {
  it.each([
    [[], 'missing command: summary, alerts, report, compare or tensorboard (see --help)'],
    [['summarise', 'diverging.json'], "unknown command 'summarise'\n(Did you mean summary?)"],
    [['summary'], "missing required argument 'file'"],
    [['compare', 'diverging.json'], "missing required argument 'b'"],
    [['summary', 'diverging.json', 'extra.json'], "too many arguments for 'summary'. Expected 1 argument but got 2."],
    [['summary', 'diverging.json', '--jsn'], "unknown option '--jsn'\n(Did you mean --json?)"],
    [['alerts', 'diverging.json', '--severity', 'fatal'], "option '--severity <severity>' argument 'fatal' is invalid. Allowed choices are info, warn, error."],
    [['summary', 'diverging.json', '--fail-on', 'warning'], "option '--fail-on <severity>' argument 'warning' is invalid. Allowed choices are info, warn, error."],
    [['alerts', 'diverging.json', '--kind', 'drift,explode'],
      'unknown alert kind "explode" in --kind (known: non-finite, frozen, changed-while-frozen, frozen-by-design, dead, drift, exploding, vanishing, param-count, gradient-non-finite, gradient-vanishing, gradient-exploding, dead-units, monitor-error)'],
    [['alerts', 'diverging.json', '--kind', ','],
      '--kind needs at least one alert kind (non-finite, frozen, changed-while-frozen, frozen-by-design, dead, drift, exploding, vanishing, param-count, gradient-non-finite, gradient-vanishing, gradient-exploding, dead-units, monitor-error)'],
    [['report', 'diverging.json', '-o', 'no/such/folder/report.html'], 'cannot write no/such/folder/report.html (ENOENT)'],
  ])('%j exits 2 with a message', (args, message) => {
    expect(runCli(args, dir)).toEqual(usage(message));
  });

  it('leaves no temporary file behind when the report cannot be written', () => {
    fs.mkdirSync(path.join(dir, 'taken.html'));
    expect(runCli(['report', 'diverging.json', '-o', 'taken.html'], dir)).toEqual(usage('cannot write taken.html (EISDIR)'));
    expect(fs.readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]);
  });
});

/**
 * `tfjs-param-monitor tensorboard <file> -o <folder>`: a saved history (real runs: thinned
 * snapshots and alerts, two `fit` calls) becomes an event file whose scalars are the history's
 * series exactly, with a histogram per kept snapshot and the alerts as text at their steps; and
 * the usage errors (exit 2, one line).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { loadHistory } from '../../src';
import { readEventFile } from '../helpers/event-file-reader';
import { writeRealHistories } from '../helpers/real-histories';
import { runCli } from '../helpers/run-cli';
import { expectFileMatchesHistory } from '../helpers/tensorboard-expect';
import { expectNoLeaks } from '../helpers/tensor-leaks';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pm-cli-tb-'));
let files: { diverging: string; twoFits: string };

beforeAll(async () => {
  await tf.setBackend('cpu');
  files = await writeRealHistories(tmp, ['diverging', 'twoFits']);
}, 120_000);

afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

expectNoLeaks();

describe('tfjs-param-monitor tensorboard', () => {
  it.each(['diverging', 'twoFits'] as const)('writes the %s history: its series exactly, a histogram per kept snapshot, its alerts', (kind) => {
    const folder = path.join(tmp, `logs-${kind}`);
    const { status, stdout, stderr } = runCli(['tensorboard', files[kind], '-o', folder]);
    expect({ status, stderr }).toEqual({ status: 0, stderr: '' });
    const history = loadHistory(files[kind]);
    expect(stdout).toMatch(new RegExp(`^wrote .*tfevents.*param-monitor \\(${history.series.epoch.length} snapshots, histograms at ${history.snapshots.length}, ${history.alerts.length} alerts, \\d+ KiB\\)\\n$`));
    expectFileMatchesHistory(folder, history);
  });

  it('keeps the thinned history honest: scalars at every snapshot taken, histograms only where the history kept them', () => {
    const history = loadHistory(files.diverging);
    expect(history.snapshots.length).toBeLessThan(history.series.epoch.length);
    expect(history.alerts.some((a) => a.kind === 'non-finite')).toBe(true);
  });

  it('adds a new file on a second conversion into the same folder', () => {
    const folder = path.join(tmp, 'twice');
    expect(runCli(['tensorboard', files.twoFits, '-o', folder]).status).toBe(0);
    expect(runCli(['tensorboard', files.twoFits, '-o', folder]).status).toBe(0);
    const names = fs.readdirSync(folder);
    expect(names).toHaveLength(2);
    for (const name of names) expect(readEventFile(path.join(folder, name)).tornBytes).toBe(0);
  });

  it.each([
    [['tensorboard', 'x.json'], /required option '-o, --output <folder>' not specified/],
    [['tensorboard', 'missing.json', '-o', 'logs'], /missing\.json/],
  ])('exits 2 with one line for %p', (args, message) => {
    const { status, stderr } = runCli(args, tmp);
    expect(status).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });

  it('exits 2 naming the folder when it is a file', () => {
    const file = path.join(tmp, 'not-a-folder');
    fs.writeFileSync(file, 'x');
    const { status, stderr } = runCli(['tensorboard', files.twoFits, '-o', file]);
    expect(status).toBe(2);
    expect(stderr).toMatch(/cannot write TensorBoard events into .*not-a-folder: The `--output` option must name a folder, but .*not-a-folder is a file\./);
  });
});

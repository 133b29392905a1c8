/**
 * "The document goes to a temporary file in the same folder, is flushed with `fsync`, and is
 * renamed over the old one" (README, Outputs). A kill cannot show the missing flush (the page
 * cache outlives the process; only a power loss would), so these tests watch the calls instead:
 * the real `fs` functions, wrapped to record their order and still doing the work, must show
 * every rename onto a kept file preceded by an fsync of the descriptor that wrote its temporary
 * file, after that descriptor's last write and before its close. Checked directly, and where the
 * README makes the claim: the `output` file during a real `fit`, and `monitor.save()`.
 */
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { loadIris } from '../helpers/iris';
import { loadHistory, paramMonitor } from '../../src';
import { temporaryName, writeFileAtomic } from '../../src/files/atomic-write';
import { expectNoLeaks } from '../helpers/tensor-leaks';
import { FsCall, expectEveryRenameFlushed, recordFsCalls } from '../helpers/fs-calls';
import fs = require('fs');

/** Every rename onto `file` came after its temporary file was written, fsynced and closed. */
function expectFlushed(calls: FsCall[], file: string): number {
  return expectEveryRenameFlushed(calls, file, temporaryName(file));
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pm-atomic-'));

afterEach(() => {
  jest.restoreAllMocks();
});

afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('writeFileAtomic', () => {
  it('fsyncs the temporary file after its last write and before the rename', () => {
    const file = path.join(tmp, 'one.json');
    fs.writeFileSync(file, 'old');
    const calls = recordFsCalls();
    writeFileAtomic(file, '{"schemaVersion":2}');
    expect(expectFlushed(calls, file)).toBe(1);
    expect(fs.readFileSync(file, 'utf8')).toBe('{"schemaVersion":2}');
    expect(fs.existsSync(temporaryName(file))).toBe(false);
  });

  it('fsyncs once, after the last of several writes, for a document written in pieces', () => {
    const file = path.join(tmp, 'pieces.json');
    const pieces = Array.from({ length: 5 }, (_, i) => String(i).repeat(600_000));
    const calls = recordFsCalls();
    writeFileAtomic(file, pieces);
    expect(expectFlushed(calls, file)).toBe(1);
    expect(calls.filter((c) => c.op === 'write').length).toBeGreaterThan(1);
    expect(calls.filter((c) => c.op === 'fsync')).toHaveLength(1);
    expect(fs.readFileSync(file, 'utf8')).toBe(pieces.join(''));
  });

  it('renames nothing when the flush fails, and leaves the old file', () => {
    const file = path.join(tmp, 'flush-fails.json');
    fs.writeFileSync(file, 'old');
    const calls = recordFsCalls();
    (fs.fsyncSync as jest.Mock).mockImplementation(() => {
      throw Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' });
    });
    expect(() => writeFileAtomic(file, 'new')).toThrow(/EIO/);
    expect(calls.filter((c) => c.op === 'rename')).toEqual([]);
    expect(fs.readFileSync(file, 'utf8')).toBe('old');
    expect(fs.existsSync(temporaryName(file))).toBe(false);
  });
});

describe('the history files the README says are flushed', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });
  expectNoLeaks();

  /** An iris classifier (real data, 150 rows), trained for a few epochs. */
  async function trainIris(callbacks: tf.CustomCallback[] | tf.Callback[], epochs: number): Promise<void> {
    const { xs, ys } = loadIris();
    const model = tf.sequential({
      layers: [tf.layers.dense({ units: 8, inputShape: [4], activation: 'relu' }), tf.layers.dense({ units: 3, activation: 'softmax' })],
    });
    const optimizer = tf.train.adam(0.01);
    model.compile({ optimizer, loss: 'categoricalCrossentropy' });
    try {
      await model.fit(xs, ys, { epochs, batchSize: 50, callbacks });
    } finally {
      model.dispose();
      optimizer.dispose();
      xs.dispose();
      ys.dispose();
    }
  }

  it('flushes every write of the `output` file before renaming it into place', async () => {
    const file = path.join(tmp, 'runs', 'output.json');
    const calls = recordFsCalls();
    const monitor = paramMonitor({ logger: false, output: file });
    await trainIris([monitor], 3);
    await monitor.dispose();
    // At least: at creation, after the first snapshot, at the end of the fit or at dispose().
    expect(expectFlushed(calls, file)).toBeGreaterThanOrEqual(3);
    expect(loadHistory(file).series.epoch).toEqual([0, 1, 2, 3]);
  });

  it('flushes `monitor.save(path)` before renaming it into place', async () => {
    const file = path.join(tmp, 'saved.json');
    const monitor = paramMonitor({ logger: false });
    await trainIris([monitor], 2);
    const calls = recordFsCalls();
    monitor.save(file);
    await monitor.dispose();
    expect(expectFlushed(calls, file)).toBe(1);
    expect(loadHistory(file).series.epoch).toEqual([0, 1, 2]);
  });
});

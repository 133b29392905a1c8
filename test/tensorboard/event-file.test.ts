/**
 * The parts under the `tensorboard` option, each against an oracle of its own: the CRC32C against
 * @aws-crypto/crc32c and the published check value, the frames and events against the test's
 * reader (test/helpers/event-file-reader.ts), the histogram rows and the histogram schedule
 * against their definitions, degenerate inputs one by one.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { crc32c as reference } from '@aws-crypto/crc32c';
import { crc32c, maskedCrc32c } from '../../src/tensorboard/crc32c';
import { EventFile, FILE_VERSION } from '../../src/tensorboard/event-file';
import { EventWriter, alertLine } from '../../src/tensorboard/event-writer';
import { histogramsDue } from '../../src/tensorboard/histogram-schedule';
import { writeHistogramRows } from '../../src/tensorboard/summary-values';
import type { Alert, Histogram } from '../../src';
import { mulberry32 } from '../helpers/reference';
import { readEventFile, seriesByTag } from '../helpers/event-file-reader';
import { expectRowsClose, expectedRows } from '../helpers/tensorboard-expect';
import { expectNoLeaks } from '../helpers/tensor-leaks';
import { opsOnFile, recordFsCalls } from '../helpers/fs-calls';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pm-tb-file-'));

afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

expectNoLeaks();

describe('crc32c', () => {
  it('gives the Castagnoli check value of "123456789"', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
  });

  it('equals @aws-crypto/crc32c on random bytes of every length from 0 to 300, at every offset from 0 to 8', () => {
    const random = mulberry32(7);
    const bytes = Buffer.from(Array.from({ length: 320 }, () => Math.floor(random() * 256)));
    const mismatches: string[] = [];
    for (let length = 0; length <= 300; length += 1) {
      for (let start = 0; start <= 8; start += 1) {
        if (crc32c(bytes, start, start + length) !== reference(bytes.subarray(start, start + length))) mismatches.push(`${start}+${length}`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('masks as TensorFlow does: rotate right by 15, add 0xa282ead8', () => {
    const crc = reference(Buffer.from('abc'));
    expect(maskedCrc32c(Buffer.from('abc'))).toBe((((crc >>> 15) | (crc << 17)) + 0xa282ead8) >>> 0);
  });
});

describe('histogram rows', () => {
  const rows = (h: Histogram) => {
    const out = Buffer.alloc(h.counts.length * 24);
    const n = writeHistogramRows(h, out, 0);
    return Array.from({ length: n * 3 }, (_, i) => out.readDoubleLE(i * 8));
  };

  it('gives k equal-width buckets over [min, max], the last ending at max', () => {
    const h = { min: -1, max: 2, counts: [1, 0, 5] };
    expect(rows(h)).toEqual([-1, 0, 1, 0, 1, 0, 1, 2, 5]);
    expect(rows(h)).toEqual(expectedRows(h));
  });

  it('gives one zero-width bucket holding every element of a constant weight', () => {
    expect(rows({ min: 0.5, max: 0.5, counts: [7, 0, 0] })).toEqual([0.5, 0.5, 7]);
  });

  it('gives no bucket when no element is finite', () => {
    expect(rows({ min: null, max: null, counts: [0, 0, 0] })).toEqual([]);
  });
});

describe('histogram schedule', () => {
  it('takes every snapshot for the first 500, then every 2nd, 4th, ... as each 500 more are written', () => {
    const due = Array.from({ length: 20_001 }, (_, i) => i).filter(histogramsDue);
    expect(due.slice(0, 500)).toEqual(Array.from({ length: 500 }, (_, i) => i));
    expect(due.filter((i) => i >= 500 && i < 1500).every((i) => i % 2 === 0)).toBe(true);
    expect(due.filter((i) => i >= 500 && i < 1500)).toHaveLength(500);
    expect(due.filter((i) => i >= 1500 && i < 3500)).toHaveLength(500);
    expect(due.filter((i) => i >= 15_500 && i < 31_500).every((i) => i % 32 === 0)).toBe(true);
    expect(due).toHaveLength(2641);
  });
});

describe('the event file', () => {
  const alert: Alert = {
    kind: 'drift', severity: 'warn', status: 'started', weight: 'w', layer: 'l', epoch: 3, value: 2, threshold: 1, count: 1,
    message: 'w moved by 2 (relative), over 1',
  };
  const scalars = { l2Norm: 1.5, mean: 0.25, std: 0.5, zeroFraction: 0, nanCount: 0, infCount: 0 };

  it('starts with the file version, and holds one event per write with the scalars, histograms and text given', () => {
    const file = new EventFile('tensorboard', path.join(tmp, 'one'), 1700000000.5);
    const writer = new EventWriter(file);
    const histogram = { min: 0, max: 3, counts: [1, 2, 3] };
    const stats = { l2Norm: 1.5, mean: 0.25, std: null, zeroFraction: 0, nanCount: 0, infCount: 2, drift: { relative: 0.125 } };
    writer.write(0, 1700000001, { scalars: { w: stats }, histograms: { w: { histogram } } });
    writer.write(3, 1700000002, { scalars: { w: { ...stats, std: 0.5, drift: undefined } }, alertLines: [alert, { ...alert, status: 'cleared' as const }].map(alertLine) });
    writer.write(5, 1700000003, {}); // nothing: no event
    file.close();
    const { events, tornBytes } = readEventFile(file.file);
    expect(tornBytes).toBe(0);
    expect(events[0]).toEqual({ step: 0, wallTime: 1700000000.5, fileVersion: FILE_VERSION, values: [] });
    expect(events.map((e) => [e.step, e.wallTime])).toEqual([[0, 1700000000.5], [0, 1700000001], [3, 1700000002]]);
    const byTag = seriesByTag(events);
    expect(byTag.get('w/l2Norm')).toEqual([
      { step: 0, values: [1.5], shape: [], plugin: 'scalars' }, { step: 3, values: [1.5], shape: [], plugin: null },
    ]);
    expect(byTag.get('w/std')).toEqual([{ step: 3, values: [0.5], shape: [], plugin: 'scalars' }]);
    expect(byTag.get('w/driftRelative')).toEqual([{ step: 0, values: [0.125], shape: [], plugin: 'scalars' }]);
    expect(byTag.get('w/infCount')!.map((p) => p.values)).toEqual([[2], [2]]);
    expect(byTag.get('w')).toEqual([{ step: 0, values: [0, 1, 1, 1, 2, 2, 2, 3, 3], shape: [3, 3], plugin: 'histograms' }]);
    expect(byTag.get('alerts')).toEqual([{ step: 3, values: [alertLine(alert), alertLine({ ...alert, status: 'cleared' })], shape: [2], plugin: 'text' }]);
    expect(alertLine(alert)).toBe('warn drift started: w moved by 2 (relative), over 1');
  });

  it('is a new file per writer, named as TensorBoard expects, in a folder created if missing', () => {
    const folder = path.join(tmp, 'two', 'deeper');
    const a = new EventFile('tensorboard', folder);
    const b = new EventFile('tensorboard', folder);
    a.close();
    b.close();
    a.close(); // idempotent
    expect(a.file).not.toBe(b.file);
    for (const file of [a.file, b.file]) {
      expect(path.basename(file)).toMatch(/^events\.out\.tfevents\.\d{10}\.[A-Za-z0-9.\-_]+\.\d+\.\d+\.param-monitor$/);
    }
  });

  it('grows its buffer for a step larger than it, and the event still reads whole', () => {
    const file = new EventFile('tensorboard', path.join(tmp, 'large'));
    const writer = new EventWriter(file);
    const histogram = { min: -1, max: 1, counts: Array.from({ length: 2000 }, (_, i) => i) };
    const weights = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`layer${i}/kernel`, { histogram }]));
    writer.write(1, 1, { histograms: weights });
    writer.write(2, 2, { histograms: weights });
    file.close();
    const byTag = seriesByTag(readEventFile(file.file).events);
    expect(byTag.get('layer19/kernel')!.map((p) => [p.step, p.shape])).toEqual([[1, [2000, 3]], [2, [2000, 3]]]);
    expectRowsClose(byTag.get('layer19/kernel')![1].values as number[], expectedRows(histogram));
  });

  it('refuses a step that is not an integer >= 0, and writes the largest safe one', () => {
    const file = new EventFile('tensorboard', path.join(tmp, 'steps'));
    const writer = new EventWriter(file);
    for (const step of [NaN, -1, 1.5]) expect(() => writer.write(step, 1, { alertLines: [alertLine(alert)] })).toThrow(/a TensorBoard step must be an integer >= 0, but got/);
    writer.write(Number.MAX_SAFE_INTEGER, 1, { alertLines: [alertLine(alert)] });
    file.close();
    expect(readEventFile(file.file).events.map((e) => e.step)).toEqual([0, Number.MAX_SAFE_INTEGER]);
  });

  it('refuses to write once closed', () => {
    const file = new EventFile('tensorboard', path.join(tmp, 'closed'));
    file.close();
    expect(() => new EventWriter(file).write(1, 1, { alertLines: [alertLine(alert)] })).toThrow(/the event file .* is closed/);
  });

  it('fsyncs after its last write and before it closes, once, at close()', () => {
    const calls = recordFsCalls();
    const file = new EventFile('tensorboard', path.join(tmp, 'flush'));
    const writer = new EventWriter(file);
    for (let step = 0; step < 3; step += 1) writer.write(step, 1, { scalars: { w: scalars } });
    file.close();
    file.close();
    jest.restoreAllMocks();
    // The file version, then one write per event, then the flush: what the writer thread does at dispose().
    expect(opsOnFile(calls, file.file)).toEqual(['write', 'write', 'write', 'write', 'fsync', 'close']);
  });

  it('goes on appending through a handle (the writer thread\'s side) where the opener left off', () => {
    const opener = new EventFile('tensorboard', path.join(tmp, 'handle'), 1700000000);
    const handle = opener.handle;
    const other = new EventFile(handle);
    expect(other.file).toBe(opener.file);
    new EventWriter(other).write(7, 1700000001, { scalars: { w: scalars } });
    expect(other.bytes).toBeGreaterThan(handle.bytes);
    other.close();
    const { events, tornBytes } = readEventFile(opener.file);
    expect(tornBytes).toBe(0);
    expect(events.map((e) => e.step)).toEqual([0, 7]);
    expect(() => other.handle).toThrow(/the event file .* is closed/);
  });
});

/**
 * `loadHistory` on good and bad files: every bad file gets a HistoryFileError whose one-line
 * message names the file and the first problem; a version 1 file is upgraded.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { HistoryFileError, loadHistory, paramMonitor } from '../../src';
import { expectNoLeaks } from '../helpers/tensor-leaks';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pm-load-'));
let good = '';

function write(name: string, text: string): string {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, text);
  return file;
}

function problem(file: string): string {
  try {
    loadHistory(file);
  } catch (error) {
    expect(error).toBeInstanceOf(HistoryFileError);
    expect((error as HistoryFileError).file).toBe(file);
    expect((error as Error).message).not.toContain('\n');
    return (error as Error).message;
  }
  throw new Error(`loadHistory accepted ${file}`);
}

describe('loadHistory', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [2], name: 'load_dense' })] });
    model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    const x = tf.ones([8, 2]);
    const y = tf.zeros([8, 3]);
    const monitor = paramMonitor({ logger: false });
    await model.fit(x, y, { epochs: 3, callbacks: [monitor] });
    await monitor.dispose();
    good = JSON.stringify(monitor.toJSON());
    tf.dispose([x, y]);
    model.dispose();
  });
  expectNoLeaks();

  it('returns the document of a good file', () => {
    const doc = loadHistory(write('good.json', good));
    expect(doc).toEqual(JSON.parse(good));
    expect(doc.series.weights['load_dense/kernel'].mean).toHaveLength(4);
  });

  it.each([
    ['a missing file', () => path.join(tmp, 'nope.json'), /nope\.json: cannot be read: no such file$/],
    ['a folder', () => tmp, /: cannot be read: it is a folder, not a file$/],
    ['an empty file', () => write('empty.json', ' \n'), /empty\.json: is empty$/],
    ['a truncated file', () => write('cut.json', good.slice(0, good.length / 2)), /cut\.json: is not valid JSON \(it ends too soon: truncated\?\): /],
    ['corrupt JSON', () => write('bad.json', '{"schemaVersion": 2,, }'), /bad\.json: is not valid JSON: .*position/],
    ['a text file', () => write('notes.txt', 'line one\nline two\n'), /notes\.txt: is not valid JSON: Unexpected token .*"line one line two/],
    ['a JSON array', () => write('array.json', '[1, 2]'), /array\.json: not a tfjs-param-monitor history document \(no `schemaVersion` field at the top level\)$/],
    ['another JSON file', () => write('package.json', '{"name": "x"}'), /package\.json: not a tfjs-param-monitor history document/],
    ['a newer version', () => write('v9.json', good.replace('"schemaVersion":3', '"schemaVersion":9')), /v9\.json: schemaVersion 9 is not one this version reads \(1 to 3\): it was written by a newer tfjs-param-monitor; upgrade it$/],
    ['a wrong type deep inside', () => write('type.json', good.replace('"computeMs":', '"computeMs":"x","was":')), /type\.json: not a valid history document: \/snapshots\/0 has an unknown field `was`$/],
    ['a missing field', () => write('field.json', good.replace('"alerts":[', '"alertz":[')), /field\.json: not a valid history document: the document has an unknown field `alertz`|lacks the field `alerts`/],
    ['series of the wrong length', () => {
      const doc = JSON.parse(good);
      doc.series.weights['load_dense/kernel'].std.pop();
      return write('short.json', JSON.stringify(doc));
    }, /short\.json: not a valid history document: \/series\/weights\/load_dense\/kernel\/std has 3 entries where \/series\/epoch has 4$/],
    ['snapshots out of order', () => {
      const doc = JSON.parse(good);
      doc.snapshots.reverse();
      return write('order.json', JSON.stringify(doc));
    }, /order\.json: not a valid history document: \/snapshots\/1\/index is 2: indices must increase, from 0 to 3 \(the snapshots of \/series\)$/],
    ['a snapshot that disagrees with the series', () => {
      const doc = JSON.parse(good);
      doc.snapshots[2].epoch = 7;
      return write('epoch.json', JSON.stringify(doc));
    }, /epoch\.json: not a valid history document: \/snapshots\/2 \(epoch 7\) does not match \/series at index 2 \(epoch 2\)$/],
    ['a version 1 file with a null weight', () => {
      const doc = JSON.parse(good);
      doc.schemaVersion = 1;
      delete doc.series;
      doc.snapshots[1].stats['load_dense/kernel'] = null;
      return write('v1-null.json', JSON.stringify(doc));
    }, /v1-null\.json: not a valid history document: /],
  ])('rejects %s, naming the file and the problem', (_name, file, message) => {
    expect(problem(file())).toMatch(message);
  });

  it('rejects a path that is not a string', () => {
    expect(() => loadHistory(42 as unknown as string)).toThrow(/loadHistory\(\) takes the path of a history file, but got 42\./);
  });

  it('upgrades a version 1 document (no series, no snapshot index) and derives its series exactly', () => {
    const doc = JSON.parse(good);
    const v1 = { ...doc, schemaVersion: 1, options: { ...doc.options }, snapshots: doc.snapshots.map(({ index: _index, ...s }: { index: number }) => s) };
    delete v1.series;
    delete v1.options.maxSnapshots;
    delete v1.options.fromStart;
    const upgraded = loadHistory(write('v1.json', JSON.stringify(v1)));
    expect(upgraded.series).toEqual(doc.series);
    expect(upgraded.snapshots).toEqual(doc.snapshots);
    expect(upgraded.schemaVersion).toBe(3);
  });

  it('reads a version 2 document (version 3 only added optional fields) as version 3', () => {
    const doc = JSON.parse(good);
    const loaded = loadHistory(write('v2.json', JSON.stringify({ ...doc, schemaVersion: 2 })));
    expect(loaded).toEqual({ ...doc, schemaVersion: 3 });
  });
});

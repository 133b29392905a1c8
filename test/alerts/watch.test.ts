import { isWatched } from '../../src/alerts/weight-filter';
import { engineFor, snapshot, stats, weightRecord } from './builders';

const NAMES = ['dense_Dense1/kernel', 'dense_Dense1/bias', 'dense_Dense2/kernel', 'dense_Dense2/bias'];

describe('include / exclude', () => {
  it('watches every weight by default', () => {
    expect(NAMES.filter((n) => engineFor([]).watches(n))).toEqual(NAMES);
  });

  it('matches strings exactly and RegExps by test', () => {
    const engine = engineFor([], { include: ['dense_Dense1/kernel', /Dense2/] });
    expect(NAMES.filter((n) => engine.watches(n))).toEqual(['dense_Dense1/kernel', 'dense_Dense2/kernel', 'dense_Dense2/bias']);
    expect(engineFor([], { include: ['dense_Dense1'] }).watches('dense_Dense1/kernel')).toBe(false);
  });

  it('lets exclude win over include', () => {
    const engine = engineFor([], { include: [/Dense2/], exclude: [/\/bias$/] });
    expect(NAMES.filter((n) => engine.watches(n))).toEqual(['dense_Dense2/kernel']);
  });

  it('gives the same answer on every call with a global RegExp', () => {
    const engine = engineFor([], { exclude: [/bias/g] });
    expect([1, 2, 3].map(() => engine.watches('dense_Dense1/bias'))).toEqual([false, false, false]);
  });

  it('raises no alert on a weight it does not watch', () => {
    const engine = engineFor(NAMES.map((n) => weightRecord(n)), { exclude: [/bias/] });
    const bad = stats({ nanCount: 1, count: 3 });
    const alerts = engine.evaluate(snapshot(1, { 'dense_Dense1/kernel': bad, 'dense_Dense1/bias': bad }));
    expect(alerts.map((a) => a.weight)).toEqual(['dense_Dense1/kernel']);
  });

  it('isWatched treats a null include as every weight', () => {
    expect(isWatched('a', null, [])).toBe(true);
    expect(isWatched('a', null, ['a'])).toBe(false);
  });
});

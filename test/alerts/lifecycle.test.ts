import { ConditionTracker } from '../../src/alerts/condition-tracker';
import {
  engineFor, feed, moved, snapshot, stats, summary, weightRecord,
} from './builders';

const W = 'dense_Dense1/kernel';
const NAN = stats({ nanCount: 1, count: 3 });

describe('ConditionTracker', () => {
  it('reports start, reminders every reminderEvery snapshots, and the clear', () => {
    const tracker = new ConditionTracker(3);
    const steps = [true, true, true, true, true, true, true, false, false].map((holds) => tracker.step('k', holds));
    expect(steps).toEqual([
      { status: 'started', count: 1 },
      null,
      null,
      { status: 'ongoing', count: 4 },
      null,
      null,
      { status: 'ongoing', count: 7 },
      { status: 'cleared', count: 7 },
      null,
    ]);
  });

  it('never reminds with reminderEvery 0', () => {
    const tracker = new ConditionTracker(0);
    const steps = Array.from({ length: 30 }, () => tracker.step('k', true));
    expect(steps.filter((s) => s !== null)).toEqual([{ status: 'started', count: 1 }]);
  });

  it('keeps conditions apart by key and starts over after a clear', () => {
    const tracker = new ConditionTracker(10);
    expect(tracker.step('a', true)).toEqual({ status: 'started', count: 1 });
    expect(tracker.step('b', true)).toEqual({ status: 'started', count: 1 });
    expect(tracker.step('a', false)).toEqual({ status: 'cleared', count: 1 });
    expect(tracker.isActive('a')).toBe(false);
    expect(tracker.isActive('b')).toBe(true);
    expect(tracker.step('a', true)).toEqual({ status: 'started', count: 1 });
  });
});

describe('alert lifecycle in the engine', () => {
  it('reports a condition when it starts, never every epoch, and when it clears', () => {
    const engine = engineFor([weightRecord(W)], { reminderEvery: 10 });
    const series = [stats(), ...Array.from({ length: 12 }, () => NAN), moved(0.1)];
    expect(summary(feed(engine, W, series))).toEqual([
      { at: 1, kind: 'non-finite', status: 'started', count: 1 },
      { at: 11, kind: 'non-finite', status: 'ongoing', count: 11 },
      { at: 13, kind: 'non-finite', status: 'cleared', count: 12 },
    ]);
  });

  it('stays silent while the condition holds with reminderEvery 0', () => {
    const engine = engineFor([weightRecord(W)], { reminderEvery: 0 });
    const series = [stats(), ...Array.from({ length: 25 }, () => NAN)];
    expect(summary(feed(engine, W, series))).toEqual([
      { at: 1, kind: 'non-finite', status: 'started', count: 1 },
    ]);
  });

  it('builds whole alerts: position, value, threshold, count, readable message', () => {
    const engine = engineFor([weightRecord(W)]);
    const [started] = engine.evaluate(snapshot(0, { [W]: NAN }));
    const stillBad = engine.evaluate(snapshot(1, { [W]: stats({ nanCount: 2, infCount: 1, count: 1 }) }));
    const [cleared] = engine.evaluate(snapshot(2, { [W]: moved(0.1) }));
    expect(started).toEqual({
      kind: 'non-finite',
      severity: 'error',
      status: 'started',
      weight: W,
      layer: 'dense_Dense1',
      epoch: 0,
      value: 1,
      threshold: 0,
      count: 1,
      message: 'dense_Dense1/kernel: 1 of 4 elements are not finite (1 NaN, 0 Inf) (epoch 0)',
    });
    expect(stillBad).toEqual([]);
    expect(cleared).toEqual({
      ...started,
      status: 'cleared',
      epoch: 2,
      value: 0,
      count: 2,
      message: 'dense_Dense1/kernel: all 4 elements are finite again (epoch 2; non-finite cleared after 2 snapshots)',
    });
  });

  it('records the batch when the snapshot has one, and says it in the message', () => {
    const engine = engineFor([weightRecord(W)], { reminderEvery: 1 });
    engine.evaluate(snapshot(0, { [W]: NAN }, 0));
    const [reminder] = engine.evaluate(snapshot(0, { [W]: NAN }, 50));
    expect(reminder).toMatchObject({ status: 'ongoing', epoch: 0, batch: 50, count: 2 });
    expect(reminder.message).toBe(
      'dense_Dense1/kernel: 1 of 4 elements are not finite (1 NaN, 0 Inf) (epoch 0, batch 50; non-finite for 2 snapshots in a row)');
  });

  it('omits batch when the snapshot has none', () => {
    const engine = engineFor([weightRecord(W)]);
    const [alert] = engine.evaluate(snapshot(3, { [W]: NAN }));
    expect(alert).not.toHaveProperty('batch');
  });

  it('never stores a non-finite number in an alert (the history is plain JSON)', () => {
    const engine = engineFor([weightRecord(W)], { explodeThreshold: 10 });
    const [alert] = engine.evaluate(snapshot(1, { [W]: stats({ max: Number.MAX_VALUE * 10 }) }));
    expect(alert.kind).toBe('exploding');
    expect(alert.value).toBeNull();
    expect(JSON.parse(JSON.stringify(alert))).toEqual(alert);
  });

  it('overrides severities and disables kinds', () => {
    const engine = engineFor([weightRecord(W)], { severity: { 'non-finite': 'warn' } });
    expect(engine.evaluate(snapshot(0, { [W]: NAN }))[0].severity).toBe('warn');
    const quiet = engineFor([weightRecord(W)], { disable: ['non-finite'] });
    expect(quiet.evaluate(snapshot(0, { [W]: NAN }))).toEqual([]);
  });

  it('ends a condition that no longer applies when the census changes', () => {
    const engine = engineFor([weightRecord(W)], { frozenPatience: 1 });
    feed(engine, W, [stats(), moved(0)]);
    engine.setWeights([weightRecord(W, { trainable: false, layerTrainable: false })]);
    const [cleared, ...rest] = engine.evaluate(snapshot(2, { [W]: moved(0) }));
    expect(cleared).toMatchObject({ kind: 'frozen', status: 'cleared', count: 1, value: null });
    expect(cleared.message).toBe(
      'dense_Dense1/kernel: frozen no longer applies: the weight is now not trainable (epoch 2; frozen cleared after 1 snapshot)');
    expect(rest.map((a) => a.kind)).toEqual(['frozen-by-design']);
  });
});

import { engineFor, modelRecord } from './builders';

describe('param-count', () => {
  it('is not checked without expectedParams', () => {
    expect(engineFor([]).checkCensus(modelRecord(5), 0)).toEqual([]);
  });

  it('stays silent when the total matches, including expectedParams 0', () => {
    expect(engineFor([], { expectedParams: 101770 }).checkCensus(modelRecord(101770), 0)).toEqual([]);
    expect(engineFor([], { expectedParams: 0 }).checkCensus(modelRecord(0), 0)).toEqual([]);
  });

  it.each([[101769, '1 fewer'], [101771, '1 more']])('fires as an error when the total is %p', (total, gap) => {
    const [alert] = engineFor([], { expectedParams: 101770 }).checkCensus(modelRecord(total), 0);
    expect(alert).toEqual({
      kind: 'param-count',
      severity: 'error',
      status: 'started',
      weight: null,
      layer: null,
      epoch: 0,
      value: total,
      threshold: 101770,
      count: 1,
      message: `model \`mlp\`: totalParams ${total} differs from expectedParams 101770 (${gap}) (epoch 0)`,
    });
  });

  it('reports each distinct mismatch once and clears when the census matches again', () => {
    const engine = engineFor([], { expectedParams: 100 });
    const statuses = [90, 90, 95, 100, 100, 90].map((total, fit) => engine.checkCensus(modelRecord(total), fit * 5))
      .map((alerts) => alerts.map((a) => `${a.status} ${a.value} @${a.epoch} x${a.count}`));
    expect(statuses).toEqual([
      ['started 90 @0 x1'], [], ['started 95 @10 x1'], ['cleared 100 @15 x1'], [], ['started 90 @25 x1'],
    ]);
  });

  it('can be disabled', () => {
    expect(engineFor([], { expectedParams: 1, disable: ['param-count'] }).checkCensus(modelRecord(2), 0)).toEqual([]);
  });
});

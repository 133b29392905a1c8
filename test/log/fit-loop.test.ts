/**
 * A training loop that calls `fit` once per iteration (a sequence model, 40 calls) reads like one
 * run: the census is logged when it first appears and again only when it changes, the summary
 * table once at dispose() (or after every fit with `summary: 'fit'`).
 */
import { Writable } from 'stream';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import * as winston from 'winston';
import { paramMonitor, ParamMonitorOptions } from '../../src';
import { expectNoLeaks } from '../helpers/tensor-leaks';

/** Sum-of-sequence task: 64 sequences of 6 steps, target the sum of the inputs. */
function sequences(): { x: tf.Tensor; y: tf.Tensor } {
  return tf.tidy(() => {
    const x = tf.randomUniform([64, 6, 1], -1, 1, 'float32', 11);
    return { x, y: x.sum(1) };
  });
}

function events(options: ParamMonitorOptions, fits: number, between?: (model: tf.LayersModel, i: number) => void) {
  const records: Record<string, unknown>[] = [];
  const stream = new Writable({ objectMode: true, write(info, _e, done) { records.push(info); done(); } });
  const logger = winston.createLogger({ level: 'info', transports: [new winston.transports.Stream({ stream })] });
  return async (name: string) => {
    const model = tf.sequential({ layers: [tf.layers.lstm({ units: 4, inputShape: [6, 1], name: `${name}_lstm` }), tf.layers.dense({ units: 1, name: `${name}_out` })] });
    model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
    const { x, y } = sequences();
    const monitor = paramMonitor({ logger, ...options });
    for (let i = 0; i < fits; i += 1) {
      between?.(model, i);
      await model.fit(x, y, { epochs: 1, batchSize: 64, callbacks: [monitor] });
    }
    await monitor.dispose();
    tf.dispose([x, y]);
    model.dispose();
    return records;
  };
}

describe('logs of a loop of fit calls', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
  });
  expectNoLeaks();

  it('logs the census once and the summary once, at dispose, over 40 fit calls', async () => {
    const records = await events({}, 40)('loop1');
    expect(records.filter((r) => r.event === 'census')).toHaveLength(1);
    const summaries = records.filter((r) => r.event === 'summary');
    expect(summaries).toHaveLength(1);
    expect(records[records.length - 1]).toBe(summaries[0]);
    expect(summaries[0].epoch).toBe(40);
    expect(records.filter((r) => r.event === 'snapshot')).toHaveLength(41);
  });

  it('logs the census again when it changes between fits (a layer frozen)', async () => {
    const records = await events({}, 4, (model, i) => {
      if (i === 2) {
        model.layers[0].trainable = false;
        model.optimizer.dispose(); // compile does not dispose the optimizer it replaces
        model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
      }
    })('loop2');
    const census = records.filter((r) => r.event === 'census');
    expect(census.map((r) => [r.epoch, r.trainableParams, r.nonTrainableParams])).toEqual([[0, 101, 0], [2, 5, 96]]);
  });

  it("logs the summary after every fit with summary: 'fit', and never with summary: false", async () => {
    const perFit = await events({ summary: 'fit' }, 3)('loop3');
    expect(perFit.filter((r) => r.event === 'summary').map((r) => r.epoch)).toEqual([1, 2, 3]);
    const never = await events({ summary: false }, 3)('loop4');
    expect(never.filter((r) => r.event === 'summary')).toHaveLength(0);
  });
});

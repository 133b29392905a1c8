/**
 * `gradients: true` in a custom loop (`attach()`, issue #19): a loop that steps the optimizer
 * itself (`tf.variableGrads` + `applyGradients(map)` in `tf.tidy`, no await between steps), so
 * several steps may pass before a snapshot is measured: each snapshot's gradients are still those
 * of its own steps (taken out inside the step its weights were captured at), exact against
 * float64 from an independent listener; `detach()` restores the optimizer; nothing leaks.
 */
import * as tf from '@tensorflow/tfjs';
import { paramMonitor } from '../../src/monitor';
import { hookOptimizer, isHooked } from '../../src/training/optimizer-hook';
import { TEST_BACKENDS } from '../helpers/backends';
import { loadIris } from '../helpers/iris';
import { compareStats, referenceStats, RELATIVE_TOLERANCE } from '../helpers/reference';
import { expectNoLeaks } from '../helpers/tensor-leaks';
import { classifier, disposeAll } from './builders';

describe.each(TEST_BACKENDS)('gradients in an attached loop on the %s backend', (backend) => {
  beforeAll(async () => {
    await tf.setBackend(backend);
  });
  expectNoLeaks();

  it('measures each snapshot\'s own steps, though the loop ran on before it was measured', async () => {
    const { xs, ys } = loadIris();
    const model = classifier(3, tf.train.adam(0.02));
    const optimizer = model.optimizer;
    const seen: Map<string, Float64Array>[] = [];
    const unhook = hookOptimizer(optimizer, {
      beforeApply: (step) => { seen.push(new Map(step.gradients.map((g) => [g.name, Float64Array.from(g.tensor.dataSync())]))); },
      onListenerError: (e) => { throw e; },
    });
    const monitor = paramMonitor({ model, logger: false, gradients: true, everySteps: 4 });
    await monitor.attach(optimizer);
    const loss = () => tf.losses.softmaxCrossEntropy(ys, model.predict(xs) as tf.Tensor) as tf.Scalar;
    for (let i = 0; i < 12; i += 1) {
      tf.tidy(() => {
        const { value, grads } = tf.variableGrads(loss);
        optimizer.applyGradients(grads);
        value.dispose();
      });
    }
    await monitor.detach();
    unhook();
    expect(isHooked(optimizer)).toBe(false);
    const history = monitor.toJSON();
    const stepped = history.snapshots.filter((s) => s.gradients !== undefined);
    expect(stepped.map((s) => s.step)).toEqual([4, 8, 12]);
    const problems: string[] = [];
    for (const s of stepped) {
      for (const [name, g] of Object.entries(s.gradients!)) {
        expect([g.steps, g.step]).toEqual([4, s.step]);
        const last = seen[s.step! - 1].get(name)!;
        const { steps: _s, step: _t, maxNorm, meanNorm, nonFinite: _n, updateRatio: _u, deadUnits: _d, units: _k, ...stats } = g;
        problems.push(...compareStats(stats, referenceStats({ value: Float32Array.from(last) }, { bins: 30, zeroTolerance: 0 })).map((p) => `${s.step} ${name}: ${p}`));
        const norms = seen.slice(s.step! - 4, s.step!).map((m) => Math.sqrt(m.get(name)!.reduce((a, x) => a + x * x, 0)));
        const mean = norms.reduce((a, b) => a + b, 0) / 4;
        if (Math.abs(meanNorm! - mean) > RELATIVE_TOLERANCE * mean) problems.push(`${s.step} ${name}: meanNorm ${meanNorm} vs ${mean}`);
        if (Math.abs(maxNorm! - Math.max(...norms)) > RELATIVE_TOLERANCE * Math.max(...norms)) problems.push(`${s.step} ${name}: maxNorm`);
      }
    }
    expect(problems).toEqual([]);
    await monitor.dispose();
    disposeAll(model, xs, ys);
  });
});

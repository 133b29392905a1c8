import { measured, type MeasuredVerdict, type WeightRule } from '../rule';

/**
 * `gradient-non-finite` (option `gradients`): the gradient of a training step since the previous
 * snapshot held NaN or Inf. Checked on every watched weight the optimizer stepped. With
 * `stopOn: ['gradient-non-finite']` the step is not applied (the weights keep the last good
 * step's values) and training stops. The value is the non-finite elements of the last step's
 * gradient (0 when only an earlier step was not finite).
 *
 * @example
 * // "dense_Dense1/kernel: the gradient of step 17 holds 4 NaN and 0 Inf of 40 elements (epoch 2, batch 17)"
 * // "dense_Dense1/kernel: a gradient held NaN or Inf in one of the 25 steps up to step 50 (epoch 2)"
 */
export const gradientNonFiniteRule: WeightRule<MeasuredVerdict> = {
  kind: 'gradient-non-finite',
  appliesTo: () => true,
  check({ gradient }) {
    if (gradient === undefined) return null;
    const bad = gradient.nanCount + gradient.infCount;
    return { holds: gradient.nonFinite || bad > 0, value: bad, threshold: 0 };
  },
  explain(verdict, { gradient }) {
    const g = gradient!; // `check` gave a verdict: there is a gradient
    const bad = g.nanCount + g.infCount;
    if (!verdict.holds) return measured(verdict, `every gradient since the previous snapshot is finite again (${g.steps} steps up to step ${g.step})`);
    if (bad > 0) {
      return measured(verdict, `the gradient of step ${g.step} holds ${g.nanCount} NaN and ${g.infCount} Inf of ${g.count + bad} elements`);
    }
    return measured(verdict, `a gradient held NaN or Inf in one of the ${g.steps} steps up to step ${g.step}`);
  },
};

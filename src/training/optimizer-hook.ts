/**
 * The one place that touches a tfjs optimizer's internals: it hooks `applyGradients`, where the
 * gradients of a training step exist (they live only during that synchronous call).
 *
 * Read from tfjs-core 4.22 (`src/optimizers/optimizer.ts`, `adam_optimizer.ts`,
 * `sgd_optimizer.ts`) and tfjs-layers 4.22 (`engine/training.ts`):
 * - `LayersModel.fit` / `fitDataset` / `trainOnBatch` call
 *   `optimizer.minimize(lossFn, true, trainableVariables)`; `minimize` computes the gradients with
 *   `variableGrads`, calls `this.applyGradients(NamedTensor[])` in the variable list's order, and
 *   disposes the gradients right after.
 * - Custom loops call `applyGradients` themselves, often with a map (`NamedTensorMap`, the form
 *   `tf.variableGrads` returns).
 * - Adam, Adamax, Adagrad, Adadelta and RMSProp index their slots by position (tfjs #4290,
 *   #8379): the argument is passed on untouched, never copied, reordered or filtered.
 * - `this.applyGradients` inside `minimize` finds an own property before the prototype's method,
 *   and `instanceof Optimizer` only checks for the three methods, so an own-property wrapper keeps
 *   the optimizer an `Optimizer` for tfjs.
 *
 * One wrapper per optimizer, however many listeners (two monitors, or a monitor's step counter
 * and its gradient statistics, on one optimizer). Removing the last listener restores the
 * optimizer exactly as it was.
 */
import type * as tf from '@tensorflow/tfjs';

/** One gradient as the step passed it, in the order it was passed. */
export interface StepGradient {
  /** The variable's name: a model weight's name as in `model.weights[i].name`. */
  readonly name: string;
  /** The gradient. Owned by the caller: read it or clone it now, never dispose it. */
  readonly tensor: tf.Tensor;
}

/** What a listener sees of one `applyGradients` call. */
export interface AppliedStep {
  /** The optimizer being stepped. */
  readonly optimizer: tf.Optimizer;
  /** A read-only view of the gradients; the optimizer gets the caller's own argument. */
  readonly gradients: readonly StepGradient[];
}

/** A listener on an optimizer's steps. Its methods run synchronously, inside the step. */
export interface StepListener {
  /**
   * Before the optimizer applies the step. Return `'skip'` to leave the weights untouched for
   * this step (the optimizer's own `applyGradients` is then not called at all).
   */
  beforeApply?(step: AppliedStep): 'skip' | void;
  /** After the optimizer applied the step, or after it was skipped (`applied` false). */
  afterApply?(step: AppliedStep, applied: boolean): void;
  /** Gets whatever the listener's own methods threw: a listener never ends a training run. */
  onListenerError(error: unknown): void;
}

type ApplyGradients = tf.Optimizer['applyGradients'];

interface Hook {
  readonly listeners: StepListener[];
  /** The own property `applyGradients` had before the hook, if any (usually none). */
  readonly ownBefore: PropertyDescriptor | undefined;
  readonly original: ApplyGradients;
  readonly wrapper: ApplyGradients;
}

const hooks = new WeakMap<tf.Optimizer, Hook>();

/** Marks the wrapper, so a wrapper is never wrapped again (by this copy of the package or another). */
const WRAPPER = Symbol.for('tfjs-param-monitor.applyGradientsWrapper');

/**
 * Adds `listener` to `optimizer`'s steps, wrapping its `applyGradients` on the first listener.
 * Returns the function that removes the listener again (idempotent).
 *
 * @example
 * const unhook = hookOptimizer(model.optimizer, {
 *   afterApply: (step) => { steps += 1; },
 *   onListenerError: (e) => console.error(e),
 * });
 */
export function hookOptimizer(optimizer: tf.Optimizer, listener: StepListener): () => void {
  if (optimizer == null || typeof optimizer.applyGradients !== 'function') {
    throw new TypeError(
      `Expected a tfjs optimizer (an object with an applyGradients method), but got ${describe(optimizer)}.`);
  }
  const hook = hooks.get(optimizer) ?? install(optimizer);
  hook.listeners.push(listener);
  let removed = false;
  return () => {
    if (removed) return;
    removed = true;
    const at = hook.listeners.indexOf(listener);
    if (at >= 0) hook.listeners.splice(at, 1);
    if (hook.listeners.length === 0) uninstall(optimizer, hook);
  };
}

/** True when `optimizer.applyGradients` is hooked by this package (any copy of it). */
export function isHooked(optimizer: tf.Optimizer): boolean {
  const fn = optimizer.applyGradients as ApplyGradients & { [WRAPPER]?: true };
  return fn?.[WRAPPER] === true;
}

function install(optimizer: tf.Optimizer): Hook {
  const ownBefore = Object.getOwnPropertyDescriptor(optimizer, 'applyGradients');
  const original = optimizer.applyGradients;
  const listeners: StepListener[] = [];
  const wrapper = function (this: tf.Optimizer, variableGradients: Parameters<ApplyGradients>[0]): void {
    const target = this ?? optimizer;
    if (listeners.length === 0) {
      original.call(target, variableGradients);
      return;
    }
    const step: AppliedStep = { optimizer: target, gradients: viewOf(variableGradients) };
    // A copy: a listener may remove itself (detach) from inside its own call.
    const current = listeners.slice();
    let skip = false;
    for (const l of current) {
      if (l.beforeApply == null) continue;
      try {
        if (l.beforeApply(step) === 'skip') skip = true;
      } catch (error) {
        report(l, error);
      }
    }
    if (!skip) original.call(target, variableGradients);
    for (const l of current) {
      if (l.afterApply == null) continue;
      try {
        l.afterApply(step, !skip);
      } catch (error) {
        report(l, error);
      }
    }
  } as ApplyGradients & { [WRAPPER]?: true };
  Object.defineProperty(wrapper, WRAPPER, { value: true });
  Object.defineProperty(optimizer, 'applyGradients', {
    value: wrapper, writable: true, configurable: true, enumerable: false,
  });
  const hook: Hook = { listeners, ownBefore, original, wrapper };
  hooks.set(optimizer, hook);
  return hook;
}

function uninstall(optimizer: tf.Optimizer, hook: Hook): void {
  hooks.delete(optimizer);
  if (optimizer.applyGradients !== hook.wrapper) {
    // Something wrapped ours since: removing ours would remove theirs. Ours stays as a plain
    // pass-through (no listeners left), and the next hook wraps whatever is there then.
    return;
  }
  if (hook.ownBefore != null) {
    Object.defineProperty(optimizer, 'applyGradients', hook.ownBefore);
  } else {
    delete (optimizer as unknown as Record<string, unknown>).applyGradients;
  }
}

function viewOf(gradients: Parameters<ApplyGradients>[0]): StepGradient[] {
  const pairs = Array.isArray(gradients)
    ? gradients.map((g) => [g?.name, g?.tensor] as const)
    : Object.entries(gradients ?? {});
  const view: StepGradient[] = [];
  for (const [name, tensor] of pairs) {
    // tfjs passes `undefined` for a variable the loss does not reach; nothing to measure there.
    if (typeof name === 'string' && tensor != null) view.push({ name, tensor });
  }
  return view;
}

function report(listener: StepListener, error: unknown): void {
  try {
    listener.onListenerError(error);
  } catch {
    // The listener's error handler failed too: the training step still goes on.
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  return (value as object).constructor?.name ?? 'an object';
}

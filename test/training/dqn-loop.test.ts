/**
 * A DQN-style loop, the pattern of tfjs's snake-dqn example: an online Q-network stepped by its
 * own Adam optimizer with `tf.variableGrads` and `applyGradients(map)` inside `tf.tidy`, a target
 * network (trainable: false) synced with `setWeights`, a replay buffer and epsilon-greedy play
 * in a small corridor. The loop has no `await` between steps: the monitor captures the weights
 * inside the step and measures them later, so every snapshot is exact (float64 reference), the
 * map reaches Adam untouched (the same weights as an unmonitored twin run), and a healthy run
 * raises no warning. SGD with a learning rate far too high is caught at the first step the rules
 * judge, and with `stopOn` the optimizer's later steps are skipped.
 */
import * as tf from '@tensorflow/tfjs';
import { HistoryDocument, paramMonitor } from '../../src';
import { TEST_BACKENDS } from '../helpers/backends';
import { mulberry32 } from '../helpers/reference';
import { copyWeights, stepSnapshotErrors, warnings, WeightCopies } from '../helpers/step-reference';
import { expectNoLeaks } from '../helpers/tensor-leaks';

const CELLS = 8;
const ACTIONS = 2; // left, right; reward 1 on reaching the right end

function qNetwork(name: string, seed: number): tf.Sequential {
  const model = tf.sequential({ name });
  model.add(tf.layers.dense({ units: 16, activation: 'relu', inputShape: [CELLS], kernelInitializer: tf.initializers.glorotUniform({ seed }), name: `${name}_hidden` }));
  model.add(tf.layers.dense({ units: ACTIONS, kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }), name: `${name}_q` }));
  return model;
}

interface Transition { s: number; a: number; r: number; next: number; done: boolean }

/**
 * Plays and trains for `steps` optimizer steps; `afterStep` runs after each. Returns the episodes
 * that reached the goal. Deterministic for a seed.
 */
async function runDqn(online: tf.LayersModel, target: tf.LayersModel, optimizer: tf.Optimizer, steps: number,
  afterStep: (step: number) => void = () => undefined, yieldEvery = 0): Promise<number> {
  const random = mulberry32(11);
  const replay: Transition[] = [];
  const oneHot = (cells: number[]) => tf.oneHot(tf.tensor1d(cells, 'int32'), CELLS).toFloat();
  let position = 0;
  let goals = 0;
  for (let step = 1; step <= steps; step += 1) {
    // Act: epsilon-greedy on the online network.
    const epsilon = Math.max(0.1, 1 - step / steps);
    const action = random() < epsilon ? Math.floor(random() * ACTIONS)
      : tf.tidy(() => (online.predict(oneHot([position])) as tf.Tensor).argMax(-1).dataSync()[0]);
    const next = Math.min(CELLS - 1, Math.max(0, position + (action === 1 ? 1 : -1)));
    const done = next === CELLS - 1;
    replay.push({ s: position, a: action, r: done ? 1 : 0, next, done });
    if (done) goals += 1;
    position = done ? 0 : next;
    // Learn from a sampled batch: the snake-dqn step.
    const batch = Array.from({ length: 16 }, () => replay[Math.floor(random() * replay.length)]);
    tf.tidy(() => {
      const nextQ = (target.predict(oneHot(batch.map((t) => t.next))) as tf.Tensor).max(-1);
      const targets = tf.tensor1d(batch.map((t) => t.r)).add(
        nextQ.mul(tf.tensor1d(batch.map((t) => (t.done ? 0 : 0.9)))));
      const lossFn = () => {
        const q = online.apply(oneHot(batch.map((t) => t.s)), { training: true }) as tf.Tensor;
        const chosen = q.mul(tf.oneHot(tf.tensor1d(batch.map((t) => t.a), 'int32'), ACTIONS)).sum(-1);
        return tf.losses.meanSquaredError(targets, chosen) as tf.Scalar;
      };
      const { grads } = tf.variableGrads(lossFn);
      optimizer.applyGradients(grads); // the map form
    });
    if (step % 20 === 0) target.setWeights(online.getWeights());
    afterStep(step);
    if (yieldEvery > 0 && step % yieldEvery === 0) await tf.nextFrame(); // e.g. rendering the game
  }
  return goals;
}

function agent(seed: number, optimizer: tf.Optimizer) {
  const online = qNetwork(`online${seed}`, seed);
  const target = qNetwork(`target${seed}`, seed);
  target.trainable = false;
  target.setWeights(online.getWeights());
  return { online, target, optimizer };
}

function free(...agents: ReturnType<typeof agent>[]): void {
  for (const { online, target, optimizer } of agents) {
    optimizer.dispose();
    online.dispose();
    target.dispose();
  }
}

describe.each(TEST_BACKENDS)('a DQN loop with attach(optimizer) on the %s backend', (backend) => {
  beforeAll(async () => {
    await tf.setBackend(backend);
  });
  expectNoLeaks();

  it('snapshots every N steps exactly, passes the map on untouched, and raises nothing on a healthy run', async () => {
    const watched = agent(21, tf.train.adam(0.01));
    const twin = agent(21, tf.train.adam(0.01));
    const monitor = paramMonitor({ model: watched.online, everySteps: 25, logger: false });
    await monitor.attach(watched.optimizer);
    const copies = new Map<number, WeightCopies>([[0, copyWeights(watched.online)]]);
    const goals = await runDqn(watched.online, watched.target, watched.optimizer, 200, (step) => {
      if (step % 25 === 0) copies.set(step, copyWeights(watched.online));
    });
    await monitor.detach();
    await runDqn(twin.online, twin.target, twin.optimizer, 200);

    const history: HistoryDocument = monitor.toJSON();
    expect(history.snapshots.map((s) => s.step)).toEqual([0, 25, 50, 75, 100, 125, 150, 175, 200]);
    expect(stepSnapshotErrors(history, copies)).toEqual([]);
    expect(warnings(history)).toEqual([]);
    expect(history.alerts).toEqual([]);
    // Untouched: Adam stepped the same weights as in the unmonitored run, to the bit.
    const bits = (m: tf.LayersModel) => m.getWeights().map((w) => Array.from(w.dataSync()));
    expect(bits(watched.online)).toEqual(bits(twin.online));
    expect(goals).toBeGreaterThan(5); // it learned to walk right
    await monitor.dispose();
    free(watched, twin);
  });

  it('catches a learning rate far too high, and stopOn skips the steps after it', async () => {
    const wild = agent(33, tf.train.sgd(20));
    const monitor = paramMonitor({ model: wild.online, everySteps: 1, logger: false, stopOn: ['exploding'] });
    await monitor.attach(wild.optimizer);
    const copies = new Map<number, WeightCopies>();
    await runDqn(wild.online, wild.target, wild.optimizer, 30, (step) => copies.set(step, copyWeights(wild.online)), 1);
    await monitor.detach();
    const history = monitor.toJSON();
    const started = history.alerts.filter((a) => a.status === 'started' && a.severity !== 'info');
    // Step 1 is the drift rules' warmup (a weight's first update is its largest); step 2 is judged.
    expect(started[0].step).toBe(2);
    expect(new Set(started.filter((a) => a.step === 2).map((a) => a.kind))).toEqual(new Set(['drift', 'exploding']));
    expect(monitor.shouldStop).toBe(true);
    // The exploding alert came while the loop awaited after step 2: every later step was skipped.
    expect(copies.get(30)).toEqual(copies.get(2));
    expect(history.snapshots.map((s) => s.step)).toEqual([0, 1, 2]); // skipped steps are not counted
    await monitor.dispose();
    free(wild);
  });
});

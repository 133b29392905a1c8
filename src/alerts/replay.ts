import type { Alert, Snapshot, WeightRecord } from '../history-types';
import { AlertEngine } from './engine';
import { validateAlertOptions, type AlertOptions } from './options';

/**
 * Run the alert rules over recorded snapshots, as the monitor did while training: the alerts of
 * each snapshot, in order (`result[i]` belongs to `snapshots[i]`). Lets recorded runs be judged
 * again with other options (the alert corpus, `npm run alert-eval`) without training again.
 * Census alerts (`param-count`) need a model record and are not replayed.
 *
 * @example
 * const perSnapshot = replaySnapshots(history.weights, history.snapshots, { driftSpikeFactor: 8 });
 * perSnapshot.flat().filter((a) => a.severity !== 'info');
 */
export function replaySnapshots(
  weights: readonly WeightRecord[], snapshots: readonly Snapshot[], options: AlertOptions = {},
): Alert[][] {
  const engine = new AlertEngine(validateAlertOptions(options));
  engine.setWeights(weights);
  return snapshots.map((snapshot) => engine.evaluate(snapshot));
}

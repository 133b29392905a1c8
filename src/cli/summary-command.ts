/** `summary <file>`: the census, then one row per weight, weights with alerts first. */
import type { HistoryDocument } from '../history-types';
import { formatCount, formatShape, formatStat } from '../report/format';
import { runOutline } from '../report/run-outline';
import { weightSummaries, type WeightSummary } from '../report/weight-summary';
import { textTable, printable } from './text-table';

/** What `summary --json` prints. */
export interface SummaryOutput {
  file: string;
  model: { name: string; totalParams: number; trainableParams: number; nonTrainableParams: number };
  layers: { name: string; class: string; params: number; trainableParams: number; nonTrainableParams: number; alerts: number }[];
  weights: WeightSummary[];
}

export function summaryData(file: string, history: HistoryDocument): SummaryOutput {
  const { name, totalParams, trainableParams, nonTrainableParams } = history.model;
  const weights = weightSummaries(history);
  const layers = history.model.layers.map((l) => ({
    name: l.name, class: l.class, params: l.params, trainableParams: l.trainableParams,
    nonTrainableParams: l.nonTrainableParams,
    alerts: weights.filter((w) => w.layer === l.name).reduce((sum, w) => sum + w.alerts, 0),
  }));
  return { file, model: { name, totalParams, trainableParams, nonTrainableParams }, layers, weights };
}

/** NaN and Inf element counts at the last snapshot, e.g. `8/0`. */
function nonFinite(w: WeightSummary): string {
  return w.nanCount === null && w.infCount === null ? '-' : `${w.nanCount ?? '-'}/${w.infCount ?? '-'}`;
}

export function summaryText(data: SummaryOutput, history: HistoryDocument): string {
  const { model } = data;
  const census = `model ${printable(model.name)}: ${formatCount(model.totalParams)} params ` +
    `(${formatCount(model.trainableParams)} trainable, ${formatCount(model.nonTrainableParams)} non-trainable)`;
  const layers = textTable(
    [{ heading: 'layer', align: 'left' }, { heading: 'class', align: 'left' }, { heading: 'params', align: 'right' },
      { heading: 'trainable', align: 'right' }, { heading: 'non-trainable', align: 'right' }, { heading: 'alerts', align: 'right' }],
    data.layers.map((l) => [l.name, l.class, formatCount(l.params), formatCount(l.trainableParams),
      formatCount(l.nonTrainableParams), String(l.alerts)]),
  );
  // Runs recorded with `gradients: true` get two more columns: the mean gradient norm and the update ratio per step.
  const gradients = history.series.gradients !== undefined;
  const weights = textTable(
    [{ heading: 'weight', align: 'left' }, { heading: 'shape', align: 'left' }, { heading: 'params', align: 'right' },
      { heading: 'trainable', align: 'left' }, { heading: 'mean', align: 'right' }, { heading: 'std', align: 'right' },
      { heading: 'min', align: 'right' }, { heading: 'max', align: 'right' }, { heading: 'zeros', align: 'right' },
      { heading: 'nan/inf', align: 'right' }, { heading: 'drift', align: 'right' }, { heading: 'max drift', align: 'right' },
      ...(gradients ? [{ heading: 'grad norm', align: 'right' as const }, { heading: 'update/step', align: 'right' as const }] : []),
      { heading: 'alerts', align: 'right' }],
    data.weights.map((w) => [w.name, formatShape(w.shape), formatCount(w.params), w.trainable ? 'yes' : w.sharedWith ? `shared (${w.sharedWith.join(', ')})` : 'no',
      formatStat(w.mean), formatStat(w.std), formatStat(w.min), formatStat(w.max), formatStat(w.zeroFraction),
      nonFinite(w), formatStat(w.lastDrift), formatStat(w.maxDrift),
      ...(gradients ? [formatStat(w.gradientNorm), formatStat(w.updateRatio)] : []), String(w.alerts)]),
  );
  return `${census}\n${runOutline(history)}\n\n${layers}\n\n${weights}\n`;
}

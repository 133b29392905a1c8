/**
 * One weight's collapsible section of the report: its last statistics, line charts of its
 * statistics over the snapshots, the histogram heat map, drift on a log scale, gradient norms and
 * the update ratio when gradients were recorded, and zeros and NaN/Inf counts when they are not
 * all zero.
 */
import { escapeHtml } from './escape-html';
import { formatCount, formatShape, formatStat } from './format';
import type { HistoryDocument } from '../history-types';
import { historyAxis, type HistoryAxis } from '../history/axis';
import { histogramHeatmap } from './svg-heatmap';
import { extent } from './svg-scale';
import { legend, lineChart, type LineSeries } from './svg-line-chart';
import type { WeightSummary } from './weight-summary';

const BLUE = '#1f77b4';
const ORANGE = '#e8710a';
const GREEN = '#2ca02c';
const RED = '#d62728';
const GREY = '#7f7f7f';

/** Where each `fit` call (or `attach()`) after the first began, as snapshot indices. */
function runStarts(history: HistoryDocument, axis: HistoryAxis): number[] {
  return history.runs.slice(1)
    .map((run) => axis.values.findIndex((at) => at === axis.at({ epoch: run.startEpoch, step: run.startStep })))
    .filter((i) => i > 0);
}

/** The snapshots' places on the axis, and its unit. */
type Axis = { x: number[]; unit: 'epoch' | 'step' };

function figure(caption: string, series: LineSeries[], { x, unit }: Axis, marks: number[], log = false): string {
  const svg = lineChart({ x, series, log, marks, unit });
  if (svg === null) return '';
  const zeros = log ? series[0].values.filter((v) => v === 0).length : 0;
  const note = zeros === 0 ? '' : `<div class="note">${series[0].label}: 0 at ${zeros} snapshot${zeros === 1 ? '' : 's'} (not drawn on a log scale)</div>`;
  return `<figure><figcaption>${caption} ${legend(series)}</figcaption>${svg}${note}</figure>`;
}

const anyPositive = (values: (number | null)[]) => values.some((v) => v !== null && v > 0);

/** A positive statistic spanning more than 3 decades (a weight blowing up) reads better on a log axis. */
function spansDecades(values: (number | null)[]): boolean {
  const positive = values.filter((v): v is number => v !== null && v > 0);
  const { min, max } = extent(positive);
  return positive.length > 1 && max / min > 1e3;
}

/** A chart of one positive statistic, on a log axis when it spans decades. */
function positiveFigure(caption: string, label: string, values: (number | null)[], x: Axis, marks: number[]): string {
  const log = spansDecades(values);
  return figure(log ? `${caption} (log scale)` : caption, [{ label, color: BLUE, values }], x, marks, log);
}

export function weightSection(history: HistoryDocument, row: WeightSummary, open: boolean): string {
  const s = history.series.weights[row.name];
  const axis = historyAxis(history);
  const x: Axis = { x: axis.values, unit: axis.unit };
  const marks = runStarts(history, axis);
  const charts: string[] = [];
  if (s !== undefined) {
    charts.push(figure('Mean, min, max', [
      { label: 'max', color: RED, values: s.max }, { label: 'mean', color: BLUE, values: s.mean }, { label: 'min', color: GREEN, values: s.min },
    ], x, marks));
    charts.push(positiveFigure('Standard deviation', 'std', s.std, x, marks));
    charts.push(positiveFigure('L2 norm', 'l2Norm', s.l2Norm, x, marks));
    charts.push(figure('Relative drift (log scale)', [
      { label: 'since previous', color: ORANGE, values: s.driftRelative }, { label: 'since start', color: GREY, values: s.fromStartRelative },
    ], x, marks, true));
    const g = history.series.gradients?.[row.name];
    if (g !== undefined) {
      // Gradient norms of healthy and diverging runs differ by decades: a log axis shows both; a
      // gradient that is 0 throughout (a dead layer) is drawn on a linear one, so that it shows.
      const log = anyPositive(g.maxNorm);
      charts.push(figure(`Gradient L2 norm since the previous snapshot${log ? ' (log scale)' : ''}`, [
        { label: 'largest', color: RED, values: g.maxNorm }, { label: 'mean', color: BLUE, values: g.meanNorm },
        { label: 'last step', color: GREY, values: g.l2Norm },
      ], x, marks, log));
      if (anyPositive(g.updateRatio)) {
        charts.push(figure('Update ratio |Δw| / |w| per step (log scale)', [{ label: 'update ratio', color: ORANGE, values: g.updateRatio }], x, marks, true));
      }
    }
    if (anyPositive(s.zeroFraction)) charts.push(figure('Zero fraction', [{ label: 'zeros', color: GREY, values: s.zeroFraction }], x, marks));
    if (anyPositive(s.nanCount) || anyPositive(s.infCount)) {
      charts.push(figure('Non-finite elements', [{ label: 'NaN', color: RED, values: s.nanCount }, { label: 'Inf', color: ORANGE, values: s.infCount }], x, marks));
    }
  }
  const columns = history.snapshots.flatMap((snap) => {
    const stats = snap.stats[row.name];
    return stats === undefined ? [] : [{ epoch: axis.at(snap), index: snap.index, histogram: stats.histogram }];
  });
  const taken = axis.values.length;
  const heat = histogramHeatmap(columns, taken, axis.unit);
  const kept = columns.length < taken ? `<div class="note">histograms of ${columns.length} of ${taken} snapshots (the rest thinned, see maxSnapshots)</div>` : '';
  if (heat !== null) charts.push(`<figure><figcaption>Distribution over ${axis.unit}s (darker: more elements)</figcaption>${heat}${kept}</figure>`);
  const badge = row.alerts === 0 ? '' : `<span class="kind ${row.worstSeverity}">${row.alerts} alert${row.alerts === 1 ? '' : 's'}</span>`;
  const facts = [`layer ${escapeHtml(row.layer)}`, formatShape(row.shape), `${formatCount(row.params)} params`,
    row.trainable ? 'trainable' : row.sharedWith ? `trained through ${escapeHtml(row.sharedWith.join(', '))}` : 'not trainable', `mean ${formatStat(row.mean)}`, `std ${formatStat(row.std)}`,
    `max drift ${formatStat(row.maxDrift)}`].join(' · ');
  const body = charts.filter((c) => c !== '').join('');
  return `<details class="weight" data-name="${escapeHtml(row.name.toLowerCase())}"${open ? ' open' : ''}>` +
    `<summary><span class="wname">${escapeHtml(row.name)}</span> ${badge}<span class="facts">${facts}</span></summary>` +
    `<div class="charts">${body === '' ? '<p class="muted">Nothing measured for this weight.</p>' : body}</div></details>`;
}

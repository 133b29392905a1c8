/**
 * The HTML report: one self-contained file (inline CSS, inline SVG charts, one small inline
 * script allowed by hash; nothing fetched from the network). What a user looks for first comes
 * first: the alert timeline and the layers with alerts, then the census, then every weight.
 */
import { historyAxis } from '../history/axis';
import { alertEpisodes } from './alert-episodes';
import { alertTimeline } from './alert-timeline';
import { escapeHtml } from './escape-html';
import { formatCount } from './format';
import type { HistoryDocument } from '../history-types';
import { REPORT_SCRIPT, REPORT_SCRIPT_HASH } from './report-script';
import { REPORT_STYLE } from './report-style';
import { runOutline } from './run-outline';
import { weightSection } from './weight-section';
import { weightSummaries, type WeightSummary } from './weight-summary';

export interface ReportOptions {
  /** Shown in the page title and heading, e.g. the history file's name. */
  title: string;
}

/** Weights open when the report loads: all of a small model, else those with alerts (up to this many). */
const OPEN_ALL_UP_TO = 6;
const OPEN_ALERTED_UP_TO = 12;
/** A longer census table starts collapsed, so that the weights stay near the top. */
const OPEN_CENSUS_UP_TO = 15;

function card(label: string, value: string, alerting = false): string {
  return `<div class="card${alerting ? ' alerting' : ''}"><b>${value}</b>${label}</div>`;
}

function censusTable(history: HistoryDocument, rows: WeightSummary[]): string {
  const alertsOf = (layer: string) => rows.filter((r) => r.layer === layer);
  const layers = history.model.layers
    .map((layer, order) => ({ layer, order, alerts: alertsOf(layer.name).reduce((s, r) => s + r.alerts, 0) }))
    .sort((a, b) => b.alerts - a.alerts || a.order - b.order);
  const body = layers.map(({ layer, alerts }) => {
    const kinds = [...new Set(history.alerts.filter((a) => a.layer === layer.name && a.status === 'started')
      .map((a) => `<span class="kind ${a.severity}">${escapeHtml(a.kind)}</span>`))].join('');
    return `<tr${alerts > 0 ? ' class="alerted"' : ''}><td>${escapeHtml(layer.name)}</td><td>${escapeHtml(layer.class)}</td>` +
      `<td class="num">${formatCount(layer.params)}</td><td class="num">${formatCount(layer.trainableParams)}</td>` +
      `<td class="num">${formatCount(layer.nonTrainableParams)}</td><td class="num">${layer.weights.length}</td>` +
      `<td class="num">${alerts}</td><td>${kinds}</td></tr>`;
  }).join('');
  const m = history.model;
  const alerted = layers.filter((l) => l.alerts > 0).length;
  const outline = `${m.layers.length} layer${m.layers.length === 1 ? '' : 's'} · ${formatCount(m.totalParams)} params (${formatCount(m.trainableParams)} trainable, ` +
    `${formatCount(m.nonTrainableParams)} non-trainable) · ` +
    (alerted === 0 ? 'no layer with alerts' : `${alerted} layer${alerted === 1 ? '' : 's'} with alerts, listed first`);
  return `<details class="census"${m.layers.length <= OPEN_CENSUS_UP_TO ? ' open' : ''}><summary>${outline}</summary><div class="table-wrap"><table><thead><tr><th>layer</th><th>class</th><th class="num">params</th>` +
    `<th class="num">trainable</th><th class="num">non-trainable</th><th class="num">weights</th><th class="num">alerts</th><th>kinds</th></tr></thead>` +
    `<tbody>${body}</tbody><tfoot><tr><td><b>total</b></td><td></td><td class="num"><b>${formatCount(m.totalParams)}</b></td>` +
    `<td class="num">${formatCount(m.trainableParams)}</td><td class="num">${formatCount(m.nonTrainableParams)}</td>` +
    `<td class="num">${history.weights.length}</td><td></td><td></td></tr></tfoot></table></div></details>`;
}

/**
 * The report page for a loaded history.
 *
 * @example
 * fs.writeFileSync('report.html', renderReport(loadHistory('history.json'), { title: 'history.json' }));
 */
export function renderReport(history: HistoryDocument, options: ReportOptions): string {
  const rows = weightSummaries(history);
  const episodes = alertEpisodes(history);
  const axis = historyAxis(history);
  const epochs = axis.values;
  const first = epochs.length === 0 ? 0 : epochs[0];
  const last = epochs.length === 0 ? 0 : epochs[epochs.length - 1];
  const alerted = rows.filter((r) => r.alerts > 0);
  // Red only for what needs a look: info alerts (frozen by design) are expected.
  const serious = episodes.some((e) => e.severity !== 'info');
  const openAll = rows.length <= OPEN_ALL_UP_TO;
  const sections = rows.map((row, i) => weightSection(history, row, openAll || (row.alerts > 0 && i < OPEN_ALERTED_UP_TO))).join('');
  const env = history.environment;
  const title = escapeHtml(options.title);
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src ${REPORT_SCRIPT_HASH}; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}: parameter report</title><style>${REPORT_STYLE}</style></head>
<body><main>
<h1>${title}</h1>
<p class="muted">Model <b>${escapeHtml(history.model.name)}</b> · ${escapeHtml(runOutline(history))}</p>
<div class="cards">${card('parameters', formatCount(history.model.totalParams))}${card('weights watched', String(rows.length))}` +
    `${card('snapshots', String(epochs.length))}${card('alerts started', String(episodes.length), serious)}` +
    `${card('weights with alerts', String(alerted.length), serious)}</div>
<h2>Alert timeline</h2>${alertTimeline(episodes, first, last, axis.unit)}
<h2>Layers and census</h2>${censusTable(history, rows)}
<h2>Weights</h2>
<div class="filter"><input id="filter" type="search" placeholder="Filter weights by name" aria-label="Filter weights by name">` +
    `<button id="expand" type="button">Expand all</button><button id="collapse" type="button">Collapse all</button>` +
    `<span id="shown" class="muted"></span></div>
${sections}
<p class="muted">Backend ${escapeHtml(env.backend)} · tfjs ${escapeHtml(env.tfjsVersion)} · tfjs-param-monitor ${escapeHtml(env.monitorVersion)} · ` +
    `${history.options.bins} histogram bins · weights with alerts listed first</p>
</main><script>${REPORT_SCRIPT}</script></body></html>
`;
}

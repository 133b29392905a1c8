/**
 * The alert timeline: one row per weight and alert kind, a bar from the epoch the condition
 * started to the epoch it cleared (or the end of the history), coloured by severity.
 */
import type { AlertEpisode } from './alert-episodes';
import { escapeHtml } from './escape-html';

const W = 300;
const H = 16;

function position(epoch: number, first: number, last: number): number {
  return last === first ? W / 2 : (epoch - first) / (last - first) * W;
}

function bar(e: AlertEpisode, first: number, last: number, unit: string): string {
  const x1 = position(e.from, first, last);
  const x2 = position(e.to, first, last);
  const width = Math.max(4, x2 - x1);
  const x = Math.min(x1, W - width);
  const span = e.from === e.to ? `${unit} ${e.from}` : `${unit}s ${e.from}-${e.to}${e.cleared ? '' : ' (still held)'}`;
  return `<rect class="${e.severity}" x="${x.toFixed(1)}" y="2" width="${width.toFixed(1)}" height="${H - 4}" rx="2">` +
    `<title>${escapeHtml(`${e.severity} ${e.kind}, ${span}: ${e.message}`)}</title></rect>`;
}

/** The timeline over epochs (or steps, `unit`) [first, last], or a note when there is no alert. */
export function alertTimeline(episodes: AlertEpisode[], first: number, last: number, unit: 'epoch' | 'step' = 'epoch'): string {
  if (episodes.length === 0) return '<p class="ok">No alerts: every rule stayed quiet for the whole run.</p>';
  const rows = new Map<string, AlertEpisode[]>();
  for (const e of episodes) {
    const key = `${e.weight ?? '(model)'}\u0000${e.kind}`;
    rows.set(key, [...(rows.get(key) ?? []), e]);
  }
  const body = [...rows.values()].map((row) => {
    const { weight, kind } = row[0];
    const spans = row.map((e) => (e.from === e.to ? `${e.from}` : `${e.from}-${e.to}`)).join(', ');
    return `<div class="tl-row"><span class="tl-label"><b>${escapeHtml(weight ?? '(model)')}</b> ` +
      `<span class="kind ${row[0].severity}">${escapeHtml(kind)}</span> <span class="muted">${unit} ${escapeHtml(spans)}</span></span>` +
      `<svg class="chart tl-track" viewBox="0 0 ${W} ${H}" preserveAspectRatio="none" role="img">` +
      `<line class="grid" x1="0" x2="${W}" y1="${H / 2}" y2="${H / 2}"/>${row.map((e) => bar(e, first, last, unit)).join('')}</svg></div>`;
  }).join('');
  return `<div class="timeline"><div class="tl-row tl-axis"><span></span><span class="tl-ends"><span>${unit} ${first}</span>` +
    `<span>${unit} ${last}</span></span></div>${body}</div>`;
}

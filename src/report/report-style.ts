/** The report's stylesheet, inlined into the page. Readable from phone width up. */
export const REPORT_STYLE = `
:root { --fg: #1d2330; --muted: #667085; --line: #e4e7ec; --bg: #fff; --panel: #f8f9fb;
  --error: #d62728; --warn: #e8710a; --info: #1f77b4; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
main { max-width: 1200px; margin: 0 auto; padding: 16px; }
h1 { font-size: 22px; margin: 8px 0 4px; overflow-wrap: anywhere; }
h2 { font-size: 17px; margin: 28px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
.muted, .facts { color: var(--muted); }
.ok { color: #1a7f37; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 8px; margin: 12px 0; }
.card { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 8px 12px; }
.card b { display: block; font-size: 20px; }
.card.alerting b { color: var(--error); }
.table-wrap { overflow-x: auto; }
details.census > summary { cursor: pointer; color: var(--muted); margin-bottom: 6px; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); white-space: nowrap; }
td.num, th.num { text-align: right; }
tr.alerted td:first-child { border-left: 3px solid var(--warn); }
.kind { display: inline-block; border-radius: 10px; padding: 0 8px; font-size: 12px; color: #fff; background: var(--info); margin-right: 4px; }
.kind.error { background: var(--error); } .kind.warn { background: var(--warn); } .kind.info { background: var(--info); }
.timeline { border: 1px solid var(--line); border-radius: 8px; padding: 6px 10px; }
.tl-row { display: grid; grid-template-columns: minmax(0, 2fr) minmax(0, 3fr); gap: 10px; align-items: center; padding: 3px 0; }
.tl-label { overflow-wrap: anywhere; }
.tl-track { width: 100%; height: 16px; }
.tl-track rect.error { fill: var(--error); } .tl-track rect.warn { fill: var(--warn); } .tl-track rect.info { fill: var(--info); }
.tl-ends { display: flex; justify-content: space-between; color: var(--muted); font-size: 12px; }
.filter { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin-bottom: 10px; }
.filter input { flex: 1 1 220px; padding: 6px 10px; font: inherit; border: 1px solid #c4c9d2; border-radius: 6px; }
.filter button { font: inherit; padding: 5px 10px; border: 1px solid #c4c9d2; border-radius: 6px; background: var(--panel); cursor: pointer; }
details.weight { border: 1px solid var(--line); border-radius: 8px; margin-bottom: 8px; background: var(--bg); }
details.weight > summary { cursor: pointer; padding: 8px 12px; background: var(--panel); border-radius: 8px; overflow-wrap: anywhere; }
details.weight[open] > summary { border-bottom: 1px solid var(--line); border-radius: 8px 8px 0 0; }
.wname { font-weight: 600; margin-right: 6px; }
.facts { display: block; font-size: 12px; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(280px, 1fr)); gap: 12px; padding: 12px; }
figure { margin: 0; min-width: 0; }
figcaption { font-size: 12px; font-weight: 600; margin-bottom: 2px; }
.key { font-weight: 400; color: var(--muted); margin-left: 6px; white-space: nowrap; }
.key i { display: inline-block; width: 10px; height: 3px; vertical-align: middle; margin-right: 3px; }
svg.chart { width: 100%; height: auto; display: block; }
svg.chart .grid { stroke: var(--line); stroke-width: 1; }
svg.chart .tick { font-size: 10px; fill: var(--muted); }
svg.chart .mark { stroke: #98a2b3; stroke-dasharray: 3 3; }
.note { font-size: 11px; color: var(--muted); }
svg.chart .line { fill: none; stroke-width: 1.6; stroke-linejoin: round; }
svg.heat .cells path { fill: #3b5bdb; }
svg.heat .frame { fill: #f3f5f9; }
.hidden { display: none; }
@media (max-width: 600px) {
  main { padding: 10px; }
  .tl-row { grid-template-columns: 1fr; gap: 2px; }
  .tl-axis > span:first-child { display: none; }
}
`;

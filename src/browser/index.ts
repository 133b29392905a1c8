/**
 * The browser entry of the package (the `browser` condition of `exports`; built by
 * scripts/build-browser.js into dist/browser/): the monitor, `weightStats` and the HTML report.
 * What needs Node (files, the measuring worker, `loadHistory`, the CLI) is not here.
 */
export { ParamMonitor, paramMonitor } from './browser-monitor';
export type { BrowserLogger, BrowserMonitorOptions } from './browser-monitor';
export { NODE_ONLY_OPTIONS } from './node-only-options';
export { ALERT_KINDS, DEFAULT_ALERT_OPTIONS } from '../alerts/options';
export type { AlertOptions, WeightPattern } from '../alerts/options';
export type { StatsOn } from '../stats/engine-choice';
export { weightStats } from '../weight-stats';
export type { WeightStatsOptions } from '../weight-stats';
export { SCHEMA_VERSION } from '../history-types';
export { renderReport } from '../report/render-report';
export type { ReportOptions } from '../report/render-report';
export type {
  Alert, AlertKind, AlertSeverity, DriftStats, EnvironmentRecord, FromStartStats, GradientSeries, GradientStats, Histogram,
  HistoryDocument, HistorySeries, LayerRecord, ModelRecord, Snapshot, TrainingRun, WeightRecord, WeightSeries, WeightStats,
} from '../history-types';

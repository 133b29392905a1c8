export { ParamMonitor, paramMonitor } from './monitor';
export type { ParamMonitorOptions } from './monitor-options';
export { ALERT_KINDS, DEFAULT_ALERT_OPTIONS } from './alerts/options';
export type { CoreOptions } from './options';
export type { StatsOn } from './stats/engine-choice';
export type { AlertOptions, WeightPattern } from './alerts/options';
export { weightStats } from './weight-stats';
export type { WeightStatsOptions } from './weight-stats';
export { SCHEMA_VERSION } from './history-types';
export { loadHistory, HistoryFileError } from './history/load';
export type {
  Alert, AlertKind, AlertSeverity, DriftStats, EnvironmentRecord, FromStartStats, GradientSeries, GradientStats, Histogram,
  HistoryDocument, HistorySeries, LayerRecord, ModelRecord, Snapshot, TrainingRun, WeightRecord, WeightSeries, WeightStats,
} from './history-types';

export { ParamMonitor, paramMonitor } from './monitor';
export type { ParamMonitorOptions } from './monitor-options';
export { ALERT_KINDS } from './monitor-options';
export type { CoreOptions } from './options';
export type { AlertOptions } from './alerts/options';
export { weightStats } from './weight-stats';
export type { WeightStatsOptions } from './weight-stats';
export { SCHEMA_VERSION } from './history-types';
export type {
  Alert, AlertKind, AlertSeverity, DriftStats, EnvironmentRecord, FromStartStats, Histogram,
  HistoryDocument, LayerRecord, ModelRecord, Snapshot, TrainingRun, WeightRecord, WeightStats,
} from './history-types';

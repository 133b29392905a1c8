import type { Alert, AlertKind, ModelRecord, Snapshot, WeightRecord, WeightStats } from '../history-types';
import { buildAlert, type TrainingPosition } from './alert-message';
import { ConditionTracker } from './condition-tracker';
import type { ResolvedAlertOptions } from './option-types';
import type { Verdict, WeightContext, WeightRule } from './rule';
import { changedWhileFrozenRule } from './rules/changed-while-frozen';
import { deadRule } from './rules/dead';
import { driftRule } from './rules/drift';
import { explodingRule } from './rules/exploding';
import { frozenRule } from './rules/frozen';
import { frozenByDesignRule } from './rules/frozen-by-design';
import { nonFiniteRule } from './rules/non-finite';
import { checkParamCount } from './rules/param-count';
import { vanishingRule } from './rules/vanishing';
import { isWatched } from './weight-filter';
import { describeRole } from './weight-roles';
import { createWeightState, noteStillness, rememberSnapshot, type WeightState } from './weight-state';

const WEIGHT_RULES: readonly WeightRule[] = [
  nonFiniteRule,
  frozenRule,
  changedWhileFrozenRule,
  frozenByDesignRule,
  deadRule,
  driftRule,
  explodingRule,
  vanishingRule,
];

/**
 * The stateful alert tracker: feed it the census and every snapshot in order, and it returns the
 * alerts each one raises. An ongoing condition is reported when it starts, reminded every
 * `reminderEvery` snapshots, and reported when it clears. Plain numbers only; it never throws on
 * odd data (null statistics, unknown weights), it just stays silent about what it cannot tell.
 *
 * A snapshot at the same epoch and batch as the previous one (e.g. taken when a second `fit`
 * call starts) counts as "no training since": drift-based rules skip it.
 *
 * @example
 * ```ts
 * const engine = new AlertEngine(validateAlertOptions({ expectedParams: 101770 }));
 * alerts.push(...engine.checkCensus(modelRecord, 0));
 * engine.setWeights(weightRecords);
 * alerts.push(...engine.evaluate(snapshot)); // after each snapshot, in order
 * ```
 */
export class AlertEngine {
  private readonly rules: readonly WeightRule[];
  private readonly conditions: ConditionTracker;
  private readonly records = new Map<string, WeightRecord>();
  private readonly states = new Map<string, WeightState>();
  /** Keys of `once` conditions already reported. */
  private readonly reportedOnce = new Set<string>();
  private previous: TrainingPosition | null = null;
  /** The mismatching total last reported, null when none is (see `checkCensus`). */
  private reportedMismatch: number | null = null;
  /** Censuses in a row that had a mismatching total. */
  private mismatchCensuses = 0;

  constructor(private readonly options: ResolvedAlertOptions) {
    this.rules = WEIGHT_RULES.filter((rule) => !options.disable.includes(rule.kind));
    this.conditions = new ConditionTracker(options.reminderEvery);
  }

  /**
   * Census at training start; returns `param-count` alerts: `started` once per distinct
   * mismatching total (a census with the same total again stays silent), `cleared` when a later
   * census matches `expectedParams` again.
   */
  checkCensus(model: ModelRecord, epoch: number): Alert[] {
    if (this.options.disable.includes('param-count')) return [];
    const verdict = checkParamCount(model, this.options.expectedParams);
    if (verdict === null) return [];
    const total = model.totalParams;
    const fields = {
      kind: 'param-count' as const,
      severity: this.options.severity['param-count'],
      weight: null,
      layer: null,
      value: verdict.value,
      threshold: verdict.threshold,
      subject: `model \`${model.name}\``,
      text: verdict.text,
    };
    if (verdict.holds) {
      this.mismatchCensuses += 1;
      if (this.reportedMismatch === total) return [];
      this.reportedMismatch = total;
      this.mismatchCensuses = 1;
      return [buildAlert(fields, { status: 'started', count: 1 }, { epoch })];
    }
    const held = this.mismatchCensuses;
    this.mismatchCensuses = 0;
    if (this.reportedMismatch === null) return [];
    this.reportedMismatch = null;
    return [buildAlert(fields, { status: 'cleared', count: held }, { epoch })];
  }

  /** Latest weight records (the census can change between `fit` calls). Replaces the previous ones. */
  setWeights(records: readonly WeightRecord[]): void {
    this.records.clear();
    for (const record of records) this.records.set(record.name, record);
  }

  /** Evaluate one snapshot (snapshots arrive in order); returns the alerts it raises. */
  evaluate(snapshot: Snapshot): Alert[] {
    const at: TrainingPosition = snapshot.batch === undefined
      ? { epoch: snapshot.epoch }
      : { epoch: snapshot.epoch, batch: snapshot.batch };
    const progressed = this.previous === null
      || this.previous.epoch !== at.epoch || this.previous.batch !== at.batch;
    const trainingStarted = at.epoch > 0 || (at.batch ?? 0) > 0;
    const alerts: Alert[] = [];
    for (const [name, stats] of Object.entries(snapshot.stats)) {
      if (!this.watches(name)) continue;
      alerts.push(...this.evaluateWeight(name, stats, at, progressed, trainingStarted));
    }
    this.previous = at;
    return alerts;
  }

  /**
   * Whether a condition of this kind holds now, on any weight (for `param-count`: the census
   * total still differs). Alerts are reported when a condition starts; this tells it still holds.
   */
  isActive(kind: AlertKind): boolean {
    if (kind === 'param-count') return this.reportedMismatch !== null;
    return this.conditions.activeKeys().some((key) => key.startsWith(`${kind}|`));
  }

  /** Whether a weight is watched (`include` / `exclude`). */
  watches(name: string): boolean {
    return isWatched(name, this.options.include, this.options.exclude);
  }

  private evaluateWeight(
    name: string, stats: WeightStats, at: TrainingPosition, progressed: boolean, trainingStarted: boolean,
  ): Alert[] {
    let state = this.states.get(name);
    if (state === undefined) {
      state = createWeightState(stats, this.options);
      this.states.set(name, state);
    }
    noteStillness(state, stats, progressed, this.options);
    const record = this.records.get(name);
    const context: WeightContext = {
      name, record, stats, state, options: this.options, progressed, trainingStarted,
    };
    const alerts: Alert[] = [];
    for (const rule of this.rules) {
      const alert = this.applyRule(rule, context, at);
      if (alert !== null) alerts.push(alert);
    }
    rememberSnapshot(state, stats, progressed, this.options);
    return alerts;
  }

  private applyRule(rule: WeightRule, context: WeightContext, at: TrainingPosition): Alert | null {
    const key = `${rule.kind}|${context.name}`;
    if (!rule.appliesTo(context.record)) {
      // The census changed under an active condition (e.g. a layer was unfrozen): end it.
      if (!this.conditions.isActive(key)) return null;
      const text = `${rule.kind} no longer applies: the weight is now ${describeRole(context.record)}`;
      const verdict: Verdict = { holds: false, value: null, threshold: null, text };
      return this.toAlert(rule, context, verdict, this.conditions.step(key, false), at);
    }
    const verdict = rule.check(context);
    if (verdict === null) return null;
    if (rule.once) {
      if (!verdict.holds || this.reportedOnce.has(key)) return null;
      this.reportedOnce.add(key);
      return this.toAlert(rule, context, verdict, { status: 'started', count: 1 }, at);
    }
    return this.toAlert(rule, context, verdict, this.conditions.step(key, verdict.holds), at);
  }

  private toAlert(
    rule: WeightRule, context: WeightContext, verdict: Verdict,
    step: ReturnType<ConditionTracker['step']>, at: TrainingPosition,
  ): Alert | null {
    if (step === null) return null;
    return buildAlert({
      kind: rule.kind,
      severity: this.options.severity[rule.kind],
      weight: context.name,
      layer: context.record?.layer ?? null,
      value: verdict.value,
      threshold: verdict.threshold,
      subject: context.name,
      text: verdict.text,
    }, step, at);
  }
}

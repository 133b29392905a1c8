import type { Alert, AlertKind, GradientStats, ModelRecord, Snapshot, WeightRecord, WeightStats } from '../history-types';
import { buildAlert, type TrainingPosition } from './alert-message';
import { ConditionTracker, type ConditionStep } from './condition-tracker';
import type { ResolvedAlertOptions } from './option-types';
import type { Finding, WeightContext, WeightRule } from './rule';
import { changedWhileFrozenRule } from './rules/changed-while-frozen';
import { deadRule } from './rules/dead';
import { driftRule } from './rules/drift';
import { explodingRule } from './rules/exploding';
import { frozenRule } from './rules/frozen';
import { frozenByDesignRule } from './rules/frozen-by-design';
import { nonFiniteRule } from './rules/non-finite';
import { gradientNonFiniteRule } from './rules/gradient-non-finite';
import { gradientVanishingRule } from './rules/gradient-vanishing';
import { gradientExplodingRule } from './rules/gradient-exploding';
import { deadUnitsRule } from './rules/dead-units';
import { noteGradient, rememberGradient } from './gradient-state';
import { gradientScales } from './gradient-scale';
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
  gradientNonFiniteRule,
  gradientVanishingRule,
  gradientExplodingRule,
  deadUnitsRule,
];

/** What the engine keeps about one watched weight from its first snapshot on. */
interface TrackedWeight {
  readonly state: WeightState;
  /** The condition key (`kind|name`) of each rule, in the order of the engine's rules. */
  readonly keys: readonly string[];
  /** The rules' view of the weight, updated in place at every snapshot. */
  readonly context: { -readonly [K in keyof WeightContext]: WeightContext[K] };
}

/**
 * The stateful alert tracker: feed it the census and every snapshot in order, and it returns the
 * alerts each one raises. An ongoing condition is reported when it starts, reminded every
 * `reminderEvery` snapshots, and reported when it clears. Plain numbers only; it never throws on
 * odd data (null statistics, unknown weights), it just stays silent about what it cannot tell.
 *
 * A snapshot at the same epoch, batch and step as the previous one (e.g. taken when a second `fit`
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
  private readonly weights = new Map<string, TrackedWeight>();
  /** `watches(name)` by name: the options never change. */
  private readonly watching = new Map<string, boolean>();
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
    const at: TrainingPosition = { epoch: snapshot.epoch };
    if (snapshot.batch !== undefined) at.batch = snapshot.batch;
    if (snapshot.step !== undefined) at.step = snapshot.step;
    const progressed = this.previous === null
      || this.previous.epoch !== at.epoch || this.previous.batch !== at.batch || this.previous.step !== at.step;
    const trainingStarted = at.epoch > 0 || (at.batch ?? 0) > 0 || (at.step ?? 0) > 0;
    const alerts: Alert[] = [];
    const { stats, gradients } = snapshot;
    const scales = gradients ? gradientScales(stats, gradients, (name) => this.watches(name)) : [];
    for (const name of Object.keys(stats)) {
      if (this.watches(name)) this.evaluateWeight(name, stats[name], gradients?.[name], scales, at, progressed, trainingStarted, alerts);
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
    let watched = this.watching.get(name);
    if (watched === undefined) {
      watched = isWatched(name, this.options.include, this.options.exclude);
      this.watching.set(name, watched);
    }
    return watched;
  }

  /** Runs the rules on one weight, adding the alerts they raise to `alerts`. */
  private evaluateWeight(
    name: string, stats: WeightStats, gradient: GradientStats | undefined, scales: readonly number[],
    at: TrainingPosition, progressed: boolean, trainingStarted: boolean, alerts: Alert[],
  ): void {
    const weight = this.weights.get(name) ?? this.track(name, stats);
    const { state, keys, context } = weight;
    noteStillness(state, stats, progressed, this.options);
    noteGradient(state, stats, gradient, scales, this.options);
    context.record = this.records.get(name);
    context.stats = stats;
    context.gradient = gradient;
    context.gradientScales = scales;
    context.progressed = progressed;
    context.trainingStarted = trainingStarted;
    for (let i = 0; i < this.rules.length; i += 1) {
      const alert = this.applyRule(this.rules[i], keys[i], context, at);
      if (alert !== null) alerts.push(alert);
    }
    rememberSnapshot(state, stats, progressed, this.options);
    rememberGradient(state, gradient);
  }

  /** A weight seen for the first time, in the snapshot with these stats. */
  private track(name: string, stats: WeightStats): TrackedWeight {
    const state = createWeightState(stats, this.options);
    const weight: TrackedWeight = {
      state,
      keys: this.rules.map((rule) => `${rule.kind}|${name}`),
      context: {
        name, record: undefined, stats, gradient: undefined, gradientScales: [], state, options: this.options,
        progressed: false, trainingStarted: false,
      },
    };
    this.weights.set(name, weight);
    return weight;
  }

  /** One rule on one weight; the verdict is explained only when it is reported. */
  private applyRule(rule: WeightRule, key: string, context: WeightContext, at: TrainingPosition): Alert | null {
    if (!rule.appliesTo(context.record)) {
      // The census changed under an active condition (e.g. a layer was unfrozen): end it.
      if (!this.conditions.isActive(key)) return null;
      const text = `${rule.kind} no longer applies: the weight is now ${describeRole(context.record)}`;
      return this.toAlert(rule, context, { value: null, threshold: null, text }, this.conditions.step(key, false), at);
    }
    const verdict = rule.check(context);
    if (verdict === null) return null;
    if (rule.once) {
      if (!verdict.holds || this.reportedOnce.has(key)) return null;
      this.reportedOnce.add(key);
      return this.toAlert(rule, context, rule.explain(verdict, context), { status: 'started', count: 1 }, at);
    }
    const step = this.conditions.step(key, verdict.holds);
    if (step === null) return null;
    return this.toAlert(rule, context, rule.explain(verdict, context), step, at);
  }

  private toAlert(
    rule: WeightRule, context: WeightContext, finding: Finding, step: ConditionStep | null, at: TrainingPosition,
  ): Alert | null {
    if (step === null) return null;
    return buildAlert({
      kind: rule.kind,
      severity: this.options.severity[rule.kind],
      weight: context.name,
      layer: context.record?.layer ?? null,
      value: finding.value,
      threshold: finding.threshold,
      subject: context.name,
      text: finding.text,
    }, step, at);
  }
}

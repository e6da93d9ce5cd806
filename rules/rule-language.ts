/**
 * The rule language: what an operator writes (JSON, stored in `rule_definition`), documented with examples in
 * docs/rules.md. A rule is a condition on one meter's stream; the engine raises an alarm of the rule's code when the
 * condition becomes true and clears it when it becomes false again.
 */
export const SEVERITIES = ['critical', 'major', 'minor', 'warning'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Value above `above` and/or below `below` for at least `forSeconds` (reading time), e.g. flow above 5 m3/h for 2 h. */
export interface ThresholdCondition {
  kind: 'threshold';
  channel: string;
  above?: number;
  below?: number;
  forSeconds?: number;
}

/** Pressure or temperature outside [low, high] for at least `forSeconds`. */
export interface BandCondition {
  kind: 'out_of_band';
  channel: 'pressure' | 'temperature';
  low: number;
  high: number;
  forSeconds?: number;
}

/** The change between two consecutive readings, per hour of reading time, exceeds `maxPerHour` (either way). */
export interface RateCondition {
  kind: 'rate_of_change';
  channel: string;
  maxPerHour: number;
}

/** A value more than `factor` times the mean of the previous `window` values (at least `minValue`). */
export interface SpikeCondition {
  kind: 'spike';
  channel: string;
  factor: number;
  window?: number; // default 24
  minValue?: number; // default 0: a spike from near-zero is still a spike, unless told otherwise
}

/** No reading at all from the meter for longer than `graceSeconds`. */
export interface NoDataCondition {
  kind: 'no_data';
  graceSeconds: number;
  /** The channels whose gaps in reading time count (default: all); a daily channel must not trip an hourly rule. */
  channels?: string[];
}

/** Interval consumption of exactly zero for `days` days without a break. */
export interface ZeroConsumptionCondition {
  kind: 'zero_consumption';
  days: number;
  channel?: 'consumption' | 'energy_interval';
}

/** A register going backwards (not a rollover past its last digit) or negative interval consumption. */
export interface ReverseFlowCondition {
  kind: 'reverse_flow';
  channel?: 'volume' | 'energy' | 'consumption' | 'energy_interval'; // default: volume and consumption both
  tolerance?: number; // backwards steps up to this many units are jitter, not reverse flow (default 0)
}

/** Consumption above `factor` × the meter's own mean over its last `window` values (after `minSamples` of them). */
export interface HistoryCondition {
  kind: 'above_own_history';
  channel: 'consumption' | 'energy_interval';
  factor: number;
  window?: number; // default 168 (a week of hourly values)
  minSamples?: number; // default 24
  minValue?: number; // ignore values below this (default 0)
}

/** A meter event (tamper, leak, valve, battery low ...). Clears `clearAfterSeconds` of reading time after the last
 *  such event, or at once on one of `clearOn` (e.g. valve_closed clears valve_open). */
export interface EventCondition {
  kind: 'event';
  codes: string[];
  clearAfterSeconds?: number; // default 3600
  clearOn?: string[];
}

/** Another rule's condition, by code (its latest version). */
export interface RuleRef {
  kind: 'rule';
  code: string;
}

export interface Combination {
  kind: 'all' | 'any';
  of: Condition[];
}

export type Condition =
  | ThresholdCondition
  | BandCondition
  | RateCondition
  | SpikeCondition
  | NoDataCondition
  | ZeroConsumptionCondition
  | ReverseFlowCondition
  | HistoryCondition
  | EventCondition
  | RuleRef
  | Combination;

export type ConditionKind = Condition['kind'];

export interface Attachment {
  models?: string[];
  regions?: string[];
  groups?: string[];
}

/** What an operator posts. */
export interface RuleInput {
  code: string;
  name: string;
  severity: Severity;
  condition: Condition;
  attach?: Attachment;
  enabled?: boolean;
}

/** A stored version. */
export interface RuleVersion extends Required<Omit<RuleInput, 'attach'>> {
  id: number;
  version: number;
  attach: Attachment;
  createdBy: string;
  createdAt: string;
}

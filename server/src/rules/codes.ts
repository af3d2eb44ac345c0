import { RULES, type Rule } from './index';

/** The codes of the rules, in declaration order (see rules/index.ts). */
export type RuleCode = Rule['code'];

export type Severity = 'error' | 'warning' | 'information' | 'hint';

export const RULE_CODES: readonly RuleCode[] = RULES.map((rule) => rule.code);

export const DEFAULT_SEVERITY = Object.fromEntries(RULES.map((rule) => [rule.code, rule.defaultSeverity])) as Record<RuleCode, Severity>;

export function isRuleCode(code: string): code is RuleCode {
  return (RULE_CODES as readonly string[]).includes(code);
}

import { allocatorReentrancy } from './allocatorReentrancy';
import { hotPathCounter } from './hotPathCounter';
import { hotPathGetenv } from './hotPathGetenv';
import { hotPathIo } from './hotPathIo';
import { hotPathLock } from './hotPathLock';
import { hotPathSyscall } from './hotPathSyscall';
import { doubleConversion, rawNextAccess, userBaseMismatch } from './pointerRules';
import type { FunctionRule, PointerRule } from './rule';

/**
 * Every rule, in the order of SARIF's rule list (results refer to rules by index there,
 * so a new rule goes at the end).
 */
export const RULES = [
  hotPathIo,
  hotPathGetenv,
  hotPathLock,
  hotPathSyscall,
  hotPathCounter,
  userBaseMismatch,
  doubleConversion,
  rawNextAccess,
  allocatorReentrancy,
] as const;

export type Rule = (typeof RULES)[number];

/** The per-function rules; the others are reported by the pointer analysis. */
export const FUNCTION_RULES: readonly FunctionRule[] = RULES.filter(
  (rule): rule is Extract<Rule, FunctionRule> => typeof rule.check === 'function',
);

/** The USER/BASE rules, whose findings come from the pointer analysis. */
export const POINTER_RULES: readonly PointerRule[] = RULES.filter(
  (rule): rule is Extract<Rule, PointerRule> => rule.check === 'pointer analysis',
);

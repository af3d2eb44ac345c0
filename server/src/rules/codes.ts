/** Rule codes are a public contract (CLI JSON, SARIF, ignore comments): add, never rename. */
export const RULE_CODES = [
  'hot-path-io',
  'hot-path-getenv',
  'hot-path-lock',
  'hot-path-syscall',
  'hot-path-counter',
  'user-base-mismatch',
  'double-conversion',
  'raw-next-access',
  'allocator-reentrancy',
] as const;

export type RuleCode = (typeof RULE_CODES)[number];

export type Severity = 'error' | 'warning' | 'information' | 'hint';

export const DEFAULT_SEVERITY: Record<RuleCode, Severity> = {
  'hot-path-io': 'warning',
  'hot-path-getenv': 'warning',
  'hot-path-lock': 'warning',
  'hot-path-syscall': 'warning',
  'hot-path-counter': 'information',
  'user-base-mismatch': 'error',
  'double-conversion': 'error',
  'raw-next-access': 'warning',
  'allocator-reentrancy': 'error',
};

export function isRuleCode(code: string): code is RuleCode {
  return (RULE_CODES as readonly string[]).includes(code);
}

import { defaultPredefines, evaluateCondition, MacroTable } from '../preproc';
import type { HakmemConfig, ReleaseGuard } from './config';

/** The #if expression a preprocessor guard tests (`#ifndef NDEBUG` → `!defined(NDEBUG)`). */
export function guardExpression(guard: ReleaseGuard): string | undefined {
  if (guard.kind !== 'preprocessor') return undefined;
  const m = /^#(ifdef|ifndef|if)\s+(.+)$/.exec(guard.text);
  if (!m) return undefined;
  const operand = m[2]!.trim();
  return m[1] === 'ifdef' ? `defined(${operand})` : m[1] === 'ifndef' ? `!defined(${operand})` : operand;
}

/**
 * Configured guards that the release build's own defines make true: they would
 * keep nothing out of release. (Values defined in headers, and `if (…)` guards
 * on config values, are only known to the analysis of the sources.)
 */
export function guardsTrueInRelease(config: HakmemConfig): Array<{ key: string; guard: ReleaseGuard }> {
  const release = config.builds.release;
  const table = MacroTable.from({ ...defaultPredefines(), ...release.defines });
  for (const name of release.undefines) table.undef(name);
  const entries: Array<[string, ReleaseGuard]> = [['default', config.guards.default], ...Object.entries(config.guards.byRule)];
  const out: Array<{ key: string; guard: ReleaseGuard }> = [];
  for (const [key, guard] of entries) {
    const expr = guardExpression(guard);
    if (!expr) continue;
    const r = evaluateCondition(expr, (n) => table.get(n));
    if ('value' in r && r.value !== 0n) out.push({ key, guard });
  }
  return out;
}

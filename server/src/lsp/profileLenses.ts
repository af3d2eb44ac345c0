import type { CodeLens } from 'vscode-languageserver';
import type { Workspace } from '../analysis/workspace';
import { rangeOf } from './diagnostics';

/** One lens per function the latest profile saw: its self and total share. */
export function profileLenses(
  ws: Workspace,
  path: string,
  measured: ReadonlyMap<string, { selfPct: number; totalPct: number }>,
): CodeLens[] {
  const facts = ws.facts(path);
  if (!facts) return [];
  const lenses: CodeLens[] = [];
  for (const fn of facts.functions) {
    const m = measured.get(fn.name);
    if (!m) continue;
    lenses.push({
      range: rangeOf(fn.nameSpan),
      command: {
        title: `$(flame) ${m.selfPct.toFixed(1)}% self · ${m.totalPct.toFixed(1)}% total (latest profile)`,
        command: 'hakmem.showFlamegraph',
        arguments: [fn.name],
      },
    });
  }
  return lenses;
}

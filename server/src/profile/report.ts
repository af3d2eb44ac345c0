import { format } from 'node:util';
import { hotFunctions } from './hotspots';
import type { ProfileModel } from './model';

/** The top functions by self share as an aligned text table, for terminals. */
export function hotspotReport(model: ProfileModel, limit = 10): string {
  const rows = hotFunctions(model).slice(0, limit);
  const total = model.nodeTotal[0] ?? 0;
  const lines = [format('%s %s  %s', 'self%'.padStart(7), 'total%'.padStart(7), `function (${Math.round(total)} ${model.unit})`)];
  for (const r of rows) {
    const where = r.file ? `  ${r.file}${r.line ? `:${r.line}` : ''}` : '';
    lines.push(`${r.selfPct.toFixed(2).padStart(7)} ${r.totalPct.toFixed(2).padStart(7)}  ${r.name}${where}`);
  }
  return lines.join('\n') + '\n';
}

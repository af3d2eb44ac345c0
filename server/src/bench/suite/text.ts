// The suite as text (the CLI's output): one table of time and peak RSS
// relative to each row's best, system time and faults, then the means.
import type { SuiteReport } from './types';

function fixed(v: number | null, digits = 2): string {
  return v === null || !Number.isFinite(v) ? '—' : v.toFixed(digits);
}

export function suiteReportText(report: SuiteReport): string {
  const out: string[] = [];
  const names = report.allocators;
  const width = Math.max(8, ...names.map((n) => n.length)) + 2;
  out.push(`suite: ${report.rows.length} rows, ${report.runs} interleaved runs each${report.quick ? ' (quick)' : ''}`);
  out.push('time relative to the best allocator of the row (1.00 = best); median seconds of the best in brackets');
  out.push(`${'row'.padEnd(16)}${names.map((n) => n.padStart(width)).join('')}`);
  for (const row of report.rows) {
    if (row.skipped) {
      out.push(`${row.workload.padEnd(16)}skipped: ${row.skipped}`);
      continue;
    }
    const best = row.cells.find((c) => c.relTime === 1)?.seconds ?? NaN;
    const cells = names.map((n) => {
      const c = row.cells.find((x) => x.allocator === n);
      const failed = row.failures.find((f) => f.allocator === n);
      return (c ? fixed(c.relTime) : failed ? failed.kind : '—').padStart(width);
    });
    out.push(`${row.workload.padEnd(16)}${cells.join('')}  [${fixed(best, 3)} s]`);
  }
  out.push('');
  out.push('peak RSS relative to the best (system seconds, minor faults)');
  for (const row of report.rows) {
    if (row.skipped) continue;
    const cells = names.map((n) => {
      const c = row.cells.find((x) => x.allocator === n);
      return c ? `${fixed(c.relRss)} (${fixed(c.sysSeconds, 2)}s, ${c.minorFaults ?? '—'})` : '—';
    });
    out.push(`${row.workload.padEnd(16)}${cells.map((c) => `  ${n2(c)}`).join('')}`);
  }
  out.push('');
  out.push('geometric mean of time relative to the best (95% bootstrap CI over rows), and of peak RSS');
  for (const m of report.means) {
    out.push(
      `  ${m.allocator.padEnd(width)} time ${fixed(m.relTime, 3)} [${fixed(m.relTimeCi[0], 3)}, ${fixed(m.relTimeCi[1], 3)}]  rss ${fixed(m.relRss, 3)}  (${m.rows} rows)`,
    );
  }
  const failures = report.rows.flatMap((r) => r.failures.map((f) => `  ${r.workload} · ${f.label}: ${f.message}`));
  if (failures.length > 0) out.push('', 'failed runs:', ...failures);
  for (const m of report.missing) out.push(`missing allocator ${m.allocator}: ${m.hint}`);
  const verdicts = report.rows.flatMap((r) =>
    [...r.verdicts, ...(r.historyVerdict ? [r.historyVerdict] : [])].map((v) => `  ${r.workload}: ${v}`),
  );
  if (verdicts.length > 0) out.push('', 'verdicts:', ...verdicts);
  if (report.previous) out.push('', report.previous.sentence);
  return out.join('\n') + '\n';
}

function n2(s: string): string {
  return s.padEnd(24);
}

/** One line for a status bar: the subject's geometric mean against the best peer, and the previous run. */
export function suiteHeadline(report: SuiteReport): string {
  const subject = report.means.find((m) => m.allocator === report.subject);
  const failed = report.rows.reduce((n, r) => n + r.failures.length, 0);
  const parts = [`suite: ${report.rows.length} rows`];
  if (subject) parts.push(`${subject.allocator} geometric mean ${subject.relTime.toFixed(2)}× the best per row`);
  if (failed > 0) parts.push(`${failed} failed run${failed === 1 ? '' : 's'}`);
  if (report.previous) parts.push(`${report.previous.verdict} vs the previous suite run`);
  return parts.join(' · ');
}

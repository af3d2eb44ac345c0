// Plain-text rendering of suite results and comparisons (CLI, output channels).
import { verdictSentence } from './verdict';
import type { BenchRecord, Comparison } from './record';
import { seriesLabel } from './record';
import type { SuiteResult } from './runner';
import type { SuiteDesign } from './design';

/** 1234567 -> "1.23M"; keeps three significant digits. */
export function formatRate(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  const units: [number, string][] = [
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'k'],
  ];
  for (const [scale, suffix] of units) if (Math.abs(value) >= scale) return `${(value / scale).toPrecision(3)}${suffix}`;
  return value.toPrecision(3);
}

export function formatKb(kb: number | null): string {
  if (kb === null || !Number.isFinite(kb)) return 'n/a';
  if (kb >= 1024 * 1024) return `${(kb / 1024 / 1024).toFixed(1)} GiB`;
  if (kb >= 1024) return `${(kb / 1024).toFixed(1)} MiB`;
  return `${kb} KiB`;
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows
    .map((r) =>
      r
        .map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export function recordsTable(records: readonly BenchRecord[]): string {
  const rows = [['series', 'median ops/s', '95% CI of median', 'MAD', 'CV', 'runs', 'max RSS']];
  for (const r of records) {
    const s = r.summary;
    rows.push([
      seriesLabel(r),
      formatRate(s.median),
      `[${formatRate(s.ci95[0])}, ${formatRate(s.ci95[1])}]`,
      formatRate(s.mad),
      `${(s.cv * 100).toFixed(1)}%`,
      String(s.runs),
      formatKb(s.medianMaxRssKb),
    ]);
  }
  return table(rows);
}

export function comparisonsText(comparisons: readonly Comparison[]): string {
  const lines: string[] = [];
  const groups: [Comparison['against'], string][] = [
    ['suite', 'verdicts (this run)'],
    ['history', 'against the last run on another commit'],
    ['pinned', 'against the pinned baseline'],
  ];
  for (const [against, title] of groups) {
    const list = comparisons.filter((c) => c.against === against);
    if (list.length === 0) continue;
    lines.push(`${title}:`);
    for (const c of list) {
      lines.push(`  ${verdictSentence(c)}`);
    }
  }
  return lines.join('\n');
}

/** 0.0002 reads as 2.1e-4: the early looks of the design spend very little. */
export function formatAlpha(a: number): string {
  return a > 0 && a < 0.001 ? a.toExponential(1) : a.toFixed(3);
}

/** How the run was measured: noise reduction, the design and its looks, runs used and why it stopped. */
export function designLines(d: SuiteDesign): string[] {
  const budget = `budget ${d.budgetRuns} runs${d.budgetSeconds !== null ? ` or ${d.budgetSeconds} s` : ''}`;
  const noise = [
    `${d.noise.warmup} warm-up`,
    d.noise.pinnedCpus ? `pinned to CPUs ${d.noise.pinnedCpus} (taskset)` : 'not pinned',
    d.noise.discardFirstOutlier
      ? d.noise.discardedFirstRound
        ? 'first run dropped as an outlier (beyond 3.5 scaled MADs of the others)'
        : 'first-run outlier rule on (did not fire)'
      : '',
  ].filter(Boolean);
  const lines = [
    `runs used: ${d.runsUsed} per series (${budget}); ${d.reason}`,
    `measured: ${noise.join(', ')}; A/B back to back, alternating order`,
  ];
  if (d.kind === 'group-sequential') {
    const looks = d.looks.map((l) => `${l.runs}${l.taken ? '' : '?'}`).join(', ');
    lines.push(`design: ${d.method}; looks at ${looks} runs (? = not reached), alpha spent ${formatAlpha(d.spentAlpha)} of ${d.alpha}`);
  } else lines.push(`design: ${d.method}`);
  return lines;
}

export function suiteText(result: SuiteResult): string {
  const out: string[] = [];
  const first = result.records[0];
  const commit = first?.git ? ` at ${first.git.commit.slice(0, 10)}${first.git.dirty ? ' (dirty)' : ''}` : '';
  out.push(`${result.benchmark} ${result.args.join(' ')}${commit}`);
  if (result.design) out.push(...designLines(result.design));
  else if (first) out.push(`${first.summary.runs} runs per series after ${first.warmup} warm-up, interleaved`);
  if (result.error) out.push(`error: ${result.error}`);
  if (result.build && !result.build.ok) {
    for (const d of result.build.diagnostics.filter((x) => x.severity !== 'note'))
      out.push(`  ${d.file}:${d.line}:${d.column}: ${d.severity}: ${d.message}`);
    if (result.build.diagnostics.length === 0 && result.build.output) out.push(result.build.output.split('\n').slice(-20).join('\n'));
  }
  if (result.records.length > 0) out.push('', recordsTable(result.records));
  const verdicts = comparisonsText(result.comparisons);
  if (verdicts) out.push('', verdicts);
  if (result.warning) out.push('', `warning: ${result.warning}`);
  for (const m of result.missing) out.push(`missing: ${m.allocator} — ${m.hint}`);
  for (const f of result.failures) {
    out.push('', `${f.label}: ${f.message}`);
    if (f.stderrTail) out.push('  stderr (last lines):', ...f.stderrTail.split('\n').map((l) => `    ${l}`));
    else if (f.stdoutTail && f.kind === 'output') out.push('  output (last lines):', ...f.stdoutTail.split('\n').map((l) => `    ${l}`));
    out.push(`  next: ${f.suggestion}`);
  }
  return out.join('\n') + '\n';
}

// What the results page is sent: a suite result plus the benchmark's history trend.
import type { ResultsMessage, TrendPoint } from '../protocol/resultsPage';
import { seriesLabel, type BenchRecord } from './record';
import type { SuiteResult } from './runner';
import { designLines } from './report';
import { verdictWords } from './verdict';

/**
 * Trend points of one benchmark (every series), oldest first, at most `limit` per
 * series; with `args`, only runs with those arguments (quick runs are not comparable).
 */
export function trendFromHistory(history: readonly BenchRecord[], benchmark: string, args?: readonly string[], limit = 50): TrendPoint[] {
  const sameArgs = (r: BenchRecord): boolean => !args || (r.args.length === args.length && r.args.every((a, i) => a === args[i]));
  const points = history
    .filter((r) => r.benchmark === benchmark && sameArgs(r))
    .map<TrendPoint>((r) => ({
      label: seriesLabel(r),
      commit: r.git?.commit ?? null,
      dirty: r.git?.dirty ?? false,
      time: r.time,
      median: r.summary.median,
      ci95: r.summary.ci95,
      recordId: r.id,
    }))
    .sort((a, b) => a.time.localeCompare(b.time));
  const perSeries = new Map<string, number>();
  const kept: TrendPoint[] = [];
  for (let i = points.length - 1; i >= 0; i--) {
    const p = points[i]!;
    const n = perSeries.get(p.label) ?? 0;
    if (n >= limit) continue;
    perSeries.set(p.label, n + 1);
    kept.push(p);
  }
  return kept.reverse();
}

export function resultsMessage(result: SuiteResult, history: readonly BenchRecord[], hasSource: boolean): ResultsMessage {
  return {
    type: 'results',
    benchmark: result.benchmark,
    args: result.args,
    hasSource,
    ...(result.error ? { error: result.error } : {}),
    records: result.records,
    git: result.records[0]?.git ?? null,
    ...(result.warning ? { warning: result.warning } : {}),
    ...(result.design ? { design: result.design, designLines: designLines(result.design) } : {}),
    comparisons: result.comparisons.map((c) => ({ ...c, words: verdictWords(c) })),
    failures: result.failures,
    missing: result.missing,
    trend: trendFromHistory(
      [...history, ...result.records.filter((r) => !history.some((h) => h.id === r.id))],
      result.benchmark,
      result.args,
    ),
  };
}

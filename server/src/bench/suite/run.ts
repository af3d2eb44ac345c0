// `hakmem bench suite` / HAKMEM: Run Suite: every workload of the suite, each
// through the benchmark runner (interleaved rounds, honest verdicts, history),
// then the suite's figures and its verdict against the previous suite run,
// recorded in .hakmem/suites.jsonl.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CancelledError } from '../cancelled';
import { gitState } from '../environment';
import type { MissingAllocator } from '../failures';
import { historyDir, writeFileAtomic } from '../history';
import { runSuite } from '../runner';
import { bootstrapInterval, mean } from '../stats';
import { isUnderDevelopment, verdictSentence } from '../verdict';
import { rowCells, suiteMeans } from './summary';
import type { SuitePrevious, SuiteReport, SuiteRow } from './types';
import { hasProgram, suiteWorkloads } from './workloads';

export interface WorkloadSuiteOptions {
  readonly allocators: readonly string[];
  readonly runs: number;
  readonly warmup: number;
  readonly timeoutMs: number;
  readonly quick: boolean;
  /** Only these rows (names as in suiteWorkloads); all when absent. */
  readonly rows?: readonly string[];
  readonly nativeDir: string;
  /** Workspace root: history of rows and suites. */
  readonly root?: string;
  readonly appendHistory?: boolean;
  readonly build?: boolean;
  readonly noiseThreshold?: number;
  readonly signal: AbortSignal;
  onProgress?(message: string, fraction: number): void;
  onSpawn?(pgid: number): void;
}

export const SUITES_FILE = 'suites.jsonl';

/** The suite runs of a workspace, oldest first (unreadable lines are skipped). */
export function readSuiteHistory(root: string): SuiteReport[] {
  const path = join(historyDir(root), SUITES_FILE);
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .flatMap((line) => {
      try {
        const v = JSON.parse(line) as SuiteReport;
        return v && v.version === 1 && Array.isArray(v.rows) ? [v] : [];
      } catch {
        return [];
      }
    });
}

function appendSuiteHistory(root: string, report: SuiteReport): string {
  const dir = historyDir(root);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, SUITES_FILE);
  let existing = existsSync(path) ? readFileSync(path, 'utf8') : '';
  if (existing.length > 0 && !existing.endsWith('\n')) existing += '\n';
  writeFileAtomic(path, existing + JSON.stringify(report) + '\n');
  return path;
}

/**
 * The subject's time now over its time in the previous suite run of the same
 * kind (quick or not): a geometric mean over the rows both measured, with a
 * bootstrap interval over those rows; a change is called only when the whole
 * interval lies beyond the noise threshold.
 */
export function againstPrevious(
  current: Pick<SuiteReport, 'rows' | 'subject'>,
  previous: SuiteReport | undefined,
  threshold: number,
): SuitePrevious | undefined {
  const subject = current.subject;
  if (!previous || !subject) return undefined;
  const before = new Map(previous.rows.map((r) => [r.workload, r.cells.find((c) => c.allocator === subject)]));
  const logs: number[] = [];
  for (const row of current.rows) {
    const now = row.cells.find((c) => c.allocator === subject);
    const then = before.get(row.workload);
    if (now && then && now.seconds > 0 && then.seconds > 0) logs.push(Math.log(now.seconds / then.seconds));
  }
  if (logs.length === 0) return undefined;
  const ratio = Math.exp(mean(logs));
  const ci = bootstrapInterval(logs, (v) => Math.exp(mean(v)));
  const verdict = ci.high < 1 - threshold ? 'faster' : ci.low > 1 + threshold ? 'slower' : 'no significant change';
  const at = previous.commit ? `at ${previous.commit.slice(0, 8)}` : `of ${previous.time}`;
  const interval = `time ×${ratio.toFixed(3)}, 95% CI ×${ci.low.toFixed(3)} to ×${ci.high.toFixed(3)} over ${logs.length} rows`;
  const sentence =
    verdict === 'no significant change'
      ? `${subject} vs the previous suite run ${at}: no significant change (${interval})`
      : `${subject} is ${(verdict === 'faster' ? 1 / ratio : ratio).toFixed(2)}× ${verdict} than in the previous suite run ${at} (${interval})`;
  return { time: previous.time, commit: previous.commit, ratio, ci: [ci.low, ci.high], verdict, sentence };
}

export async function runWorkloadSuite(opts: WorkloadSuiteOptions): Promise<SuiteReport> {
  const all = suiteWorkloads(opts.nativeDir);
  const unknown = (opts.rows ?? []).filter((r) => !all.some((w) => w.spec.name === r));
  if (unknown.length > 0) throw new Error(`unknown suite row '${unknown[0]}' (known: ${all.map((w) => w.spec.name).join(', ')})`);
  const workloads = opts.rows ? all.filter((w) => opts.rows!.includes(w.spec.name)) : all;
  const progress = opts.onProgress ?? ((): void => undefined);
  const subject = opts.allocators.find(isUnderDevelopment) ?? null;
  const rows: SuiteRow[] = [];
  const missing = new Map<string, MissingAllocator>();
  for (const [i, w] of workloads.entries()) {
    if (opts.signal.aborted) throw new CancelledError();
    const base = { workload: w.spec.name, description: w.description, args: opts.quick ? w.spec.quickArgs : w.spec.args };
    if (w.needs && !hasProgram(w.needs)) {
      rows.push({ ...base, cells: [], failures: [], verdicts: [], skipped: `${w.needs} is not installed` });
      continue;
    }
    const result = await runSuite({
      benchmark: w.spec,
      allocators: opts.allocators,
      runs: opts.runs,
      warmup: opts.warmup,
      timeoutMs: opts.timeoutMs,
      quick: opts.quick,
      build: opts.build !== false,
      nativeDir: opts.nativeDir,
      ...(opts.root ? { root: opts.root } : {}),
      appendHistory: opts.appendHistory === true,
      ...(opts.noiseThreshold !== undefined ? { noiseThreshold: opts.noiseThreshold } : {}),
      signal: opts.signal,
      onProgress: (message, fraction) => progress(message, (i + fraction) / workloads.length),
      ...(opts.onSpawn ? { onSpawn: opts.onSpawn } : {}),
    });
    for (const m of result.missing) missing.set(m.allocator, m);
    const history = result.comparisons.find((c) => c.against !== 'suite' && c.candidate.label === subject);
    rows.push({
      ...base,
      cells: rowCells(result.records),
      failures: result.failures,
      verdicts: result.comparisons.filter((c) => c.against === 'suite').map(verdictSentence),
      ...(history ? { historyVerdict: verdictSentence(history) } : {}),
      ...(result.error && result.records.length === 0 ? { skipped: result.error } : {}),
    });
  }
  const allocators = opts.allocators.filter((a) => !missing.has(a));
  const git = gitState(opts.root ?? opts.nativeDir);
  const report: SuiteReport = {
    version: 1,
    time: new Date().toISOString(),
    quick: opts.quick,
    runs: opts.runs,
    allocators,
    subject,
    rows,
    means: suiteMeans(rows, allocators),
    missing: [...missing.values()],
    commit: git?.commit ?? null,
  };
  const threshold = opts.noiseThreshold ?? 0.01;
  const before = opts.root ? readSuiteHistory(opts.root).filter((s) => s.quick === opts.quick) : [];
  const previous = againstPrevious(report, before.at(-1), threshold);
  const withPrevious = previous ? { ...report, previous } : report;
  if (opts.root && opts.appendHistory) return { ...withPrevious, historyPath: appendSuiteHistory(opts.root, withPrevious) };
  return withPrevious;
}

// `hakmem bench list|run|compare`: the benchmark engine on the command line.
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { resolveAllocator, ALLOCATOR_NAMES } from '../bench/allocators';
import { compareRecords, DEFAULT_NOISE_THRESHOLD } from '../bench/compare';
import { parseHistory } from '../bench/history';
import { isBenchRecord, seriesLabel, type BenchRecord, type Comparison } from '../bench/record';
import { comparisonsText, suiteText } from '../bench/report';
import { isCpuList } from '../bench/rounds';
import { CancelledError, runSuite, type SuiteResult } from '../bench/runner';
import { findBenchWorkspace, type BenchWorkspace } from '../bench/workspace';
import { loadWorkspaceConfigText } from '../configSections';
import { UsageError, type CliCommand, type CliIO } from './types';
import { verdictSentence } from '../bench/verdict';
import { runWorkloadSuite } from '../bench/suite/run';
import { suiteReportText } from '../bench/suite/text';
import type { SuiteReport } from '../bench/suite/types';
import { suiteWorkloads } from '../bench/suite/workloads';
import { standaloneSuitePage } from '../pages/suiteStandalone';

const USAGE = [
  'hakmem bench list [--json]',
  '       hakmem bench run <benchmark> [--allocators a,b,…] [--budget N|SECONDSs] [--fixed] [--warmup N] [--pin CPUS]',
  '                        [--discard-first-outlier] [--env K=V …] [--matrix K=v1,v2 …] [--timeout SECONDS] [--threshold PCT]',
  '                        [--quick] [--no-build] [--no-history] [--json] [--fail-on-regression PCT]',
  '       hakmem bench compare <a.json> <b.json> [--threshold PCT] [--fail-on-regression PCT] [--json]',
  '       hakmem bench suite [--allocators a,b,…] [--rows r1,r2,…] [--runs N] [--warmup N] [--timeout SECONDS] [--quick]',
  '                          [--threshold PCT] [--no-build] [--no-history] [--json] [--html FILE]',
].join('\n');

const SUMMARY = [
  'Builds and runs a benchmark under several allocators (hakmem, hakmem-debug, system, mimalloc, jemalloc, tcmalloc, or a',
  'path to a shared library loaded with LD_PRELOAD), round by round after a warm-up, back to back in alternating order, and',
  'stops as soon as every comparison is decided or the budget (default 30 runs; --budget 60s for seconds) is spent. The',
  "verdict uses per-pair ratios and a group-sequential design (Lan-DeMets O'Brien-Fleming alpha spending, 5% overall):",
  '"faster"/"slower" when the whole repeated 95% interval lies beyond the noise threshold (default 1%), "equivalent" when',
  'it lies inside, otherwise "undecided" with about how many runs would decide. --fixed runs the whole budget and judges',
  'once; --runs N is --budget N. --pin CPUS runs under taskset -c; --discard-first-outlier drops a first run that lies more',
  'than 3.5 scaled MADs from the others. Every run is appended to .hakmem/history.jsonl with how it was measured.',
  'compare reads two `bench run --json` outputs (or records, or history files) and compares matching series; with',
  '--fail-on-regression PCT it exits 1 when a series is significantly slower by more than PCT percent.',
  'suite runs the standard workload suite (larson, xmalloc, cache-scratch/thrash, mstress, malloc-large, glibc-simple/thread,',
  'and real programs under LD_PRELOAD) under every allocator (default hakmem,system,mimalloc,jemalloc,tcmalloc; 5 runs),',
  'and prints time and peak RSS relative to the best allocator of each row, system time and page faults, the geometric',
  "mean per allocator with its 95% bootstrap interval, each row's verdicts and the verdict against the previous suite run.",
  'It exits 1 when a run failed (a crash, a wrong result), 0 otherwise; a missing allocator is reported, not fatal.',
].join('\n');

interface Flags {
  readonly positional: string[];
  readonly values: Map<string, string[]>;
  readonly switches: Set<string>;
}

const VALUE_FLAGS = new Set([
  '--allocators',
  '--runs',
  '--budget',
  '--pin',
  '--warmup',
  '--env',
  '--matrix',
  '--timeout',
  '--threshold',
  '--fail-on-regression',
  '--rows',
  '--html',
]);
const SWITCHES = new Set(['--json', '--quick', '--no-build', '--no-history', '--fixed', '--discard-first-outlier']);

function parseFlags(args: readonly string[], allowed: readonly string[]): Flags {
  const positional: string[] = [];
  const values = new Map<string, string[]>();
  const switches = new Set<string>();
  for (let i = 0; i < args.length; i++) {
    const raw = args[i]!;
    if (!raw.startsWith('--')) {
      positional.push(raw);
      continue;
    }
    const eq = raw.indexOf('=');
    const name = eq > 0 ? raw.slice(0, eq) : raw;
    if (!allowed.includes(name)) throw new UsageError(`unknown option ${name}`);
    if (SWITCHES.has(name)) {
      if (eq > 0) throw new UsageError(`${name} takes no value`);
      switches.add(name);
    } else if (VALUE_FLAGS.has(name)) {
      const value = eq > 0 ? raw.slice(eq + 1) : args[++i];
      if (value === undefined) throw new UsageError(`${name} needs a value`);
      values.set(name, [...(values.get(name) ?? []), value]);
    }
  }
  return { positional, values, switches };
}

function last(flags: Flags, name: string): string | undefined {
  return flags.values.get(name)?.at(-1);
}

function integer(flags: Flags, name: string, fallback: number, min: number, max: number): number {
  const raw = last(flags, name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`${name} must be a whole number from ${min} to ${max}, not '${raw}'`);
  return n;
}

const DEFAULT_BUDGET_RUNS = 30;
const MAX_BUDGET_RUNS = 1000;

/**
 * Runs a seconds budget allows at most unless --runs says otherwise: the design
 * plans its looks over them, and a plan far longer than needed makes the early
 * looks (which spend almost no alpha) too strict to stop on.
 */
const SECONDS_BUDGET_RUNS = 100;

/** --budget N (runs) or --budget 90s (seconds, with at most SECONDS_BUDGET_RUNS runs or --runs); --runs N is --budget N. */
function budget(flags: Flags): { runs: number; seconds?: number } {
  const raw = last(flags, '--budget');
  if (raw === undefined) return { runs: integer(flags, '--runs', DEFAULT_BUDGET_RUNS, 1, MAX_BUDGET_RUNS) };
  const seconds = /^(\d+(?:\.\d+)?)s$/.exec(raw);
  if (seconds) {
    const s = Number(seconds[1]);
    if (!(s > 0)) throw new UsageError(`--budget in seconds must be above 0, not '${raw}'`);
    return { runs: integer(flags, '--runs', SECONDS_BUDGET_RUNS, 1, MAX_BUDGET_RUNS), seconds: s };
  }
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > MAX_BUDGET_RUNS)
    throw new UsageError(`--budget must be a number of runs from 1 to ${MAX_BUDGET_RUNS} or seconds such as 90s, not '${raw}'`);
  return { runs: n };
}

/** --pin CPUS: a taskset CPU list such as 1, 0-3 or 1,3. */
function cpuList(flags: Flags): string | undefined {
  const raw = last(flags, '--pin');
  if (raw === undefined) return undefined;
  if (!isCpuList(raw)) throw new UsageError(`--pin expects a CPU list such as 1, 0-3 or 1,3, not '${raw}'`);
  return raw;
}

function percent(flags: Flags, name: string): number | undefined {
  const raw = last(flags, name);
  if (raw === undefined) return undefined;
  const n = Number(raw.replace(/%$/, ''));
  if (!Number.isFinite(n) || n < 0 || n >= 100) throw new UsageError(`${name} must be a percentage from 0 to 100, not '${raw}'`);
  return n;
}

function keyValues(flags: Flags, name: string): [string, string][] {
  return (flags.values.get(name) ?? []).map((raw) => {
    const eq = raw.indexOf('=');
    const key = eq > 0 ? raw.slice(0, eq) : '';
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) throw new UsageError(`${name} expects NAME=value, not '${raw}'`);
    return [key, raw.slice(eq + 1)];
  });
}

/** Progress lines on stderr ("[ 40%] …"), so that --json output on stdout stays clean. */
function progressOnStderr(io: CliIO): (message: string, fraction: number) => void {
  return (message, fraction) => io.err(`[${String(Math.round(fraction * 100)).padStart(3)}%] ${message}\n`);
}

function jsonOut(io: CliIO, value: unknown): void {
  io.out(JSON.stringify(value, null, 2) + '\n');
}

/** Comparisons that fail a --fail-on-regression gate: significantly slower by more than pct. */
/** A comparison with its verdict in words, for JSON readers that show it. */
function withSentence<C extends Comparison>(c: C): C & { sentence: string } {
  return { ...c, sentence: verdictSentence(c) };
}

function regressions<C extends Comparison>(comparisons: readonly C[], pct: number | undefined): C[] {
  if (pct === undefined) return [];
  return comparisons.filter((c) => c.verdict === 'slower' && (1 - c.ratio) * 100 > pct);
}

/**
 * The folder's benchmarks, with the problems of its whole .hakmem.json (wrong types, unknown keys: the
 * checks lint makes), so that a broken file is exit 2 for every command, not only for lint.
 */
function benchWorkspace(cwd: string): BenchWorkspace {
  const ws = findBenchWorkspace(cwd);
  if (!ws.configPath || ws.errors.length > 0) return ws;
  let text: string;
  try {
    text = readFileSync(ws.configPath, 'utf8');
  } catch (e) {
    return { ...ws, errors: [{ key: '', message: `cannot read ${ws.configPath}: ${(e as NodeJS.ErrnoException).code ?? String(e)}` }] };
  }
  const { problems } = loadWorkspaceConfigText(ws.root, text);
  return problems.length > 0 ? { ...ws, errors: problems.map((p) => ({ key: p.key, message: p.message })) } : ws;
}

/** One problem of the workspace's .hakmem.json as a line: the file, the key (unless the message starts with it), the message. */
function configErrorLine(ws: BenchWorkspace, e: { key: string; message: string }): string {
  const key = e.key && !e.message.startsWith(e.key) ? `${e.key}: ` : '';
  return `${ws.configPath ?? '.hakmem.json'}: ${key}${e.message}\n`;
}

async function list(args: readonly string[], io: CliIO): Promise<number> {
  const flags = parseFlags(args, ['--json']);
  if (flags.positional.length > 0) throw new UsageError(`unexpected argument '${flags.positional[0]}'`);
  const ws = benchWorkspace(io.cwd);
  const allocators = ALLOCATOR_NAMES.map((name) => {
    const a = resolveAllocator(name, ws.nativeDir, ws.root);
    return { name, library: a.preload ?? null, missing: a.missing ?? null };
  });
  if (flags.switches.has('--json')) {
    jsonOut(io, { version: 1, root: ws.root, config: ws.configPath ?? null, errors: ws.errors, benchmarks: ws.benchmarks, allocators });
    return ws.errors.length > 0 ? 2 : 0;
  }
  for (const e of ws.errors) io.err(configErrorLine(ws, e));
  io.out(`benchmarks (${ws.configPath ?? 'bundled, native/'}):\n`);
  for (const b of ws.benchmarks) io.out(`  ${b.name.padEnd(14)} ${b.binary} ${b.args.join(' ')}\n`);
  io.out('allocators:\n');
  for (const a of allocators) {
    const where = a.missing ? `missing — apt-get install ${a.missing.debianPackage}` : (a.library ?? 'the C library default');
    io.out(`  ${a.name.padEnd(14)} ${where}\n`);
  }
  return ws.errors.length > 0 ? 2 : 0;
}

async function run(args: readonly string[], io: CliIO): Promise<number> {
  const flags = parseFlags(args, [...VALUE_FLAGS, ...SWITCHES]);
  const [name, extra] = flags.positional;
  if (!name) throw new UsageError('which benchmark? (hakmem bench list shows them)');
  if (extra) throw new UsageError(`unexpected argument '${extra}'`);
  const ws = benchWorkspace(io.cwd);
  if (ws.errors.length > 0) {
    for (const e of ws.errors) io.err(configErrorLine(ws, e));
    return 2;
  }
  const benchmark = ws.benchmarks.find((b) => b.name === name);
  if (!benchmark) throw new UsageError(`unknown benchmark '${name}' (known: ${ws.benchmarks.map((b) => b.name).join(', ')})`);
  const allocators = (last(flags, '--allocators') ?? 'hakmem,system')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const a of allocators) {
    let choice;
    try {
      choice = resolveAllocator(a, ws.nativeDir, io.cwd);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    // A library path given by hand that is not there is a mistake in the command, not a missing package.
    if (choice.missing && !choice.missing.debianPackage) throw new UsageError(`no such library: ${choice.missing.library}`);
  }
  const quick = flags.switches.has('--quick');
  const matrix: Record<string, string[]> = {};
  for (const [k, v] of keyValues(flags, '--matrix')) matrix[k] = v.split(',');
  const threshold = (percent(flags, '--threshold') ?? DEFAULT_NOISE_THRESHOLD * 100) / 100;
  const gate = percent(flags, '--fail-on-regression');
  const json = flags.switches.has('--json');

  const spend = budget(flags);
  const pin = cpuList(flags);
  let result: SuiteResult;
  try {
    result = await runSuite({
      benchmark,
      allocators,
      runs: spend.runs,
      ...(spend.seconds !== undefined ? { budgetSeconds: spend.seconds } : {}),
      ...(flags.switches.has('--fixed') ? { fixedRuns: true } : {}),
      ...(pin ? { pinCpus: pin } : {}),
      ...(flags.switches.has('--discard-first-outlier') ? { discardFirstOutlier: true } : {}),
      warmup: integer(flags, '--warmup', 1, 0, 100),
      timeoutMs: integer(flags, '--timeout', quick ? 30 : 120, 1, 86_400) * 1000,
      env: Object.fromEntries(keyValues(flags, '--env')),
      envMatrix: matrix,
      quick,
      build: !flags.switches.has('--no-build'),
      nativeDir: ws.nativeDir,
      root: ws.root,
      appendHistory: !flags.switches.has('--no-history'),
      noiseThreshold: threshold,
      signal: io.signal,
      onProgress: progressOnStderr(io),
    });
  } catch (e) {
    if (e instanceof CancelledError) {
      io.err('hakmem bench: cancelled; nothing was recorded\n');
      return 130;
    }
    throw e;
  }
  const failed = regressions(result.comparisons, gate);
  if (json) jsonOut(io, { version: 1, ...result, comparisons: result.comparisons.map(withSentence), regressions: failed });
  else {
    io.out(suiteText(result));
    if (result.historyPath) io.out(`recorded in ${result.historyPath}\n`);
    for (const c of failed) io.out(`regression beyond ${gate}%: ${c.candidate.label}\n`);
  }
  return result.ok && failed.length === 0 ? 0 : 1;
}

/** Records from a `bench run --json` output, one record, an array of records, or a history JSONL file. */
export function readRecordsFile(path: string): BenchRecord[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    const history = parseHistory(text);
    if (history.records.length === 0) throw new UsageError(`${path} is neither JSON nor a history file with records`);
    // The latest record of each series.
    const latest = new Map<string, BenchRecord>();
    for (const r of history.records) latest.set(`${r.benchmark}\u0000${seriesLabel(r)}`, r);
    return [...latest.values()];
  }
  const candidates: unknown[] = Array.isArray(value)
    ? value
    : typeof value === 'object' && value !== null && Array.isArray((value as { records?: unknown }).records)
      ? (value as { records: unknown[] }).records
      : [value];
  const records = candidates.filter(isBenchRecord);
  if (records.length === 0) throw new UsageError(`${path} holds no benchmark records (expected the output of hakmem bench run --json)`);
  return records;
}

async function compare(args: readonly string[], io: CliIO): Promise<number> {
  const flags = parseFlags(args, ['--threshold', '--fail-on-regression', '--json']);
  if (flags.positional.length !== 2) throw new UsageError('compare needs two files: the baseline and the candidate');
  const [a, b] = flags.positional.map((p) => readRecordsFile(resolve(io.cwd, p))) as [BenchRecord[], BenchRecord[]];
  const threshold = (percent(flags, '--threshold') ?? DEFAULT_NOISE_THRESHOLD * 100) / 100;
  const gate = percent(flags, '--fail-on-regression');
  const key = (r: BenchRecord): string => `${r.benchmark}\u0000${seriesLabel(r)}`;
  const baseline = new Map(a.map((r) => [key(r), r]));
  let pairs: [BenchRecord, BenchRecord][] = b.filter((r) => baseline.has(key(r))).map((r) => [baseline.get(key(r))!, r]);
  // One record on each side: compare them whatever their labels (e.g. hakmem vs a library path).
  if (pairs.length === 0 && a.length === 1 && b.length === 1) pairs = [[a[0]!, b[0]!]];
  if (pairs.length === 0) {
    throw new UsageError(`no series in common (baseline: ${[...baseline.keys()].map((k) => k.replace('\u0000', ' ')).join(', ')})`);
  }
  const comparisons = pairs.map(([x, y]) => ({ benchmark: y.benchmark, ...compareRecords(x, y, threshold, 'suite') }));
  const failed = regressions(comparisons, gate);
  if (flags.switches.has('--json')) jsonOut(io, { version: 1, comparisons: comparisons.map(withSentence), regressions: failed });
  else {
    for (const c of comparisons) io.out(`${c.benchmark}: ${comparisonsText([c]).split('\n').slice(1).join('\n').trim()}\n`);
    for (const c of failed) io.out(`regression beyond ${gate}%: ${c.benchmark} ${c.candidate.label}\n`);
  }
  return failed.length > 0 ? 1 : 0;
}

const SUITE_ALLOCATORS = 'hakmem,system,mimalloc,jemalloc,tcmalloc';

function commaList(raw: string): string[] {
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

async function suite(args: readonly string[], io: CliIO): Promise<number> {
  const allowed = [
    '--allocators',
    '--rows',
    '--runs',
    '--warmup',
    '--timeout',
    '--threshold',
    '--html',
    '--quick',
    '--json',
    '--no-build',
    '--no-history',
  ];
  const flags = parseFlags(args, allowed);
  if (flags.positional.length > 0) throw new UsageError(`unexpected argument '${flags.positional[0]}'`);
  const ws = findBenchWorkspace(io.cwd);
  const allocators = commaList(last(flags, '--allocators') ?? SUITE_ALLOCATORS);
  if (allocators.length === 0) throw new UsageError('--allocators needs at least one allocator');
  for (const a of allocators) {
    try {
      resolveAllocator(a, ws.nativeDir, io.cwd);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  }
  const rowsRaw = last(flags, '--rows');
  const known = suiteWorkloads(ws.nativeDir).map((w) => w.spec.name);
  const rows = rowsRaw !== undefined ? commaList(rowsRaw) : undefined;
  for (const r of rows ?? []) if (!known.includes(r)) throw new UsageError(`unknown suite row '${r}' (known: ${known.join(', ')})`);
  const quick = flags.switches.has('--quick');
  const threshold = (percent(flags, '--threshold') ?? DEFAULT_NOISE_THRESHOLD * 100) / 100;
  let report: SuiteReport;
  try {
    report = await runWorkloadSuite({
      allocators,
      ...(rows ? { rows } : {}),
      runs: integer(flags, '--runs', 5, 1, 1000),
      warmup: integer(flags, '--warmup', quick ? 0 : 1, 0, 100),
      timeoutMs: integer(flags, '--timeout', quick ? 60 : 300, 1, 86_400) * 1000,
      quick,
      build: !flags.switches.has('--no-build'),
      nativeDir: ws.nativeDir,
      root: ws.root,
      appendHistory: !flags.switches.has('--no-history'),
      noiseThreshold: threshold,
      signal: io.signal,
      onProgress: progressOnStderr(io),
    });
  } catch (e) {
    if (e instanceof CancelledError) {
      io.err('hakmem bench suite: cancelled; nothing was recorded\n');
      return 130;
    }
    throw e;
  }
  const html = last(flags, '--html');
  if (html !== undefined) writeFileSync(resolve(io.cwd, html), standaloneSuitePage(report));
  if (flags.switches.has('--json')) jsonOut(io, report);
  else {
    io.out(suiteReportText(report));
    if (report.historyPath) io.out(`recorded in ${report.historyPath}\n`);
    if (html !== undefined) io.out(`page written to ${resolve(io.cwd, html)}\n`);
  }
  const failed = report.rows.some((r) => r.failures.length > 0 || (r.skipped !== undefined && !/ is not installed$/.test(r.skipped)));
  return failed ? 1 : 0;
}

export const command: CliCommand = {
  name: 'bench',
  usage: USAGE,
  summary: SUMMARY,
  async run(args, io) {
    const [sub, ...rest] = args;
    switch (sub) {
      case 'list':
        return list(rest, io);
      case 'run':
        return run(rest, io);
      case 'compare':
        return compare(rest, io);
      case 'suite':
        return suite(rest, io);
      default:
        throw new UsageError(sub ? `unknown sub-command '${sub}' (list, run, compare, suite)` : 'list, run, compare or suite?');
    }
  },
};

// The benchmark suite: build, then for every series (allocator x knob values)
// warm-up runs and N measured runs, interleaved A B A B … so drift (thermal,
// other load) hits every series alike; then summaries, comparisons and history.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { resolveAllocator } from './allocators';
import { buildForRun, type BuildResult } from './build';
import { compareRecords, DEFAULT_NOISE_THRESHOLD, summarize } from './compare';
import { gitState, machineInfo } from './environment';
import { appendHistory, findBaseline, readHistory, readPins } from './history';
import { DEFAULT_METRIC, OutputParseError, parseRunOutput } from './output';
import type { BenchmarkSpec } from './presets';
import { runInGroup, signalNumber, type GroupRunResult } from './process';
import type { MissingAllocator, RunFailure } from './failures';
import { RECORD_VERSION, type BenchRecord, type Comparison, type Sample } from './record';
import { reliabilityWarning, suitePairs } from './verdict';

export interface SuiteOptions {
  readonly benchmark: BenchmarkSpec;
  /** Allocator names (hakmem, hakmem-debug, system, mimalloc, jemalloc, tcmalloc) or shared-library paths. */
  readonly allocators: readonly string[];
  /** Measured runs per series. */
  readonly runs: number;
  /** Unrecorded runs per series before measuring. */
  readonly warmup: number;
  /** Per-run limit; a run past it is killed with its whole process group. */
  readonly timeoutMs: number;
  /** A/B knobs: every combination of these values becomes its own series. */
  readonly envMatrix?: Readonly<Record<string, readonly string[]>>;
  /** Environment added to every run (on top of the benchmark's own). */
  readonly env?: Readonly<Record<string, string>>;
  /** Use the benchmark's small quickArgs. */
  readonly quick?: boolean;
  /** Run the build command first (default true). */
  readonly build?: boolean;
  /** Folder of the bundled allocator (for hakmem / hakmem-debug); default: the benchmark's cwd. */
  readonly nativeDir?: string;
  /** Workspace root: baseline from its history, and where records are appended when appendHistory is set. */
  readonly root?: string;
  readonly appendHistory?: boolean;
  /** Relative noise threshold for verdicts, default 0.01. */
  readonly noiseThreshold?: number;
  readonly signal: AbortSignal;
  onProgress?(message: string, fraction: number): void;
  /** Called with each run's process-group id (tests check nothing is left behind). */
  onSpawn?(pgid: number): void;
}

export interface SuiteResult {
  readonly benchmark: string;
  readonly args: readonly string[];
  readonly ok: boolean;
  /** Why nothing could be measured (build failure, missing binary …). */
  readonly error?: string;
  readonly build?: BuildResult;
  readonly records: BenchRecord[];
  readonly comparisons: Comparison[];
  readonly failures: RunFailure[];
  readonly missing: MissingAllocator[];
  readonly historyPath?: string;
  /** Set when a series' spread or outliers make the verdicts unreliable: what was seen and what to do. */
  readonly warning?: string;
}

export class CancelledError extends Error {
  constructor() {
    super('benchmark cancelled');
  }
}

interface Series {
  readonly label: string;
  readonly allocator: string;
  readonly library: string | null;
  readonly knobs: Record<string, string>;
  readonly samples: Sample[];
  failed: boolean;
}

/** Every combination of the matrix values, in declaration order. */
export function expandMatrix(matrix: Readonly<Record<string, readonly string[]>> | undefined): Record<string, string>[] {
  let combos: Record<string, string>[] = [{}];
  for (const [key, values] of Object.entries(matrix ?? {})) {
    if (values.length === 0) continue;
    combos = combos.flatMap((c) => values.map((v) => ({ ...c, [key]: v })));
  }
  return combos;
}

const TAIL_LINES = 20;

function tail(text: string, lines = TAIL_LINES): string {
  const all = text.replace(/\s+$/, '').split('\n');
  return all.slice(-lines).join('\n');
}

function describeFailure(series: Series, r: GroupRunResult, binary: string, timeoutMs: number): RunFailure | undefined {
  const debugHint =
    series.allocator === 'hakmem'
      ? { suggestion: 're-run with the debug build (hakmem-debug), whose checks stop at the first corruption', rerunWith: 'hakmem-debug' }
      : { suggestion: 're-run under a debug or sanitizer build (-fsanitize=address) of the allocator to find the first bad access' };
  const base = { label: series.label, allocator: series.allocator, stderrTail: tail(r.stderr), stdoutTail: tail(r.stdout) };
  if (r.spawnError) {
    return { ...base, kind: 'spawn', message: `could not start ${binary}: ${r.spawnError}`, signal: null, exitStatus: null, suggestion: 'check the binary path and that it is executable' };
  }
  if (r.timedOut) {
    return {
      ...base,
      kind: 'timeout',
      message: `timed out after ${(timeoutMs / 1000).toFixed(timeoutMs < 10_000 ? 1 : 0)} s; its process group was killed`,
      signal: 'SIGKILL',
      exitStatus: null,
      suggestion: 'a hang often means a lost wake-up or a corrupted free list; raise the timeout only if the run is just slow',
    };
  }
  if (r.signal) {
    const num = signalNumber(r.signal);
    const exitStatus = num !== undefined ? 128 + num : null;
    return { ...base, kind: 'crash', message: `crashed: killed by ${r.signal}${exitStatus !== null ? ` (exit status ${exitStatus})` : ''}`, signal: r.signal, exitStatus, ...debugHint };
  }
  if (r.exitStatus !== 0) {
    return { ...base, kind: 'exit', message: `failed: exit status ${r.exitStatus}`, signal: null, exitStatus: r.exitStatus, ...debugHint };
  }
  return undefined;
}

function missingHint(allocator: string, library: string, debianPackage: string): string {
  if (debianPackage) return `${allocator} is not installed: apt-get install ${debianPackage}`;
  if (allocator.startsWith('hakmem')) return `${library} is not built yet: make -C native`;
  return `${library} does not exist`;
}

export async function runSuite(opts: SuiteOptions): Promise<SuiteResult> {
  const spec = opts.benchmark;
  const args = opts.quick ? spec.quickArgs : spec.args;
  const progress = opts.onProgress ?? ((): void => undefined);
  const empty = { benchmark: spec.name, args, records: [], comparisons: [], failures: [], missing: [] };
  const throwIfCancelled = (): void => {
    if (opts.signal.aborted) throw new CancelledError();
  };

  const nativeDir = opts.nativeDir ?? spec.cwd;
  let build: BuildResult | undefined;
  if (opts.build !== false) {
    progress(`building ${spec.name}${spec.build ? `: ${spec.build}` : ''} and the bundled libraries it loads`, 0);
    build = await buildForRun(spec, opts.allocators, nativeDir, opts.signal);
    throwIfCancelled();
    if (!build.ok) return { ...empty, ok: false, error: build.error ?? 'build failed', build };
    if (build.skipped) build = undefined;
  }
  if (!existsSync(spec.binary)) {
    const how = spec.build ? ` (the build command '${spec.build}' did not produce it)` : '';
    return { ...empty, ok: false, error: `benchmark binary not found: ${spec.binary}${how}`, ...(build ? { build } : {}) };
  }

  const missing: MissingAllocator[] = [];
  const series: Series[] = [];
  const variants = expandMatrix(opts.envMatrix);
  for (const name of opts.allocators) {
    const choice = resolveAllocator(name, nativeDir, spec.cwd);
    const absent = choice.missing ?? (choice.preload && !existsSync(choice.preload) ? { library: choice.preload, debianPackage: '' } : undefined);
    if (absent) {
      missing.push({ allocator: name, ...absent, hint: missingHint(choice.name, absent.library, absent.debianPackage) });
      continue;
    }
    for (const knobs of variants) {
      const label = [choice.name, ...Object.entries(knobs).map(([k, v]) => `${k}=${v}`)].join(' ');
      series.push({ label, allocator: choice.name, library: choice.preload ?? null, knobs, samples: [], failed: false });
    }
  }
  if (series.length === 0) {
    return { ...empty, missing, ok: false, error: 'none of the requested allocators is available', ...(build ? { build } : {}) };
  }

  const failures: RunFailure[] = [];
  const rounds = opts.warmup + opts.runs;
  const total = rounds * series.length;
  let done = 0;
  for (let round = 0; round < rounds; round++) {
    const warm = round < opts.warmup;
    for (const s of series) {
      if (s.failed) {
        done++;
        continue;
      }
      throwIfCancelled();
      const what = warm ? `warm-up ${round + 1}/${opts.warmup}` : `run ${round - opts.warmup + 1}/${opts.runs}`;
      progress(`${spec.name} · ${s.label} · ${what}`, done / total);
      const env: NodeJS.ProcessEnv = { ...process.env, ...spec.env, ...opts.env, ...s.knobs };
      // The series decides the allocator: never inherit someone else's preload.
      delete env['LD_PRELOAD'];
      if (s.library) env['LD_PRELOAD'] = s.library;
      const r = await runInGroup({
        command: spec.binary,
        args,
        cwd: spec.cwd,
        env,
        timeoutMs: opts.timeoutMs,
        signal: opts.signal,
        ...(opts.onSpawn ? { onSpawn: opts.onSpawn } : {}),
      });
      done++;
      if (r.cancelled) throw new CancelledError();
      let failure = describeFailure(s, r, spec.binary, opts.timeoutMs);
      let sample: Sample | undefined;
      if (!failure) {
        try {
          const parsed = parseRunOutput(r.stdout, spec.result);
          sample = {
            index: s.samples.length,
            opsPerSec: parsed.value,
            seconds: parsed.seconds ?? r.wallSeconds,
            wallSeconds: r.wallSeconds,
            maxRssKb: parsed.maxRssKb ?? r.peakRssKb ?? null,
            exitStatus: r.exitStatus,
          };
        } catch (e) {
          if (!(e instanceof OutputParseError)) throw e;
          failure = {
            label: s.label,
            allocator: s.allocator,
            kind: 'output',
            message: `unreadable output: ${e.message}`,
            signal: null,
            exitStatus: r.exitStatus,
            stderrTail: tail(r.stderr),
            stdoutTail: tail(r.stdout),
            suggestion: spec.result?.regex
              ? 'check result.regex in .hakmem.json against the output below'
              : 'the benchmark must print one line `HAKMEM_RESULT {"ops_per_sec": …}`, or set result.regex in .hakmem.json',
          };
        }
      }
      if (failure) {
        // One failure spoils the series: its remaining runs are skipped, the others go on.
        s.failed = true;
        failures.push(failure);
        progress(`${spec.name} · ${s.label} · ${failure.message}`, done / total);
      } else if (!warm && sample) {
        s.samples.push(sample);
      }
    }
  }
  throwIfCancelled();

  const root = opts.root;
  const git = gitState(root ?? spec.cwd);
  const machine = machineInfo();
  const time = new Date().toISOString();
  const records: BenchRecord[] = series
    .filter((s) => !s.failed && s.samples.length > 0)
    .map((s) => ({
      version: RECORD_VERSION,
      id: randomUUID(),
      time,
      benchmark: spec.name,
      binary: spec.binary,
      args: [...args],
      env: { ...spec.env, ...opts.env, ...s.knobs },
      knobs: s.knobs,
      allocator: { name: s.allocator, library: s.library },
      metric: spec.result?.metric ?? DEFAULT_METRIC,
      quick: opts.quick === true,
      warmup: opts.warmup,
      git,
      machine,
      samples: s.samples,
      summary: summarize(s.samples),
    }));

  const threshold = opts.noiseThreshold ?? DEFAULT_NOISE_THRESHOLD;
  const comparisons: Comparison[] = [];
  // The allocator under development is the subject of every verdict of this run.
  for (const [baseline, candidate] of suitePairs(records)) comparisons.push(compareRecords(baseline, candidate, threshold, 'suite'));
  if (root) {
    const history = readHistory(root).records;
    const pins = readPins(root);
    for (const r of records) {
      const baseline = findBaseline(history, r, git?.commit ?? null, pins);
      if (baseline) comparisons.push(compareRecords(baseline.record, r, threshold, baseline.pinned ? 'pinned' : 'history'));
    }
  }
  let historyFile: string | undefined;
  if (root && opts.appendHistory && records.length > 0) historyFile = appendHistory(root, records);
  progress(`${spec.name}: done`, 1);
  const warning = reliabilityWarning(records);
  return {
    ...(warning ? { warning } : {}),
    benchmark: spec.name,
    args,
    ok: failures.length === 0 && records.length > 0,
    ...(build ? { build } : {}),
    records,
    comparisons,
    failures,
    missing,
    ...(historyFile ? { historyPath: historyFile } : {}),
  };
}

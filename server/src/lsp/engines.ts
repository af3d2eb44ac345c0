import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ResponseError, type CancellationToken, type Connection } from 'vscode-languageserver';
import type { Workspace } from '../analysis/workspace';
import { ALLOCATOR_NAMES, bundledVariant, resolveAllocator } from '../bench/allocators';
import { readHistory } from '../bench/history';
import { killAllGroups } from '../bench/process';
import { isCpuList } from '../bench/rounds';
import { CancelledError, runSuite } from '../bench/runner';
import { headline } from '../bench/verdict';
import { resultsMessage } from '../bench/view';
import { findBenchWorkspace, type BenchWorkspace } from '../bench/workspace';
import { proposeConfig } from '../init/propose';
import { CaptureError, hotFunctions, importProfile, serialiseModel, type ProfileModel } from '../profile';
import { totalWeight } from '../profile/model';
import { fewSamplesWarning, profileBenchmark, ProfilePrepareError } from '../bench/profileBenchmark';
import {
  Requests,
  type BuildFailureData,
  type ListBenchmarksResult,
  type LocateFunctionParams,
  type LocateFunctionResult,
  type ProfileBenchmarkParams,
  type ProfileResult,
  type RunBenchmarkParams,
  type RunBenchmarkResult,
  type RunWorkloadSuiteParams,
  type RunWorkloadSuiteResult,
  type SanitizeBenchmarkParams,
  type SanitizeBenchmarkResult,
} from '../protocol';
import { readSuiteHistory, runWorkloadSuite } from '../bench/suite/run';
import { suiteHeadline } from '../bench/suite/text';
import { uriOf } from './diagnostics';
import { crashProblem } from '../triage/problems';
import { sanitizedRun, sanitizerProblem } from '../triage/sanitize';
import { onTypedRequest, onTypedRequest0 } from './typedHandlers';

/** Functions at or above this self share of the latest profile join the hot path. */
export const MEASURED_HOT_SELF_PCT = 1;

/** LSP cancellation → AbortSignal, for engines that take one. */
function abortSignalOf(token: CancellationToken): AbortSignal {
  const controller = new AbortController();
  if (token.isCancellationRequested) controller.abort();
  token.onCancellationRequested(() => controller.abort());
  return controller.signal;
}

function stamp(): string {
  return new Date().toISOString().replace(/[:.]/g, '-');
}

export interface EngineHost {
  /** The workspace folder; undefined in a window with no folder (no benchmarks, nothing to propose). */
  readonly root: () => string | undefined;
  readonly workspace: () => Workspace | undefined;
  readonly trusted: () => boolean;
  /** Settles when the current index is complete (answers that read the index wait for it). */
  readonly ready: () => Promise<void>;
  /** A new profile: every function's measured share (the host decides what joins the hot path). */
  readonly measuredHotChanged: (all: ReadonlyArray<{ name: string; selfPct: number; totalPct: number }>) => void;
}

/** The benchmark and profiling engines behind custom requests, with work-done progress and cancellation. */
export class EngineRequests {
  constructor(
    private readonly connection: Connection,
    private readonly host: EngineHost,
  ) {}

  register(): void {
    const c = this.connection;
    onTypedRequest0(c, Requests.listBenchmarks, () => this.listBenchmarks());
    onTypedRequest(c, Requests.runBenchmark, (params, token) => this.runBenchmark(params, token));
    onTypedRequest(c, Requests.runSuite, (params, token) => this.runWorkloadSuite(params, token));
    onTypedRequest(c, Requests.sanitizeBenchmark, (params, token) => this.sanitizeBenchmark(params, token));
    onTypedRequest(c, Requests.profile, (params, token) => this.profile(params, token));
    onTypedRequest(c, Requests.locateFunction, (params) => this.locateFunction(params));
    // Only reads the tree: allowed in untrusted workspaces too.
    onTypedRequest(c, Requests.proposeConfig, (_params, token) =>
      proposeConfig(this.folder('Creating .hakmem.json'), { signal: abortSignalOf(token), parallel: false }),
    );
  }

  dispose(): void {
    killAllGroups();
  }

  private folder(what: string): string {
    const root = this.host.root();
    if (root === undefined) throw new ResponseError(2, `${what} needs a folder: open one, or HAKMEM: Open Sample Allocator.`);
    return root;
  }

  private benchWorkspace(): BenchWorkspace {
    return findBenchWorkspace(this.folder('Benchmarking'));
  }

  private requireTrust(what: string): void {
    if (!this.host.trusted()) throw new ResponseError(1, `${what} needs a trusted workspace: it builds and runs code from this folder.`);
  }

  private async listBenchmarks(): Promise<ListBenchmarksResult> {
    await this.host.ready();
    if (this.host.root() === undefined) return { root: '', benchmarks: [], allocators: [], envKnobs: [], configErrors: [] };
    const ws = this.benchWorkspace();
    const envKnobs = new Set<string>();
    const analysed = this.host.workspace();
    for (const path of analysed?.paths() ?? []) for (const name of analysed?.facts(path)?.envNames ?? []) envKnobs.add(name);
    return {
      root: ws.root,
      benchmarks: ws.benchmarks.map((b) => ({
        name: b.name,
        binary: b.binary,
        args: b.args,
        ...(b.source ? { source: b.source } : {}),
        ...(b.preset ? { preset: b.preset } : {}),
      })),
      allocators: ALLOCATOR_NAMES.map((name) => {
        const a = resolveAllocator(name, ws.nativeDir);
        if (a.missing)
          return {
            name,
            available: false,
            hint: a.missing.debianPackage ? `apt-get install ${a.missing.debianPackage}` : `missing ${a.missing.library}`,
          };
        // A bundled variant not built yet is built before the run (a fresh copy of the sample has none built).
        const buildable = bundledVariant(name) !== undefined && existsSync(join(ws.nativeDir, 'Makefile'));
        if (a.preload && !existsSync(a.preload) && !buildable) return { name, available: false, hint: `make -C ${ws.nativeDir}` };
        return { name, available: true };
      }),
      envKnobs: [...envKnobs].sort(),
      configErrors: ws.errors.map((e) => (e.key ? `${e.key}: ${e.message}` : e.message)),
    };
  }

  private async runBenchmark(params: RunBenchmarkParams, token: CancellationToken): Promise<RunBenchmarkResult> {
    this.requireTrust('Running a benchmark');
    const ws = this.benchWorkspace();
    const spec = ws.benchmarks.find((b) => b.name === params.benchmark);
    if (!spec)
      throw new ResponseError(2, `unknown benchmark '${params.benchmark}' (known: ${ws.benchmarks.map((b) => b.name).join(', ')})`);
    if (params.pinCpus && !isCpuList(params.pinCpus))
      throw new ResponseError(2, `pinCpus must be a CPU list such as 1, 0-3 or 1,3, not '${params.pinCpus}'`);
    const progress = await this.connection.window.createWorkDoneProgress();
    progress.begin(`HAKMEM: ${spec.name}`, 0, 'building', true);
    const signal = abortSignalOf(token);
    progress.token.onCancellationRequested(() => killAllGroups());
    try {
      const result = await runSuite({
        benchmark: spec,
        allocators: params.allocators,
        runs: params.runs,
        ...(params.budgetSeconds ? { budgetSeconds: params.budgetSeconds } : {}),
        ...(params.fixedRuns ? { fixedRuns: true } : {}),
        ...(params.pinCpus ? { pinCpus: params.pinCpus } : {}),
        ...(params.discardFirstOutlier ? { discardFirstOutlier: true } : {}),
        warmup: params.warmup ?? 1,
        timeoutMs: params.timeoutSeconds * 1000,
        noiseThreshold: params.noiseThreshold / 100,
        ...(params.env ? { env: params.env } : {}),
        ...(params.matrix ? { envMatrix: params.matrix } : {}),
        ...(params.quick ? { quick: true } : {}),
        nativeDir: ws.nativeDir,
        root: ws.root,
        appendHistory: true,
        signal,
        onProgress: (message, fraction) => progress.report(Math.round(fraction * 100), message),
      });
      const line = result.error
        ? `${spec.name}: ${result.error}`
        : headline(spec.name, result.comparisons, result.records.length, result.warning !== undefined);
      return {
        results: resultsMessage(result, readHistory(ws.root).records, spec.source !== undefined),
        headline: line,
        buildProblems: result.build?.diagnostics ?? [],
        crashProblems: result.failures.flatMap((f) => (f.crash ? (crashProblem(f.crash, ws.root, f.label) ?? []) : [])),
        ...(result.error ? { error: result.error } : {}),
        ...(result.warning ? { warning: result.warning } : {}),
      };
    } catch (e) {
      if (e instanceof CancelledError) throw new ResponseError(-32800, 'benchmark cancelled');
      throw e;
    } finally {
      progress.done();
    }
  }

  private async runWorkloadSuite(params: RunWorkloadSuiteParams, token: CancellationToken): Promise<RunWorkloadSuiteResult> {
    this.requireTrust('Running the suite');
    const ws = this.benchWorkspace();
    const progress = await this.connection.window.createWorkDoneProgress();
    progress.begin('HAKMEM: suite', 0, 'building', true);
    const signal = abortSignalOf(token);
    progress.token.onCancellationRequested(() => killAllGroups());
    try {
      const report = await runWorkloadSuite({
        allocators: params.allocators,
        ...(params.rows ? { rows: params.rows } : {}),
        runs: params.runs,
        warmup: params.warmup ?? (params.quick ? 0 : 1),
        timeoutMs: params.timeoutSeconds * 1000,
        noiseThreshold: params.noiseThreshold / 100,
        quick: params.quick === true,
        nativeDir: ws.nativeDir,
        root: ws.root,
        appendHistory: true,
        signal,
        onProgress: (message, fraction) => progress.report(Math.round(fraction * 100), message),
      });
      const history = readSuiteHistory(ws.root).map((s) => ({ time: s.time, commit: s.commit, quick: s.quick, means: s.means }));
      return { page: { type: 'suite', report, history }, headline: suiteHeadline(report) };
    } catch (e) {
      if (e instanceof CancelledError) throw new ResponseError(-32800, 'suite cancelled');
      if (e instanceof Error && /^unknown suite row/.test(e.message)) throw new ResponseError(2, e.message);
      throw e;
    } finally {
      progress.done();
    }
  }

  private async sanitizeBenchmark(params: SanitizeBenchmarkParams, token: CancellationToken): Promise<SanitizeBenchmarkResult> {
    this.requireTrust('Running a benchmark under a sanitizer');
    const ws = this.benchWorkspace();
    const spec = ws.benchmarks.find((b) => b.name === params.benchmark);
    if (!spec) throw new ResponseError(2, `unknown benchmark '${params.benchmark}'`);
    const tool = params.sanitizer === 'thread' ? 'TSan' : 'ASan+UBSan';
    const progress = await this.connection.window.createWorkDoneProgress();
    progress.begin(`HAKMEM: ${spec.name} under ${tool}`, undefined, 'building the sanitized benchmark', true);
    progress.token.onCancellationRequested(() => killAllGroups());
    try {
      const r = await sanitizedRun({
        sanitizer: params.sanitizer,
        nativeDir: ws.nativeDir,
        program: spec.binary,
        args: params.quick ? spec.quickArgs : spec.args,
        cwd: spec.cwd,
        env: { ...spec.env, ...params.env },
        timeoutMs: params.timeoutSeconds * 1000,
        signal: abortSignalOf(token),
      });
      if (r.error) return { problems: [], reports: 0, summary: `${spec.name}: ${r.error}`, error: r.error };
      const problems = r.reports.flatMap((rep) => sanitizerProblem(rep, ws.root) ?? []);
      const kinds = [...new Set(r.reports.map((rep) => rep.kind))].join(', ');
      const summary = r.reports.length
        ? `${spec.name} under ${tool}: ${kinds}`
        : `${spec.name} under ${tool}: no report (exit status ${r.exitStatus ?? r.signalName})`;
      return { problems, reports: r.reports.length, summary };
    } finally {
      progress.done();
    }
  }

  private async profile(params: ProfileBenchmarkParams, token: CancellationToken): Promise<ProfileResult> {
    const signal = abortSignalOf(token);
    let runs = 1;
    let model: ProfileModel;
    let files: string[];
    let title: string;
    if (params.inputPath) {
      model = await importProfile(params.inputPath, { signal });
      files = [params.inputPath];
      title = params.inputPath;
    } else {
      this.requireTrust('Profiling a benchmark');
      const ws = this.benchWorkspace();
      const spec = ws.benchmarks.find((b) => b.name === params.benchmark);
      if (!spec) throw new ResponseError(2, `unknown benchmark '${params.benchmark ?? ''}'`);
      const tool = params.tool ?? 'perf';
      const progress = await this.connection.window.createWorkDoneProgress();
      progress.begin(`HAKMEM: profiling ${spec.name}`, undefined, tool, true);
      progress.token.onCancellationRequested(() => killAllGroups());
      try {
        const captured = await profileBenchmark({
          spec,
          allocator: params.allocator ?? 'hakmem-prof',
          nativeDir: ws.nativeDir,
          cwd: ws.root,
          tool,
          outDir: join(ws.root, '.hakmem', 'profiles', `${spec.name}-${stamp()}`),
          ...(params.quick ? { args: spec.quickArgs } : {}),
          signal,
          onProgress: (m) => progress.report(m),
        });
        model = captured.model;
        files = [captured.files.raw, captured.files.folded];
        runs = captured.runs;
        title = `${spec.name} under ${captured.allocator.name} (${tool})`;
      } catch (e) {
        if (e instanceof ProfilePrepareError) {
          const data: BuildFailureData = { buildProblems: e.build?.diagnostics ?? [] };
          throw new ResponseError(3, e.message, data);
        }
        if (e instanceof CaptureError) throw new ResponseError(4, e.message);
        throw e;
      } finally {
        progress.done();
      }
    }
    const hot = hotFunctions(model);
    const samples = model.unit === 'samples' ? totalWeight(model) : undefined;
    const warning = fewSamplesWarning(samples, runs);
    // A profile too small to trust is shown, but marks nothing hot in the editor.
    if (!warning) this.host.measuredHotChanged(hot.map((h) => ({ name: h.name, selfPct: h.selfPct, totalPct: h.totalPct })));
    return {
      profile: serialiseModel(model, title),
      title,
      files,
      hotFunctions: hot.slice(0, 200).map((h) => ({ name: h.name, selfPct: h.selfPct, totalPct: h.totalPct })),
      ...(samples !== undefined ? { samples } : {}),
      ...(warning ? { warning } : {}),
    };
  }

  private async locateFunction(params: LocateFunctionParams): Promise<LocateFunctionResult> {
    await this.host.ready();
    const def = this.host.workspace()?.model().definitions.get(params.name)?.[0];
    if (!def) return {};
    return { uri: uriOf(def.path), line: def.fn.nameSpan.line, character: def.fn.nameSpan.column };
  }
}

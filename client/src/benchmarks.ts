import * as vscode from 'vscode';
import { CrashProblems } from './crashes';
import { ResponseError, type LanguageClient } from 'vscode-languageclient/node';
import {
  Requests,
  type BenchmarkInfo,
  isBuildFailureData,
  type ListBenchmarksResult,
  type ProfileBenchmarkParams,
  type RunBenchmarkParams,
  type RunBenchmarkResult,
} from '../../server/src/protocol';
import { FlamePanel } from './flamePanel';
import { ResultsPanel } from './resultsPanel';
import type { HakmemStatusBar } from './statusBar';
import { requireTrust } from './trust';

type Node =
  | { kind: 'benchmark'; info: BenchmarkInfo }
  | { kind: 'allocators' }
  | { kind: 'allocator'; name: string; available: boolean; hint?: string };

/** The Benchmarks view, the Run / Compare / Profile commands and the panels they open. */
export class Benchmarks implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private list: ListBenchmarksResult | undefined;
  private readonly buildProblems = vscode.languages.createDiagnosticCollection('hakmem-build');
  private readonly results: ResultsPanel;
  readonly flame: FlamePanel;
  private readonly crashes: CrashProblems;
  private running: vscode.CancellationTokenSource | undefined;

  constructor(
    context: vscode.ExtensionContext,
    private readonly client: LanguageClient,
    private readonly status: HakmemStatusBar,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.results = new ResultsPanel(
      context,
      {
        rerun: (benchmark, allocators) => void this.run(benchmark, allocators ? [...allocators] : undefined),
        openSource: (benchmark) => void this.openSource(benchmark),
        cancel: () => this.running?.cancel(),
      },
      log,
    );
    this.flame = new FlamePanel(
      context,
      {
        load: async (path) => (await this.client.sendRequest(Requests.profile, { inputPath: path })).profile,
        openFunction: (name, file, line) => void this.openFunction(name, file, line),
      },
      log,
    );
    this.crashes = new CrashProblems(log);
  }

  dispose(): void {
    this.running?.cancel();
    this.crashes.dispose();
    this.results.dispose();
    this.flame.dispose();
    this.buildProblems.dispose();
    this.changed.dispose();
  }

  refresh(): void {
    this.list = undefined;
    this.changed.fire(undefined);
  }

  async benchmarks(): Promise<ListBenchmarksResult> {
    this.list ??= await this.client.sendRequest(Requests.listBenchmarks);
    return this.list;
  }

  getTreeItem(node: Node): vscode.TreeItem {
    switch (node.kind) {
      case 'benchmark': {
        const item = new vscode.TreeItem(node.info.name, vscode.TreeItemCollapsibleState.None);
        item.description = node.info.args.join(' ');
        item.tooltip = `${node.info.binary} ${node.info.args.join(' ')}`;
        item.contextValue = 'hakmem.benchmark';
        item.iconPath = new vscode.ThemeIcon('dashboard');
        item.command = { command: 'hakmem.runBenchmark', title: 'Run', arguments: [node.info.name] };
        return item;
      }
      case 'allocators':
        return Object.assign(new vscode.TreeItem('Allocators', vscode.TreeItemCollapsibleState.Collapsed), {
          iconPath: new vscode.ThemeIcon('library'),
        });
      case 'allocator': {
        const item = new vscode.TreeItem(node.name, vscode.TreeItemCollapsibleState.None);
        item.description = node.available ? 'available' : `missing — ${node.hint ?? ''}`;
        item.iconPath = new vscode.ThemeIcon(node.available ? 'pass' : 'warning');
        return item;
      }
    }
  }

  async getChildren(node?: Node): Promise<Node[]> {
    let list: ListBenchmarksResult;
    try {
      list = await this.benchmarks();
    } catch (e) {
      this.log.error(`listing benchmarks failed: ${e instanceof Error ? e.message : String(e)}`);
      return [];
    }
    if (!node) return [...list.benchmarks.map((info): Node => ({ kind: 'benchmark', info })), { kind: 'allocators' }];
    if (node.kind === 'allocators')
      return list.allocators.map((a): Node => ({
        kind: 'allocator',
        name: a.name,
        available: a.available,
        ...(a.hint ? { hint: a.hint } : {}),
      }));
    return [];
  }

  private async pickBenchmark(given?: string | { info?: BenchmarkInfo }): Promise<string | undefined> {
    if (typeof given === 'string') return given;
    if (given && typeof given === 'object' && given.info) return given.info.name;
    const list = await this.benchmarks();
    const pick = await vscode.window.showQuickPick(
      list.benchmarks.map((b) => ({ label: b.name, description: b.args.join(' ') })),
      { placeHolder: 'Benchmark' },
    );
    return pick?.label;
  }

  private settings(): Pick<
    RunBenchmarkParams,
    'runs' | 'timeoutSeconds' | 'noiseThreshold' | 'budgetSeconds' | 'fixedRuns' | 'warmup' | 'pinCpus' | 'discardFirstOutlier'
  > & { allocators: string[] } {
    const c = vscode.workspace.getConfiguration('hakmem.benchmark');
    const pin = c.get<string>('pinCpus', '').trim();
    return {
      runs: c.get<number>('runs', 30),
      budgetSeconds: c.get<number>('budgetSeconds', 0),
      fixedRuns: c.get<boolean>('fixedRuns', false),
      warmup: c.get<number>('warmup', 1),
      ...(pin ? { pinCpus: pin } : {}),
      discardFirstOutlier: c.get<boolean>('discardFirstOutlier', false),
      timeoutSeconds: c.get<number>('timeoutSeconds', 120),
      noiseThreshold: c.get<number>('noiseThreshold', 1),
      allocators: c.get<string[]>('allocators', ['hakmem', 'system', 'mimalloc', 'jemalloc', 'tcmalloc']),
    };
  }

  /** The run parameters the settings give (the budget, the design, the noise reduction). */
  private runSettings(): Omit<RunBenchmarkParams, 'benchmark' | 'allocators'> {
    const { allocators: _ignored, ...rest } = this.settings();
    return rest;
  }

  /** Runs under our allocator; the verdict compares with the baseline from history (or the other allocators given). */
  async run(given?: string | { info?: BenchmarkInfo }, allocators?: string[], extra: Partial<RunBenchmarkParams> = {}): Promise<void> {
    if (!requireTrust('Running a benchmark')) return;
    const benchmark = await this.pickBenchmark(given);
    if (!benchmark) return;
    await this.execute({
      benchmark,
      allocators: allocators ?? ['hakmem'],
      ...this.runSettings(),
      ...extra,
    });
  }

  async compare(given?: string | { info?: BenchmarkInfo }): Promise<void> {
    if (!requireTrust('Comparing allocators')) return;
    const benchmark = await this.pickBenchmark(given);
    if (!benchmark) return;
    const list = await this.benchmarks();
    const s = this.settings();
    const picks = await vscode.window.showQuickPick(
      list.allocators.map((a) => ({
        label: a.name,
        description: a.available ? '' : `missing — ${a.hint ?? ''}`,
        picked: a.available && s.allocators.includes(a.name),
      })),
      { canPickMany: true, placeHolder: 'Allocators to compare (the first is the baseline)' },
    );
    if (!picks || picks.length === 0) return;
    await this.execute({
      benchmark,
      allocators: picks.map((p) => p.label),
      ...this.runSettings(),
    });
  }

  /** A/B over environment knobs: every value of one HAKMEM_* variable becomes its own series. */
  async abKnobs(given?: string | { info?: BenchmarkInfo }): Promise<void> {
    if (!requireTrust('Running a benchmark')) return;
    const benchmark = await this.pickBenchmark(given);
    if (!benchmark) return;
    const list = await this.benchmarks();
    const knob = await vscode.window.showQuickPick(list.envKnobs.length ? list.envKnobs : ['HAKMEM_'], {
      placeHolder: 'Environment variable (read with getenv in this workspace)',
    });
    if (!knob) return;
    const values = await vscode.window.showInputBox({
      prompt: `Values of ${knob}, comma-separated`,
      value: '0,1',
      validateInput: (v) => (v.split(',').filter((x) => x.trim()).length >= 2 ? undefined : 'Give at least two values'),
    });
    if (!values) return;
    await this.run(benchmark, ['hakmem'], {
      matrix: {
        [knob]: values
          .split(',')
          .map((v) => v.trim())
          .filter(Boolean),
      },
    });
  }

  private async execute(params: RunBenchmarkParams): Promise<void> {
    this.running?.cancel();
    const cancel = new vscode.CancellationTokenSource();
    this.running = cancel;
    this.log.info(
      `running ${params.benchmark} under ${params.allocators.join(', ')} (budget ${params.runs} runs${params.budgetSeconds ? ` or ${params.budgetSeconds} s` : ''}${params.fixedRuns ? ', fixed' : ''})`,
    );
    try {
      const result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `HAKMEM: ${params.benchmark}`, cancellable: true },
        async (_progress, token) => {
          token.onCancellationRequested(() => cancel.cancel());
          return this.client.sendRequest(Requests.runBenchmark, params, cancel.token);
        },
      );
      this.showBuildProblems(result.buildProblems);
      this.crashes.show(result.crashProblems);
      this.status.setVerdict(result.headline, result.warning !== undefined);
      this.log.info(result.headline);
      if (result.results.design) this.log.info(result.results.design.reason);
      this.results.show(result.results);
      if (result.error) void vscode.window.showErrorMessage(`HAKMEM: ${result.error}`);
      else if (result.warning) {
        this.log.warn(result.warning);
        void vscode.window.showWarningMessage(`HAKMEM: ${result.warning}`);
      }
    } catch (e) {
      if (cancel.token.isCancellationRequested) {
        this.log.info(`${params.benchmark} cancelled`);
        return;
      }
      const message = e instanceof Error ? e.message : String(e);
      this.log.error(message);
      void vscode.window.showErrorMessage(`HAKMEM: ${message}`);
    } finally {
      if (this.running === cancel) this.running = undefined;
      cancel.dispose();
    }
  }

  private showBuildProblems(problems: RunBenchmarkResult['buildProblems']): void {
    this.buildProblems.clear();
    const byFile = new Map<string, vscode.Diagnostic[]>();
    for (const p of problems) {
      const d = new vscode.Diagnostic(
        new vscode.Range(p.line - 1, Math.max(0, p.column - 1), p.line - 1, Math.max(0, p.column - 1) + 1),
        p.message,
        p.severity === 'error'
          ? vscode.DiagnosticSeverity.Error
          : p.severity === 'warning'
            ? vscode.DiagnosticSeverity.Warning
            : vscode.DiagnosticSeverity.Information,
      );
      d.source = 'hakmem build';
      byFile.set(p.file, [...(byFile.get(p.file) ?? []), d]);
    }
    for (const [file, diagnostics] of byFile) this.buildProblems.set(vscode.Uri.file(file), diagnostics);
  }

  async profile(given?: string | { info?: BenchmarkInfo }): Promise<void> {
    if (!requireTrust('Profiling a benchmark')) return;
    const benchmark = await this.pickBenchmark(given);
    if (!benchmark) return;
    const tool = vscode.workspace.getConfiguration('hakmem.profile').get<'perf' | 'callgrind'>('tool', 'perf');
    // The benchmark's own arguments; the server repeats a short run until the profile has enough samples.
    await this.loadProfile({ benchmark, tool });
  }

  async openProfileFile(): Promise<void> {
    const files = await vscode.window.showOpenDialog({
      canSelectMany: false,
      openLabel: 'Open profile',
      filters: { Profiles: ['txt', 'folded', 'perf', 'out', 'json', '*'] },
    });
    if (files?.[0]) await this.loadProfile({ inputPath: files[0].fsPath });
  }

  private async loadProfile(params: ProfileBenchmarkParams): Promise<void> {
    const cancel = new vscode.CancellationTokenSource();
    try {
      const result = await vscode.window.withProgress(
        {
          location: vscode.ProgressLocation.Notification,
          title: `HAKMEM: ${params.benchmark ? `profiling ${params.benchmark}` : 'opening profile'}`,
          cancellable: true,
        },
        async (_p, token) => {
          token.onCancellationRequested(() => cancel.cancel());
          return this.client.sendRequest(Requests.profile, params, cancel.token);
        },
      );
      if (params.benchmark) this.buildProblems.clear();
      const folded = result.files.find((f) => f.endsWith('.folded')) ?? result.files[0];
      this.flame.show(result.profile, { title: result.title, ...(folded ? { path: folded } : {}) });
      const top = result.hotFunctions
        .slice(0, 3)
        .map((h) => `${h.name} ${h.selfPct.toFixed(1)}%`)
        .join(', ');
      this.log.info(`profile ${result.title}${result.samples !== undefined ? ` (${result.samples} samples)` : ''}: ${top}`);
      if (result.warning) {
        this.log.warn(result.warning);
        void vscode.window.showWarningMessage(`HAKMEM: ${result.warning}`);
      }
    } catch (e) {
      if (cancel.token.isCancellationRequested) return;
      // A failed build before the profile: its compiler messages go to Problems, as for a run.
      if (e instanceof ResponseError && isBuildFailureData(e.data)) this.showBuildProblems(e.data.buildProblems);
      const message = e instanceof Error ? e.message : String(e);
      this.log.error(message);
      void vscode.window.showErrorMessage(`HAKMEM: ${message}`);
    } finally {
      cancel.dispose();
    }
  }

  private async openSource(benchmark: string): Promise<void> {
    const info = (await this.benchmarks()).benchmarks.find((b) => b.name === benchmark);
    if (info?.source) await vscode.window.showTextDocument(vscode.Uri.file(info.source));
  }

  /** A frame was clicked: the definition from the index, else the file:line the profile recorded. */
  private async openFunction(name: string, file?: string, line?: number): Promise<void> {
    const found = await this.client.sendRequest(Requests.locateFunction, { name });
    if (found.uri) {
      const position = new vscode.Position(found.line ?? 0, found.character ?? 0);
      await vscode.window.showTextDocument(vscode.Uri.parse(found.uri), {
        selection: new vscode.Range(position, position),
        viewColumn: vscode.ViewColumn.One,
      });
      return;
    }
    if (file) {
      const position = new vscode.Position(Math.max(0, (line ?? 1) - 1), 0);
      try {
        await vscode.window.showTextDocument(vscode.Uri.file(file), {
          selection: new vscode.Range(position, position),
          viewColumn: vscode.ViewColumn.One,
        });
        return;
      } catch {
        // fall through to the message
      }
    }
    void vscode.window.showInformationMessage(`HAKMEM: no source found for ${name}`);
  }
}

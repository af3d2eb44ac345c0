// Crashed benchmark runs and sanitizer reports in Problems: one error at the
// innermost frame inside the workspace, the whole stack as related information
// (each frame opens its line); and the "Re-run under Sanitizers" command.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { Requests, type CrashProblem } from '../../server/src/protocol';
import { requireTrust } from './trust';

/** One diagnostic collection, replaced as a whole by each run that fills it. */
export class CrashProblems implements vscode.Disposable {
  private readonly collection: vscode.DiagnosticCollection;

  constructor(
    private readonly log: vscode.LogOutputChannel,
    name = 'hakmem-crash',
    private readonly source = 'hakmem crash',
  ) {
    this.collection = vscode.languages.createDiagnosticCollection(name);
  }

  /** Replaces what the previous run showed. */
  show(problems: readonly CrashProblem[]): void {
    this.collection.clear();
    const byFile = new Map<string, vscode.Diagnostic[]>();
    for (const p of problems) {
      const d = new vscode.Diagnostic(lineRange(p.line), p.message, vscode.DiagnosticSeverity.Error);
      d.source = this.source;
      d.relatedInformation = p.related.map(
        (r) => new vscode.DiagnosticRelatedInformation(new vscode.Location(vscode.Uri.file(r.file), lineRange(r.line)), r.message),
      );
      byFile.set(p.file, [...(byFile.get(p.file) ?? []), d]);
      this.log.error(`${p.file}:${p.line}: ${p.message}`);
      for (const note of p.notes) this.log.warn(note);
    }
    for (const [file, diagnostics] of byFile) this.collection.set(vscode.Uri.file(file), diagnostics);
  }

  dispose(): void {
    this.collection.dispose();
  }
}

function lineRange(line: number): vscode.Range {
  return new vscode.Range(line - 1, 0, line - 1, Number.MAX_SAFE_INTEGER);
}

/** HAKMEM: Re-run Benchmark under Sanitizers — pick the benchmark and the sanitizer, show the reports in Problems. */
export class SanitizerRuns implements vscode.Disposable {
  private readonly problems: CrashProblems;

  constructor(
    private readonly client: LanguageClient,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.problems = new CrashProblems(log, 'hakmem-sanitizer', 'hakmem sanitizer');
  }

  async run(given?: string | { info?: { name: string } }): Promise<void> {
    if (!requireTrust('Running a benchmark under a sanitizer')) return;
    const benchmark = typeof given === 'string' ? given : (given?.info?.name ?? (await this.pickBenchmark()));
    if (!benchmark) return;
    const pick = await vscode.window.showQuickPick(
      [
        { label: 'address', description: 'ASan + UBSan: use after free, double free, invalid free, overflow, undefined behaviour' },
        { label: 'thread', description: 'TSan: data races (for a multi-threaded benchmark)' },
      ],
      { placeHolder: `Re-run ${benchmark} with the allocator built under which sanitizer?` },
    );
    if (!pick) return;
    const sanitizer = pick.label as 'address' | 'thread';
    const timeoutSeconds = vscode.workspace.getConfiguration('hakmem').get<number>('benchmark.timeoutSeconds', 120);
    this.log.info(`re-running ${benchmark} under the ${sanitizer} sanitizer`);
    try {
      const result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `HAKMEM: ${benchmark} under a sanitizer`, cancellable: true },
        (_progress, token) => this.client.sendRequest(Requests.sanitizeBenchmark, { benchmark, sanitizer, timeoutSeconds }, token),
      );
      this.problems.show(result.problems);
      this.log.info(result.summary);
      if (result.error) void vscode.window.showErrorMessage(`HAKMEM: ${result.summary}`);
      else if (result.reports > 0) void vscode.window.showWarningMessage(`HAKMEM: ${result.summary} (see Problems)`);
      else void vscode.window.showInformationMessage(`HAKMEM: ${result.summary}`);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      this.log.error(message);
      void vscode.window.showErrorMessage(`HAKMEM: ${message}`);
    }
  }

  private async pickBenchmark(): Promise<string | undefined> {
    const list = await this.client.sendRequest(Requests.listBenchmarks);
    return vscode.window.showQuickPick(
      list.benchmarks.map((b) => b.name),
      { placeHolder: 'Which benchmark should run under a sanitizer?' },
    );
  }

  dispose(): void {
    this.problems.dispose();
  }
}

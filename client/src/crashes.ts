// Crashed benchmark runs in Problems: one error at the innermost frame inside
// the workspace, the whole stack as related information (each frame opens its line).
import * as vscode from 'vscode';
import type { CrashProblem } from '../../server/src/protocol';

export class CrashProblems implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('hakmem-crash');

  constructor(private readonly log: vscode.LogOutputChannel) {}

  /** Replaces what the previous run showed. */
  show(problems: readonly CrashProblem[]): void {
    this.collection.clear();
    const byFile = new Map<string, vscode.Diagnostic[]>();
    for (const p of problems) {
      const d = new vscode.Diagnostic(lineRange(p.line), p.message, vscode.DiagnosticSeverity.Error);
      d.source = 'hakmem crash';
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

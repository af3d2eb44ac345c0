import * as vscode from 'vscode';

/** Counts HAKMEM findings in the workspace; the last benchmark verdict joins it when there is one. */
export class HakmemStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('hakmem.status', vscode.StatusBarAlignment.Left, 50);
  private readonly subscription: vscode.Disposable;
  private verdict: string | undefined;

  constructor() {
    this.item.name = 'HAKMEM';
    this.item.command = 'workbench.actions.view.problems';
    this.subscription = vscode.languages.onDidChangeDiagnostics(() => this.refresh());
    this.refresh();
    this.item.show();
  }

  setVerdict(text: string | undefined): void {
    this.verdict = text;
    this.refresh();
  }

  private refresh(): void {
    let errors = 0;
    let warnings = 0;
    for (const [, diagnostics] of vscode.languages.getDiagnostics()) {
      for (const d of diagnostics) {
        if (d.source !== 'hakmem') continue;
        if (d.severity === vscode.DiagnosticSeverity.Error) errors++;
        else if (d.severity === vscode.DiagnosticSeverity.Warning) warnings++;
      }
    }
    const findings = errors + warnings === 0 ? '$(pass) clean' : `$(flame) ${errors + warnings}`;
    this.item.text = `HAKMEM ${findings}${this.verdict ? ` · ${this.verdict}` : ''}`;
    this.item.tooltip = `HAKMEM: ${errors} errors and ${warnings} warnings on the release hot path${this.verdict ? `\nLast benchmark: ${this.verdict}` : ''}\nClick to open the Problems panel.`;
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
  }
}

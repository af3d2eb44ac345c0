import * as vscode from 'vscode';

/** Counts HAKMEM findings in the workspace; the last benchmark verdict joins it when there is one. */
export class HakmemStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('hakmem.status', vscode.StatusBarAlignment.Left, 50);
  private readonly subscription: vscode.Disposable;
  private verdict: string | undefined;
  private noisy = false;

  constructor() {
    this.item.name = 'HAKMEM';
    this.item.command = 'workbench.actions.view.problems';
    this.subscription = vscode.languages.onDidChangeDiagnostics(() => this.refresh());
    this.refresh();
    this.item.show();
  }

  /** The last benchmark's headline (it names the benchmark); `noisy` marks a run too noisy to trust. */
  setVerdict(text: string | undefined, noisy = false): void {
    this.verdict = text;
    this.noisy = noisy;
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
    const mark = this.noisy ? '$(warning) ' : '';
    this.item.text = `HAKMEM ${findings}${this.verdict ? ` · ${mark}${this.verdict}` : ''}`;
    const noise = this.noisy ? ' (unreliable: too much run-to-run noise; see the results panel)' : '';
    this.item.tooltip = `HAKMEM: ${errors} errors and ${warnings} warnings on the release hot path${this.verdict ? `\nLast benchmark: ${this.verdict}${noise}` : ''}\nClick to open the Problems panel.`;
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
  }
}

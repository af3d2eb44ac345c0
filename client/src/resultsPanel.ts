import * as vscode from 'vscode';
import { resultsPageHtml } from '../../server/src/pages/resultsPage';
import { acceptPageMessage, isResultsPageToHost, type ResultsMessage } from '../../server/src/protocol';
import { createMediaPanel, mediaScriptUri } from './webviewHost';

export interface ResultsPanelActions {
  rerun(benchmark: string, allocators?: readonly string[]): void;
  openSource(benchmark: string): void;
  cancel(): void;
}

/** The benchmark results panel: bars with CI whiskers, the verdict, the trend over commits. */
export class ResultsPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private latest: ResultsMessage | undefined;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly actions: ResultsPanelActions,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  show(results: ResultsMessage): void {
    this.latest = results;
    if (this.panel) {
      this.panel.reveal(undefined, true);
      void this.panel.webview.postMessage(results);
      return;
    }
    const panel = createMediaPanel(this.context, 'hakmem.results', `Benchmark: ${results.benchmark}`);
    this.panel = panel;
    panel.webview.html = resultsPageHtml({
      cspSource: panel.webview.cspSource,
      script: { uri: mediaScriptUri(this.context, panel, 'results.js') },
      title: `HAKMEM benchmark results`,
    });
    panel.webview.onDidReceiveMessage((m: unknown) => this.onMessage(m));
    panel.onDidDispose(() => {
      this.panel = undefined;
    });
  }

  private onMessage(value: unknown): void {
    const message = acceptPageMessage('results', value, isResultsPageToHost, (text) => this.log.warn(text));
    if (!message) return;
    switch (message.type) {
      case 'ready':
        if (this.latest && this.panel) void this.panel.webview.postMessage(this.latest);
        break;
      case 'rerun':
        this.actions.rerun(message.benchmark, message.allocators);
        break;
      case 'openSource':
        this.actions.openSource(message.benchmark);
        break;
      case 'cancel':
        this.actions.cancel();
        break;
    }
  }

  dispose(): void {
    this.panel?.dispose();
  }
}

// HAKMEM: Run Suite: the standard workload suite through the language server
// (hakmem/runSuite, with progress and cancel), shown on the suite page.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { suitePageHtml } from '../../server/src/pages/suitePage';
import {
  acceptPageMessage,
  isSuitePageToHost,
  Requests,
  type RunWorkloadSuiteParams,
  type SuiteResultMessage,
} from '../../server/src/protocol';
import type { HakmemStatusBar } from './statusBar';
import { requireTrust } from './trust';
import { createMediaPanel, mediaScriptUri } from './webviewHost';

export const RUN_SUITE_COMMAND = 'hakmem.runSuite';

export class SuiteRunner implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private latest: SuiteResultMessage | undefined;
  private running: vscode.CancellationTokenSource | undefined;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly client: LanguageClient,
    private readonly status: HakmemStatusBar,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  private params(allocators?: readonly string[]): RunWorkloadSuiteParams {
    const suite = vscode.workspace.getConfiguration('hakmem.suite');
    const bench = vscode.workspace.getConfiguration('hakmem.benchmark');
    return {
      allocators: allocators ?? bench.get<string[]>('allocators', ['hakmem', 'system', 'mimalloc', 'jemalloc', 'tcmalloc']),
      runs: suite.get<number>('runs', 5),
      quick: suite.get<boolean>('quick', false),
      timeoutSeconds: suite.get<number>('timeoutSeconds', 300),
      noiseThreshold: bench.get<number>('noiseThreshold', 1),
    };
  }

  async run(allocators?: readonly string[]): Promise<void> {
    if (!requireTrust('Running the suite')) return;
    this.running?.cancel();
    const cancel = new vscode.CancellationTokenSource();
    this.running = cancel;
    const params = this.params(allocators);
    this.log.info(`running the suite under ${params.allocators.join(', ')} (${params.runs} runs per row${params.quick ? ', quick' : ''})`);
    try {
      const result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'HAKMEM: suite', cancellable: true },
        async (_progress, token) => {
          token.onCancellationRequested(() => cancel.cancel());
          return this.client.sendRequest(Requests.runSuite, params, cancel.token);
        },
      );
      this.status.setVerdict(result.headline);
      this.log.info(result.headline);
      for (const row of result.page.report.rows) for (const f of row.failures) this.log.warn(`${row.workload} · ${f.label}: ${f.message}`);
      this.show(result.page);
    } catch (e) {
      if (cancel.token.isCancellationRequested) {
        this.log.info('suite cancelled');
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

  private show(message: SuiteResultMessage): void {
    this.latest = message;
    if (this.panel) {
      this.panel.reveal(undefined, true);
      void this.panel.webview.postMessage(message);
      return;
    }
    const panel = createMediaPanel(this.context, 'hakmem.suite', 'Allocator suite');
    this.panel = panel;
    panel.webview.html = suitePageHtml({
      cspSource: panel.webview.cspSource,
      script: { uri: mediaScriptUri(this.context, panel, 'suite.js') },
      title: 'HAKMEM allocator suite',
    });
    panel.webview.onDidReceiveMessage((m: unknown) => this.onMessage(m));
    panel.onDidDispose(() => {
      this.panel = undefined;
    });
  }

  private onMessage(value: unknown): void {
    const message = acceptPageMessage('suite', value, isSuitePageToHost, (text) => this.log.warn(text));
    if (!message) return;
    switch (message.type) {
      case 'ready':
        if (this.latest && this.panel) void this.panel.webview.postMessage(this.latest);
        break;
      case 'rerun':
        void this.run(message.allocators);
        break;
      case 'cancel':
        this.running?.cancel();
        break;
    }
  }

  dispose(): void {
    this.running?.cancel();
    this.panel?.dispose();
  }
}

import * as vscode from 'vscode';
import { flamePageHtml } from '../../server/src/pages/flamePage';
import {
  acceptPageMessage,
  isFlamePageToHost,
  type FlameViewState,
  type HostToFlamePage,
  type SerialisedProfile,
} from '../../server/src/protocol';
import { createMediaPanel, mediaScriptUri } from './webviewHost';

export interface FlameSource {
  readonly title: string;
  /** Folded stacks (or another profile file) the panel can be rebuilt from after it was hidden. */
  readonly path?: string;
}

export interface FlamePanelActions {
  /** Loads a profile file again (the panel keeps only its path while hidden). */
  load(path: string): Promise<SerialisedProfile>;
  openFunction(name: string, file?: string, line?: number): void;
}

/**
 * The flamegraph panel. While hidden the webview is torn down and the host keeps
 * only the file path and the view state, never the model.
 */
export class FlamePanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private source: FlameSource | undefined;
  private pending: SerialisedProfile | undefined;
  private state: FlameViewState | undefined;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly actions: FlamePanelActions,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  get hasProfile(): boolean {
    return this.source !== undefined;
  }

  show(profile: SerialisedProfile, source: FlameSource): void {
    this.source = source;
    this.pending = profile;
    this.state = undefined;
    if (this.panel) {
      this.panel.title = `Flamegraph: ${source.title}`;
      this.panel.reveal(undefined, false);
      this.post();
      return;
    }
    this.open();
  }

  /** Shows the panel again (from a CodeLens), searching for a function when given. */
  reveal(search?: string): void {
    if (!this.source) return;
    if (search) this.state = { view: this.state?.view ?? 'flame', search, zoomPath: [] };
    if (this.panel) {
      this.panel.reveal(undefined, false);
      if (search) this.post();
    } else {
      this.open();
    }
  }

  private open(): void {
    const panel = createMediaPanel(this.context, 'hakmem.flamegraph', `Flamegraph: ${this.source?.title ?? ''}`);
    this.panel = panel;
    panel.webview.html = flamePageHtml({
      cspSource: panel.webview.cspSource,
      script: { uri: mediaScriptUri(this.context, panel, 'flame.js') },
      title: 'HAKMEM flamegraph',
    });
    panel.webview.onDidReceiveMessage((m: unknown) => this.onMessage(m));
    panel.onDidChangeViewState(() => {
      // A hidden webview is destroyed; drop what it would need to be rebuilt from the file.
      if (!panel.visible && this.source?.path) this.pending = undefined;
    });
    panel.onDidDispose(() => {
      this.panel = undefined;
      this.pending = undefined;
    });
  }

  private post(): void {
    if (!this.panel || !this.pending) return;
    const message: HostToFlamePage = { type: 'profile', model: this.pending, ...(this.state ? { state: this.state } : {}) };
    void this.panel.webview.postMessage(message);
    // Once the page has the model, the host lets go of it when it can reload it from disk.
    if (this.source?.path) this.pending = undefined;
  }

  private async onMessage(value: unknown): Promise<void> {
    const message = acceptPageMessage('flamegraph', value, isFlamePageToHost, (text) => this.log.warn(text));
    if (!message) return;
    switch (message.type) {
      case 'ready':
        if (!this.pending && this.source?.path) {
          try {
            this.pending = await this.actions.load(this.source.path);
          } catch (e) {
            this.log.error(`cannot reload ${this.source.path}: ${e instanceof Error ? e.message : String(e)}`);
            return;
          }
        }
        this.post();
        break;
      case 'openFunction':
        this.actions.openFunction(message.name, message.file, message.line);
        break;
      case 'state':
        this.state = message.state;
        break;
      case 'export': {
        const target = await vscode.window.showSaveDialog({ defaultUri: vscode.Uri.file(message.fileName), saveLabel: 'Export' });
        if (target) await vscode.workspace.fs.writeFile(target, Buffer.from(message.content, 'utf8'));
        break;
      }
    }
  }

  dispose(): void {
    this.panel?.dispose();
  }
}

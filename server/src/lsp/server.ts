import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CodeActionKind,
  DiagnosticSeverity,
  InlayHintKind,
  MessageType,
  ShowMessageNotification,
  FileChangeType,
  TextDocumentSyncKind,
  type Connection,
  type Diagnostic,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver';
import { discoverSources, Workspace } from '../analysis/workspace';
import { LineIndex } from '../facts/text';
import { defaultConfig, guardFor } from '../config/config';
import { isRuleCode } from '../rules/codes';
import { CONFIG_FILE_NAME, type LoadedConfig } from '../config/load';
import { loadWorkspaceConfigText } from '../configSections';
import { loadC, type CLanguage } from '../parse/treeSitter';
import { codeActionsFor } from './codeActions';
import { DIAGNOSTIC_SOURCE, findingToDiagnostic, inactiveDiagnostics, uriOf } from './diagnostics';
import { OpenDocument } from './documents';
import { EngineRequests, MEASURED_HOT_SELF_PCT } from './engines';
import { hoverAt } from './hover';
import { NavigationHandlers } from './navigation';
import { profileLenses } from './profileLenses';
import { reachNotice } from '../hotpath/reachNotice';
import {
  Notifications,
  type ConfigurationSettings,
  type InitializationOptions,
  type ReachNoticeParams,
  type ServerSettings,
} from '../protocol';
import { onTypedNotification, sendTypedNotification } from './typedHandlers';
import type { Parser } from 'web-tree-sitter';

const DEFAULT_SETTINGS: ServerSettings = { build: 'release', dimInactiveCode: true, pointerKindHints: true };
const C_FILE = /\.(c|h|inc)$/;

/** What is hot, as one comparable string: when it moves, every file's findings may change. */
function hotSignature(ws: Workspace): string {
  return [...ws.model().hot.keys()].sort().join(',');
}

function pathOf(uri: string): string {
  return uri.startsWith('file:') ? fileURLToPath(uri) : uri;
}

/** The HAKMEM language server: hot-path diagnostics, release-guard quick fixes, config validation. */
export class HakmemServer {
  private root = process.cwd();
  /** False in a window with no folder: then only open documents are analysed (the root is no folder of the user's). */
  private folderOpen = true;
  private settings: ServerSettings = { ...DEFAULT_SETTINGS };
  private lang: CLanguage | undefined;
  private docParser: Parser | undefined;
  private loaded: LoadedConfig = { config: defaultConfig(process.cwd()), problems: [] };
  private workspace: Workspace | undefined;
  private readonly docs = new Map<string, OpenDocument>();
  private readonly published = new Map<string, string>();
  private readonly dirty = new Set<string>();
  private flushScheduled = false;
  private indexGeneration = 0;
  private indexAbort: AbortController | undefined;
  private configTimer: NodeJS.Timeout | undefined;
  private hotSignature = '';
  private trusted = true;
  /** Latest profile: name → self % / total %, for CodeLens, hover and the measured-hot roots. */
  private measured = new Map<string, { selfPct: number; totalPct: number }>();
  private engines: EngineRequests | undefined;
  /** The client shows hakmem/reachNotice itself (with a "Create .hakmem.json" action). */
  private customReachNotice = false;
  private reachNoticeSent = false;
  /** Resolves when the first index is complete (tests and requests wait on it). */
  ready: Promise<void> = Promise.resolve();

  constructor(private readonly connection: Connection) {}

  listen(): void {
    const c = this.connection;
    c.onInitialize((params) => this.initialize(params));
    c.onInitialized(() => {
      this.ready = this.rebuild();
    });
    c.onDidOpenTextDocument(({ textDocument: d }) => this.open(d.uri, d.languageId, d.version, d.text));
    c.onDidChangeTextDocument(({ textDocument, contentChanges }) => this.change(textDocument.uri, textDocument.version, contentChanges));
    c.onDidCloseTextDocument(({ textDocument }) => this.close(textDocument.uri));
    c.onDidChangeWatchedFiles(({ changes }) => {
      for (const change of changes) this.diskChanged(pathOf(change.uri), change.type === FileChangeType.Deleted);
    });
    c.onDidChangeConfiguration(({ settings }) => this.updateSettings((settings as ConfigurationSettings | undefined)?.hakmem));
    c.onCodeAction(({ textDocument, context }) => {
      const doc = this.docs.get(textDocument.uri);
      if (!doc) return [];
      const ws = this.workspace;
      const tree =
        ws && this.docParser && C_FILE.test(textDocument.uri)
          ? doc.syntax.update(this.docParser, ws.syntaxViewOf(pathOf(textDocument.uri), doc.text))
          : undefined;
      const config = this.loaded.config;
      return codeActionsFor(textDocument.uri, doc.text, tree, context.diagnostics, (code) =>
        isRuleCode(code) ? guardFor(config, code) : config.guards.default,
      );
    });
    c.onHover(({ textDocument, position }) => {
      const ws = this.workspace;
      if (!ws) return null;
      const path = pathOf(textDocument.uri);
      const kind = ws.pointerModel().hover(path, position.line, position.character);
      if (kind) return { contents: { kind: 'markdown', value: kind } };
      return hoverAt(ws, path, position.line, position.character, this.measured);
    });
    c.languages.inlayHint.on(async ({ textDocument, range }) => {
      // Asked while the first index is still running: answer from it rather than with nothing.
      await this.ready;
      const ws = this.workspace;
      if (!ws || !this.settings.pointerKindHints) return [];
      return ws
        .pointerModel()
        .hints(pathOf(textDocument.uri))
        .filter((h) => h.line >= range.start.line && h.line <= range.end.line)
        .map((h) => ({
          position: { line: h.line, character: h.character },
          label: h.kind,
          kind: InlayHintKind.Type,
          paddingLeft: true,
          tooltip: `${h.name} is a ${h.kind} pointer`,
        }));
    });
    c.onCodeLens(async ({ textDocument }) => {
      await this.ready;
      const ws = this.workspace;
      if (!ws || this.measured.size === 0) return [];
      return profileLenses(ws, pathOf(textDocument.uri), this.measured);
    });
    onTypedNotification(c, Notifications.trustChanged, (p) => {
      this.trusted = p.trusted;
    });
    this.engines = new EngineRequests(c, {
      root: () => (this.folderOpen ? this.root : undefined),
      workspace: () => this.workspace,
      trusted: () => this.trusted,
      ready: () => this.ready,
      measuredHotChanged: (all) => this.setMeasured(all),
    });
    this.engines.register();
    new NavigationHandlers(c, {
      root: () => this.root,
      workspace: () => this.workspace,
      current: async () => {
        await this.ready;
        // An edit typed just before the request is answered from, not from the text before it.
        this.flushDirty();
      },
    }).register();
    c.onShutdown(() => {
      this.engines?.dispose();
      this.indexAbort?.abort();
      for (const doc of this.docs.values()) doc.close();
    });
    c.listen();
  }

  private initialize(params: InitializeParams): InitializeResult {
    const folder = params.workspaceFolders?.[0]?.uri ?? params.rootUri;
    if (folder) this.root = pathOf(folder);
    else this.folderOpen = false;
    const init = params.initializationOptions as InitializationOptions | undefined;
    this.customReachNotice = init?.reachNotice === true;
    this.settings = { ...DEFAULT_SETTINGS, ...(init?.settings ?? {}) };
    this.trusted = init?.trusted ?? true;
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        hoverProvider: true,
        codeLensProvider: { resolveProvider: false },
        inlayHintProvider: true,
        definitionProvider: true,
        referencesProvider: true,
        callHierarchyProvider: true,
      },
      serverInfo: { name: 'hakmem-language-server', version: '0.1.0' },
    };
  }

  private updateSettings(next: Partial<ServerSettings> | undefined): void {
    if (!next) return;
    const buildChanged = next.build !== undefined && next.build !== this.settings.build;
    this.settings = { ...this.settings, ...next };
    if (buildChanged) this.ready = this.rebuild();
    else this.publishAll(true);
    void this.connection.sendRequest('workspace/inlayHint/refresh').catch(() => undefined);
  }

  private configPath(): string {
    return join(this.root, CONFIG_FILE_NAME);
  }

  private readConfigText(): string | undefined {
    const open = this.docs.get(uriOf(this.configPath()));
    if (open) return open.text;
    try {
      return readFileSync(this.configPath(), 'utf8');
    } catch {
      return undefined;
    }
  }

  /** Reloads .hakmem.json and re-analyses every file (a config change can change anything). */
  private async rebuild(): Promise<void> {
    const generation = ++this.indexGeneration;
    this.indexAbort?.abort();
    const abort = new AbortController();
    this.indexAbort = abort;
    this.lang ??= await loadC();
    this.docParser ??= this.lang.newParser();
    const text = this.readConfigText();
    this.loaded = text === undefined ? { config: defaultConfig(this.root), problems: [] } : loadWorkspaceConfigText(this.root, text);
    this.publishConfigProblems();
    const workspace = new Workspace(this.loaded.config, this.lang, this.settings.build, false);
    workspace.setMeasuredHot(this.measuredHotRoots());
    for (const [uri, doc] of this.docs) if (C_FILE.test(uri)) workspace.setText(pathOf(uri), doc.text, doc.liveSyntax);
    const files = this.folderOpen ? discoverSources(this.loaded.config) : [];
    const progress = await this.connection.window.createWorkDoneProgress();
    progress.begin('HAKMEM: indexing', 0, `${files.length} files`, true);
    progress.token.onCancellationRequested(() => abort.abort());
    const started = Date.now();
    try {
      await workspace.indexFiles(
        files,
        (done, total, path) => {
          if (done % 16 === 0) progress.report(Math.round((done / Math.max(1, total)) * 100), basename(path));
        },
        abort.signal,
      );
    } finally {
      progress.done();
    }
    if (generation !== this.indexGeneration) {
      workspace.dispose();
      return;
    }
    this.workspace?.dispose();
    this.workspace = workspace;
    this.connection.console.info(
      `indexed ${workspace.paths().length} files in ${Date.now() - started} ms (${this.settings.build} build)` +
        (workspace.skipped.length ? `; skipped ${workspace.skipped.map((s) => `${s.path} (${s.reason})`).join(', ')}` : ''),
    );
    this.publishAll(true);
    this.noticeSparseReach(workspace);
  }

  /** Once per session: entry points that reach almost nothing make every clean result meaningless. */
  private noticeSparseReach(workspace: Workspace): void {
    if (this.reachNoticeSent) return;
    const notice = reachNotice(workspace.model());
    if (!notice) return;
    this.reachNoticeSent = true;
    if (this.customReachNotice) {
      const params: ReachNoticeParams = {
        message: notice.message,
        entryPoints: notice.entryPoints,
        reachable: notice.reachable,
        functions: notice.functions,
      };
      void sendTypedNotification(this.connection, Notifications.reachNotice, params);
    } else {
      // A notification, not window/showMessageRequest: there is nothing to answer, and every client shows it.
      void this.connection.sendNotification(ShowMessageNotification.type, {
        type: MessageType.Info,
        message: `HAKMEM: ${notice.message}; ${notice.hint}`,
      });
    }
  }

  private measuredHotRoots(): Map<string, number> {
    return new Map([...this.measured].filter(([, m]) => m.selfPct >= MEASURED_HOT_SELF_PCT).map(([name, m]) => [name, m.selfPct]));
  }

  /** A new profile: its hot functions join the hot path, and lenses show every function's share. */
  private setMeasured(all: ReadonlyArray<{ name: string; selfPct: number; totalPct: number }>): void {
    this.measured = new Map(all.map((h) => [h.name, { selfPct: h.selfPct, totalPct: h.totalPct }]));
    const ws = this.workspace;
    if (!ws) return;
    ws.setMeasuredHot(this.measuredHotRoots());
    this.publishAll(false);
    void this.connection.sendRequest('workspace/codeLens/refresh').catch(() => undefined);
  }

  private publishConfigProblems(): void {
    const uri = uriOf(this.configPath());
    const text = this.readConfigText() ?? '';
    const doc = this.docs.get(uri)?.doc;
    const positionAt = (offset: number): { line: number; character: number } => {
      if (doc) return doc.positionAt(offset);
      const before = text.slice(0, offset).split('\n');
      return { line: before.length - 1, character: before[before.length - 1]!.length };
    };
    const diagnostics: Diagnostic[] = this.loaded.problems.map((p) => ({
      range: { start: positionAt(p.offset), end: positionAt(p.offset + p.length) },
      severity: DiagnosticSeverity.Error,
      source: DIAGNOSTIC_SOURCE,
      code: 'config',
      message: p.message,
    }));
    this.send(uri, diagnostics);
  }

  private open(uri: string, languageId: string, version: number, text: string): void {
    if (basename(pathOf(uri)) === CONFIG_FILE_NAME) {
      this.docs.set(uri, OpenDocument.open(uri, languageId, version, text));
      return;
    }
    const doc = OpenDocument.open(uri, languageId, version, text);
    this.docs.set(uri, doc);
    this.markDirty(uri);
  }

  private change(uri: string, version: number, changes: Parameters<OpenDocument['update']>[0]): void {
    const doc = this.docs.get(uri);
    if (!doc) return;
    const isConfig = basename(pathOf(uri)) === CONFIG_FILE_NAME;
    doc.update(changes, version);
    if (isConfig) {
      clearTimeout(this.configTimer);
      this.configTimer = setTimeout(() => {
        this.ready = this.rebuild();
      }, 250);
      return;
    }
    this.markDirty(uri);
  }

  private close(uri: string): void {
    const doc = this.docs.get(uri);
    if (!doc) return;
    doc.close();
    this.docs.delete(uri);
    if (basename(pathOf(uri)) === CONFIG_FILE_NAME) {
      this.ready = this.rebuild();
      return;
    }
    const ws = this.workspace;
    if (ws) this.afterAnalysis(ws.closeText(pathOf(uri)));
  }

  private diskChanged(path: string, deleted: boolean): void {
    if (basename(path) === CONFIG_FILE_NAME) {
      if (!this.docs.has(uriOf(path))) this.ready = this.rebuild();
      return;
    }
    const ws = this.workspace;
    if (!ws || !C_FILE.test(path)) return;
    if (deleted) {
      const changed = ws.remove(path);
      this.send(uriOf(path), []);
      this.afterAnalysis(changed.filter((p) => p !== path));
    } else {
      this.afterAnalysis(ws.loadFromDisk(path));
    }
  }

  /** Coalesces bursts of edits: analysis runs once per turn of the event loop. */
  private markDirty(uri: string): void {
    this.dirty.add(uri);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => this.flushDirty());
  }

  /** Analyses the open documents edited since the last flush, and publishes what changed. */
  private flushDirty(): void {
    this.flushScheduled = false;
    const ws = this.workspace;
    if (!ws || !this.docParser || this.dirty.size === 0) return;
    const changed: string[] = [];
    for (const uri of this.dirty) {
      const doc = this.docs.get(uri);
      if (!doc) continue;
      try {
        changed.push(...ws.setText(pathOf(uri), doc.text, doc.liveSyntax));
      } catch (e) {
        this.connection.console.error(`analysis of ${uri} failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    this.dirty.clear();
    this.afterAnalysis(changed);
  }

  /** Publishes what changed; when the hot set itself moved, every file may have changed. */
  private afterAnalysis(changedPaths: readonly string[]): void {
    const ws = this.workspace;
    if (!ws) return;
    const signature = hotSignature(ws);
    if (signature !== this.hotSignature) {
      this.hotSignature = signature;
      this.publishAll(false);
    } else {
      for (const path of new Set(changedPaths)) this.publishFile(path);
    }
  }

  private publishAll(force: boolean): void {
    const ws = this.workspace;
    if (!ws) return;
    if (force) this.published.clear();
    this.hotSignature = hotSignature(ws);
    for (const path of ws.paths()) this.publishFile(path);
  }

  private publishFile(path: string): void {
    const ws = this.workspace;
    if (!ws) return;
    const facts = ws.facts(path);
    if (!facts) return;
    const text = ws.text(path) ?? '';
    const diagnostics = ws.findings(path).map(findingToDiagnostic);
    for (const p of facts.preprocProblems) {
      diagnostics.push({
        range: { start: { line: p.line, character: 0 }, end: { line: p.line, character: 200 } },
        severity: DiagnosticSeverity.Warning,
        source: DIAGNOSTIC_SOURCE,
        code: 'preprocessor',
        message: p.message,
      });
    }
    if (this.settings.dimInactiveCode && facts.inactiveRanges.length > 0) {
      // Only the last line of each range is measured: no split of a huge file into lines.
      const lines = new LineIndex(text);
      diagnostics.push(...inactiveDiagnostics(facts.inactiveRanges, (l) => lines.lineText(l).length, ws.build));
    }
    this.send(uriOf(path), diagnostics);
  }

  private send(uri: string, diagnostics: Diagnostic[]): void {
    const key = JSON.stringify(diagnostics);
    if (this.published.get(uri) === key) return;
    this.published.set(uri, key);
    void this.connection.sendDiagnostics({ uri, diagnostics });
  }
}

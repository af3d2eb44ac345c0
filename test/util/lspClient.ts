import { spawn, type ChildProcess } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type Diagnostic,
  type InitializeResult,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';
import type { InitializationOptions, ServerSettings } from '../../server/src/protocol';
import { serverPath } from './paths';

/** The real language server bundle on stdio, driven over JSON-RPC like an editor would. */
export class LspTestClient {
  readonly connection: ProtocolConnection;
  private readonly child: ChildProcess;
  private readonly latest = new Map<string, Diagnostic[]>();
  private readonly waiters: Array<() => void> = [];
  readonly stderr: string[] = [];
  readonly logs: string[] = [];
  exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;

  /** `nodeArgs` go before the server script (e.g. --require of a preload); `env` replaces the environment; `cwd` is the server's. */
  constructor(options: { nodeArgs?: readonly string[]; env?: NodeJS.ProcessEnv; cwd?: string } = {}) {
    this.child = spawn(process.execPath, [...(options.nodeArgs ?? []), serverPath, '--stdio'], {
      stdio: ['pipe', 'pipe', 'pipe'],
      ...(options.env ? { env: options.env } : {}),
      ...(options.cwd ? { cwd: options.cwd } : {}),
    });
    this.child.stderr!.on('data', (d: Buffer) => this.stderr.push(d.toString()));
    this.child.on('exit', (code, signal) => {
      this.exited = { code, signal };
    });
    this.connection = createProtocolConnection(new StreamMessageReader(this.child.stdout!), new StreamMessageWriter(this.child.stdin!));
    this.connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      this.latest.set(p.uri, p.diagnostics);
      for (const w of this.waiters.splice(0)) w();
    });
    this.connection.onNotification('window/logMessage', (p: { message: string }) => {
      this.logs.push(p.message);
    });
    this.connection.onRequest('window/workDoneProgress/create', () => null);
    this.connection.onNotification('$/progress', () => undefined);
    this.connection.listen();
  }

  async initialize(
    rootDir: string | undefined,
    settings: Partial<ServerSettings> = {},
    extra: Omit<InitializationOptions, 'settings'> = {},
  ): Promise<InitializeResult> {
    // No folder: an editor window with nothing open (rootUri and workspaceFolders null).
    const rootUri = rootDir === undefined ? null : pathToFileURL(rootDir).href;
    const initializationOptions: InitializationOptions = { settings, ...extra };
    const result: InitializeResult = await this.connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri,
      workspaceFolders: rootUri === null ? null : [{ uri: rootUri, name: 'ws' }],
      capabilities: { window: { workDoneProgress: true }, textDocument: { publishDiagnostics: { relatedInformation: true } } },
      initializationOptions,
    });
    await this.connection.sendNotification('initialized', {});
    return result;
  }

  get pid(): number {
    return this.child.pid!;
  }

  diagnostics(uri: string): Diagnostic[] | undefined {
    return this.latest.get(uri);
  }

  /** Waits until the latest diagnostics for `uri` satisfy `predicate`. */
  waitForDiagnostics(uri: string, predicate: (d: Diagnostic[]) => boolean, timeoutMs = 20000): Promise<Diagnostic[]> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const d = this.latest.get(uri);
        if (d && predicate(d)) {
          clearTimeout(timer);
          resolve(d);
          return true;
        }
        return false;
      };
      const timer = setTimeout(() => {
        reject(
          new Error(
            `timed out waiting for diagnostics on ${uri}; latest: ${JSON.stringify(this.latest.get(uri)?.map((x) => [x.code, x.range.start.line, x.message]))}\nserver stderr: ${this.stderr.join('')}`,
          ),
        );
      }, timeoutMs);
      const loop = (): void => {
        if (!check()) this.waiters.push(loop);
      };
      loop();
    });
  }

  async stop(): Promise<void> {
    try {
      if (!this.exited) {
        await Promise.race([this.connection.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 2000))]);
        await this.connection.sendNotification('exit');
      }
    } catch {
      // already gone
    }
    this.connection.dispose();
    if (!this.exited) this.child.kill('SIGKILL');
  }
}

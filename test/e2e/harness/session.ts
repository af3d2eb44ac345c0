// One end-to-end test case: code-server with the packaged extension, Chromium
// on the workbench with a folder open. Artifacts are saved when the case fails;
// every process is stopped and every temporary folder removed either way.
import { after, before, type TestContext } from 'node:test';
import { rmSync } from 'node:fs';
import { artifactDir, saveFailureArtifacts } from './artifacts';
import { launchBrowser, type Browser } from './browser';
import { startCodeServer, type CodeServer } from './codeServer';
import { ensureRuntime, type Runtime } from './install';
import { ensureVsix } from './vsix';
import { Workbench } from './workbench';
import { seededAllocatorWorkspace, type Workspace } from './workspace';

export interface Prepared {
  runtime: Runtime;
  vsix: string;
}

let prepared: Promise<Prepared> | undefined;

/** Installs code-server (first run only) and packages the .vsix when stale; once per process. */
export function prepare(): Promise<Prepared> {
  prepared ??= (async () => {
    const vsix = await ensureVsix();
    const runtime = await ensureRuntime();
    return { runtime, vsix };
  })();
  return prepared;
}

export interface SessionOptions {
  /** Folder opened in the workbench; none: an empty window, as after installing the extension. */
  folder: string | undefined;
  workspaceTrust?: boolean;
  settings?: Record<string, unknown>;
}

export interface Session {
  workbench: Workbench;
  server: CodeServer;
}

/** Output kept in memory, bounded so a chatty run cannot exhaust it. */
class Tail {
  private text = '';
  constructor(private readonly limit = 2_000_000) {}
  add(chunk: string): void {
    this.text += chunk;
    if (this.text.length > this.limit) this.text = this.text.slice(-this.limit);
  }
  toString(): string {
    return this.text;
  }
}

/** What a session needs from its caller: a name for the artifacts and a place for notes (a node:test context fits). */
export type SessionOwner = Pick<TestContext, 'name' | 'diagnostic'>;

export async function withVSCode(t: SessionOwner, options: SessionOptions, body: (s: Session) => Promise<void>): Promise<void> {
  const { runtime, vsix } = await prepare();
  // Artifacts describe the latest run only.
  rmSync(artifactDir(t.name), { recursive: true, force: true });
  const serverOutput = new Tail();
  const consoleLines: string[] = [];
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  try {
    server = await startCodeServer({
      runtime,
      vsix,
      workspaceTrust: options.workspaceTrust ?? false,
      settings: options.settings ?? {},
      onOutput: (chunk) => serverOutput.add(chunk),
    });
    browser = await launchBrowser();
    browser.page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') consoleLines.push(`[${m.type()}] ${m.text()}`);
    });
    browser.page.on('pageerror', (e) => consoleLines.push(`[pageerror] ${e.message}`));
    const workbench = new Workbench(browser.page);
    if (options.folder === undefined) await workbench.openEmpty(server.url);
    else await workbench.open(server.folderUrl(options.folder));
    await body({ workbench, server });
  } catch (error) {
    const dir = await saveFailureArtifacts({
      testName: t.name,
      page: browser?.page,
      userDataDir: server?.userDataDir,
      codeServerOutput: serverOutput.toString(),
      browserConsole: consoleLines,
      error,
    });
    t.diagnostic(`screenshot and logs: ${dir}`);
    throw error;
  } finally {
    await browser?.close();
    await server?.stop();
  }
}

/**
 * The usual suite set-up: VS Code installed and packaged once, and a seeded copy
 * of native/ for the suite's cases, removed when the suite ends.
 */
export function seededSuite(): { readonly workspace: Workspace } {
  const suite: { workspace: Workspace } = { workspace: undefined as unknown as Workspace };
  before(
    async () => {
      await prepare();
      suite.workspace = seededAllocatorWorkspace();
    },
    { timeout: 20 * 60_000 },
  );
  after(() => suite.workspace?.remove());
  return suite;
}

// Starts code-server on 127.0.0.1 in its own process group, with a fresh
// user-data dir and extensions dir, the extension installed from the .vsix.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { Runtime } from './install';
import { makeTempDir, removeTempDir, stopGroup, trackGroup } from './processes';

export interface CodeServerOptions {
  runtime: Runtime;
  vsix: string;
  /** Workspace trust on (the folder opens in Restricted Mode) or off (everything trusted). */
  workspaceTrust?: boolean;
  /** Extra user settings merged over the harness defaults. */
  settings?: Record<string, unknown>;
  /** Fixed port; a free one is picked when absent. */
  port?: number;
  /** Where code-server's own output goes; ignored when absent. */
  onOutput?: (chunk: string) => void;
}

export interface CodeServer {
  url: string;
  port: number;
  userDataDir: string;
  extensionsDir: string;
  /** Settles with the exit reason if code-server stops by itself. */
  exited: Promise<string>;
  /** URL that opens `folder` in the workbench. */
  folderUrl(folder: string): string;
  /** Stops the whole process group and removes the temporary dirs. */
  stop(): Promise<void>;
}

/** Settings that keep the workbench quiet and predictable for a test run. */
export function defaultSettings(workspaceTrust: boolean): Record<string, unknown> {
  return {
    'chat.disableAIFeatures': true,
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'workbench.enableExperiments': false,
    'workbench.welcomePage.walkthroughs.openOnInstall': false,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'extensions.ignoreRecommendations': true,
    'git.enabled': false,
    'files.autoSave': 'off',
    // Typed text must land exactly as typed.
    'editor.autoClosingBrackets': 'never',
    'editor.autoClosingQuotes': 'never',
    'editor.autoIndent': 'none',
    'editor.formatOnType': false,
    'editor.acceptSuggestionOnEnter': 'off',
    'editor.quickSuggestions': { other: false, comments: false, strings: false },
    'editor.suggestOnTriggerCharacters': false,
    'editor.minimap.enabled': false,
    'security.workspace.trust.enabled': workspaceTrust,
    // With trust on, open untrusted folders in Restricted Mode without a modal prompt.
    'security.workspace.trust.startupPrompt': 'never',
    'security.workspace.trust.banner': 'never',
  };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function commonArgs(configFile: string, userDataDir: string, extensionsDir: string): string[] {
  return ['--config', configFile, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];
}

function installExtension(runtime: Runtime, base: string[], vsix: string): void {
  const r = spawnSync(runtime.node, [runtime.codeServerEntry, ...base, '--install-extension', vsix], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (r.status !== 0) {
    throw new Error(`code-server --install-extension ${vsix} failed (${r.signal ?? `exit ${r.status}`}):\n${r.stdout}${r.stderr}`);
  }
}

async function waitHealthy(url: string, exited: () => string | undefined, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  while (Date.now() < deadline) {
    const gone = exited();
    if (gone) throw new Error(`code-server exited before it was ready (${gone})`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) return;
      lastError = `HTTP ${res.status}`;
    } catch (e) {
      lastError = (e as Error).message;
    }
    await delay(200);
  }
  throw new Error(`code-server did not answer ${url}/healthz within ${timeoutMs} ms (${lastError})`);
}

export async function startCodeServer(options: CodeServerOptions): Promise<CodeServer> {
  const trust = options.workspaceTrust ?? false;
  const home = makeTempDir('hakmem-e2e-code-');
  const userDataDir = join(home, 'user-data');
  const extensionsDir = join(home, 'extensions');
  const configFile = join(home, 'config.yaml');
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  const port = options.port ?? (await freePort());
  // Without --config code-server would write ~/.config/code-server/config.yaml.
  writeFileSync(configFile, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  writeFileSync(
    join(userDataDir, 'User', 'settings.json'),
    JSON.stringify({ ...defaultSettings(trust), ...options.settings }, null, 2) + '\n',
  );
  const base = commonArgs(configFile, userDataDir, extensionsDir);
  try {
    installExtension(options.runtime, base, options.vsix);
  } catch (e) {
    removeTempDir(home);
    throw e;
  }

  const args = [
    options.runtime.codeServerEntry,
    ...base,
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    ...(trust ? [] : ['--disable-workspace-trust']),
  ];
  // detached: its own process group, so its helpers (watcher, extension host, language server) stop with it.
  const child = spawn(options.runtime.node, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const pgid = child.pid;
  if (pgid === undefined) {
    removeTempDir(home);
    throw new Error('code-server did not start');
  }
  trackGroup(pgid);
  let exitReason: string | undefined;
  const exited = new Promise<string>((resolve) =>
    child.on('exit', (code, signal) => {
      exitReason = signal ?? `exit ${code}`;
      resolve(exitReason);
    }),
  );
  let recentOutput = '';
  const forward = (chunk: Buffer) => {
    recentOutput = (recentOutput + chunk.toString()).slice(-4000);
    options.onOutput?.(chunk.toString());
  };
  child.stdout?.on('data', forward);
  child.stderr?.on('data', forward);

  const url = `http://127.0.0.1:${port}`;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await stopGroup(pgid);
    removeTempDir(home);
  };
  try {
    await waitHealthy(url, () => exitReason, 30_000);
  } catch (e) {
    await stop();
    throw new Error(`${(e as Error).message}\ncode-server output:\n${recentOutput}`, { cause: e });
  }
  return {
    url,
    exited,
    port,
    userDataDir,
    extensionsDir,
    folderUrl: (folder) => `${url}/?folder=${encodeURIComponent(folder).replace(/%2F/g, '/')}`,
    stop,
  };
}

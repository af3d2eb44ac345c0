// Installs the two things a real VS Code needs here, from the npm registry only:
// Node 24 (code-server's required runtime) and code-server itself. Both live in
// the git-ignored cache folder and are reused once a marker says the install
// finished; a half-finished install is wiped before the retry.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../util/paths';
import { withLock } from './lock';
import { withoutNpmContext } from '../../util/npmEnv';

export const CODE_SERVER_VERSION = '4.139.1';
const NODE_MAJOR = '24';

export const cacheDir = join(repoRoot, '.cache', 'e2e');

export interface Runtime {
  /** Node 24 executable that runs code-server. */
  node: string;
  /** code-server's entry script (run it with `node`). */
  codeServerEntry: string;
}

const MARKER = '.installed';

function log(message: string): void {
  process.stderr.write(`e2e: ${message}\n`);
}

function nodePackageName(): string {
  const arch = process.arch === 'arm64' ? 'arm64' : 'x64';
  return `node-linux-${arch}`;
}

function markerMatches(dir: string, wanted: string): boolean {
  const marker = join(dir, MARKER);
  return existsSync(marker) && readFileSync(marker, 'utf8').trim() === wanted;
}

/** Runs npm with Node 24 first on PATH, streaming its output so a long install shows progress. */
function runNpm(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', args, { cwd, env, stdio: ['ignore', 'inherit', 'inherit'] });
    const started = Date.now();
    const ticker = setInterval(() => log(`  still installing (${Math.round((Date.now() - started) / 1000)} s)…`), 15_000);
    child.on('error', (e) => {
      clearInterval(ticker);
      reject(new Error(`cannot run npm: ${e.message}`));
    });
    child.on('exit', (code, signal) => {
      clearInterval(ticker);
      if (code === 0) resolve();
      else reject(new Error(`npm ${args.join(' ')} failed in ${cwd} (${signal ?? `exit ${code}`})`));
    });
  });
}

/** Prepares `dir` for a clean install: a failed earlier attempt can leave broken .bin links behind. */
function freshInstallDir(dir: string): void {
  rmSync(join(dir, 'node_modules'), { recursive: true, force: true });
  rmSync(join(dir, 'package-lock.json'), { force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `e2e-${Date.now()}`, private: true }) + '\n');
}

async function ensureNode(): Promise<{ node: string; home: string }> {
  const dir = join(cacheDir, `node${NODE_MAJOR}`);
  const pkg = nodePackageName();
  const home = join(dir, 'node_modules', pkg);
  const node = join(home, 'bin', 'node');
  const wanted = `${pkg}@${NODE_MAJOR}`;
  if (markerMatches(dir, wanted) && existsSync(node)) return { node, home };
  log(`installing Node ${NODE_MAJOR} (${wanted}) into ${dir}`);
  freshInstallDir(dir);
  await runNpm(['install', '--no-audit', '--no-fund', '--prefix', dir, wanted], dir, process.env);
  if (!existsSync(node)) throw new Error(`${wanted} installed but ${node} is missing`);
  writeFileSync(join(dir, MARKER), wanted + '\n');
  return { node, home };
}

async function ensureCodeServer(nodeHome: string): Promise<string> {
  const dir = join(cacheDir, 'code-server');
  const entry = join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  const wanted = `code-server@${CODE_SERVER_VERSION}`;
  if (markerMatches(dir, wanted) && existsSync(entry)) return entry;
  log(`installing ${wanted} into ${dir} (compiles native modules; a few minutes on 2 cores)`);
  freshInstallDir(dir);
  const env: NodeJS.ProcessEnv = {
    ...withoutNpmContext(process.env),
    PATH: `${join(nodeHome, 'bin')}:${process.env.PATH ?? ''}`,
    // node-gyp must build against Node 24's headers, not the system Node's.
    npm_config_nodedir: nodeHome,
  };
  await runNpm(['install', '--no-audit', '--no-fund', '--foreground-scripts', '--prefix', dir, wanted], dir, env);
  if (!existsSync(entry)) throw new Error(`${wanted} installed but ${entry} is missing`);
  writeFileSync(join(dir, MARKER), wanted + '\n');
  return entry;
}

/** Node 24 and code-server, installed on first use and reused afterwards. */
export async function ensureRuntime(): Promise<Runtime> {
  mkdirSync(cacheDir, { recursive: true });
  return withLock(join(cacheDir, 'install.lock'), async () => {
    const { node, home } = await ensureNode();
    const codeServerEntry = await ensureCodeServer(home);
    return { node, codeServerEntry };
  });
}

// One entry for every npm script that needs set-up: installs what is missing
// (npm packages, Debian packages when running as root), builds, then runs the
// requested job. Uses only Node built-ins so it works before `npm ci`.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Debian packages the project's tools and tests use, with how to tell each is present. */
export const systemPackages = [
  { pkg: 'build-essential', present: () => onPath('gcc') && onPath('make') },
  { pkg: 'linux-perf', present: () => onPath('perf') },
  { pkg: 'valgrind', present: () => onPath('valgrind') },
  // Crash stacks (hakmem triage, failed benchmark runs).
  { pkg: 'gdb', present: () => onPath('gdb') },
  { pkg: 'chromium', present: () => existsSync('/usr/bin/chromium') },
  { pkg: 'libmimalloc2.0', present: () => libExists('libmimalloc.so.2') },
  { pkg: 'libjemalloc2', present: () => libExists('libjemalloc.so.2') },
  { pkg: 'libtcmalloc-minimal4', present: () => libExists('libtcmalloc_minimal.so.4') },
  { pkg: 'libkrb5-dev', present: () => existsSync('/usr/include/krb5.h') || existsSync('/usr/include/krb5/krb5.h') },
  { pkg: 'git', present: () => onPath('git') },
  { pkg: 'sparse', present: () => onPath('sparse') },
  { pkg: 'strace', present: () => onPath('strace') },
  // /usr/bin/time -f %M: the independent check of the peak RSS the benchmarks report.
  { pkg: 'time', present: () => existsSync('/usr/bin/time') },
];

function onPath(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

function libExists(name) {
  return ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib', '/usr/local/lib'].some((d) => existsSync(join(d, name)));
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts });
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} failed (${r.signal ?? 'exit ' + r.status})`);
  }
}

/** Installs missing Debian packages when we can (root with apt-get); otherwise says what is missing. */
export function ensureSystemPackages() {
  const missing = systemPackages.filter((p) => !p.present()).map((p) => p.pkg);
  if (missing.length === 0) return;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !onPath('apt-get')) {
    console.warn(`hakmem: missing system packages (tests that need them will say so): ${missing.join(' ')}`);
    return;
  }
  console.log(`hakmem: installing Debian packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update', '-qq'], { env });
  run('apt-get', ['install', '-y', '-qq', ...missing], { env });
}

/**
 * Runs `npm ci` when node_modules is absent or was installed from another lock
 * file. The lock's hash is kept beside the install: file times would call a
 * fresh checkout of the same lock stale and reinstall for nothing.
 */
export function ensureNodeModules() {
  const stamp = join(root, 'node_modules/.hakmem-lock-sha256');
  const lockHash = createHash('sha256')
    .update(readFileSync(join(root, 'package-lock.json')))
    .digest('hex');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === lockHash) return;
  run('npm', ['ci', '--no-audit', '--no-fund']);
  writeFileSync(stamp, lockHash + '\n');
}

/** `tsc -b`: the extension's, the server's and the tests' TypeScript into out/ (no bundles). */
export function compileTypeScript() {
  run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-b']);
}

export function buildAll() {
  compileTypeScript();
  run(process.execPath, [join(root, 'server/scripts/build.mjs')]);
  if (existsSync(join(root, 'native/Makefile'))) run('make', ['-s', '-C', 'native', `-j${2}`]);
}

export function setup({ system = true } = {}) {
  ensureNodeModules();
  if (system) ensureSystemPackages();
  buildAll();
}

/** The .vsix (vsce runs the vscode:prepublish production build; bundled, so no node_modules inside). */
export function packageVsix() {
  // README links stay relative: the package is installed from the file, not a marketplace that rewrites them.
  run(process.execPath, [
    join(root, 'node_modules/@vscode/vsce/vsce'),
    'package',
    '--no-dependencies',
    '--no-rewrite-relative-links',
    '-o',
    'hakmem-devtools.vsix',
  ]);
}

const jobs = {
  '--build': () => setup({ system: false }),
  '--start': () => {
    setup();
    run(process.execPath, [join(root, 'server/dist/cli.js'), 'start'], { stdio: 'inherit' });
  },
  '--package': () => {
    setup({ system: false });
    packageVsix();
  },
  '--code': () => {
    setup();
    packageVsix();
    run(process.execPath, [join(root, 'out/test/e2e/code.js'), ...process.argv.slice(3)]);
  },
  '--bench': () => {
    setup();
    const which = process.argv[3] ?? 'lint';
    run(process.execPath, [join(root, `out/test/figures/${which}.js`), ...process.argv.slice(4)]);
  },
};

if (import.meta.url === `file://${process.argv[1]}`) {
  const job = jobs[process.argv[2] ?? '--build'];
  if (!job) {
    console.error(`usage: setup.mjs ${Object.keys(jobs).join('|')}`);
    process.exit(2);
  }
  try {
    job();
  } catch (e) {
    console.error(`hakmem: ${e.message}`);
    process.exit(1);
  }
}

// The `hakmem` command as a user gets it: the project packed with `npm pack`,
// the tarball installed into a fresh prefix, and the bin that npm links run by
// its path. Calling server/dist/cli.js directly would not see a bin that loads
// the bundle and then does nothing.
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withoutNpmContext } from './npmEnv';
import { repoRoot } from './paths';

export interface Run {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface InstalledHakmem {
  /** The linked bin, `<prefix>/bin/hakmem`. */
  readonly bin: string;
  /** A scratch folder removed by `remove()`; the tarball and the prefix live in it. */
  readonly work: string;
  /** Runs the installed command in `cwd` (two minutes at most, unless `options.timeout` says otherwise). */
  run(args: readonly string[], cwd: string, options?: SpawnSyncOptions): Run;
  remove(): void;
}

export const npmEnv = withoutNpmContext(process.env);

function npm(args: string[], cwd: string): Run {
  const r = spawnSync('npm', args, { cwd, env: npmEnv, encoding: 'utf8', timeout: 300_000 });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** Packs the project and installs the tarball globally into a fresh prefix, offline. */
export function installHakmem(): InstalledHakmem {
  const work = mkdtempSync(join(tmpdir(), 'hakmem-installed-'));
  const packed = npm(['pack', '--pack-destination', work, '--silent'], repoRoot);
  assert.equal(packed.status, 0, `npm pack failed: ${packed.stderr}`);
  const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
  assert.ok(tarball, `npm pack wrote no tarball: ${packed.stdout}`);
  const prefix = join(work, 'prefix');
  const installed = npm(['install', '--global', '--prefix', prefix, '--offline', '--no-audit', '--no-fund', join(work, tarball)], work);
  assert.equal(installed.status, 0, `npm install of the tarball failed: ${installed.stderr}`);
  const bin = join(prefix, 'bin', 'hakmem');
  assert.ok(existsSync(bin), `npm linked no hakmem command into ${prefix}/bin`);
  return {
    bin,
    work,
    run(args, cwd, options = {}) {
      const r = spawnSync(bin, args, { cwd, env: npmEnv, encoding: 'utf8', timeout: 120_000, ...options });
      return { status: r.status, signal: r.signal, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? '') };
    },
    remove() {
      rmSync(work, { recursive: true, force: true });
    },
  };
}

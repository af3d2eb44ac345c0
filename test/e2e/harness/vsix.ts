// The suite tests the packaged extension, never the source tree: it installs
// hakmem-devtools.vsix, re-packaging it first when sources are newer.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../util/paths';
import { cacheDir } from './install';
import { withLock } from './lock';

export const vsixPath = join(repoRoot, 'hakmem-devtools.vsix');

/** The sample allocator's files and folders in native/ (server/src/init/sample.json): packaged too, build/ is not. */
function sampleSources(): string[] {
  const list = JSON.parse(readFileSync(join(repoRoot, 'server/src/init/sample.json'), 'utf8')) as { files: string[]; folders: string[] };
  return [...list.files, ...list.folders].map((p) => join('native', p));
}

/** What goes into the package; a change to any of these makes the .vsix stale. */
const PACKAGED_SOURCES = [
  'package.json',
  '.vscodeignore',
  'client/src',
  'server/src',
  'server/schema',
  'server/scripts',
  'media/src',
  ...sampleSources(),
];

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = 0;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)));
  return newest;
}

function isStale(vsix: string): boolean {
  if (!existsSync(vsix)) return true;
  const built = statSync(vsix).mtimeMs;
  return PACKAGED_SOURCES.some((p) => newestMtime(join(repoRoot, p)) > built);
}

/**
 * Path of the .vsix to install. HAKMEM_E2E_VSIX names a prebuilt package to use as is;
 * otherwise the repository's package is (re)built by the set-up script when missing or stale.
 */
export async function ensureVsix(): Promise<string> {
  const override = process.env.HAKMEM_E2E_VSIX;
  if (override) {
    if (!existsSync(override)) throw new Error(`HAKMEM_E2E_VSIX=${override}: no such file`);
    return override;
  }
  if (!isStale(vsixPath)) return vsixPath;
  mkdirSync(cacheDir, { recursive: true });
  // Test files may run in parallel: one packages, the others then find it fresh.
  return withLock(join(cacheDir, 'package.lock'), async () => (isStale(vsixPath) ? packageVsix() : vsixPath));
}

function packageVsix(): string {
  process.stderr.write('e2e: packaging hakmem-devtools.vsix (node server/scripts/setup.mjs --package)\n');
  const r = spawnSync(process.execPath, [join(repoRoot, 'server/scripts/setup.mjs'), '--package'], {
    cwd: repoRoot,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (r.status !== 0 || !existsSync(vsixPath)) {
    throw new Error(
      `${vsixPath} is missing and packaging it failed (${r.signal ?? `exit ${r.status}`}); ` +
        'run `node server/scripts/setup.mjs --package` to see why',
    );
  }
  return vsixPath;
}

import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

function findRoot(start: string): string {
  let dir = start;
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'native'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`repository root not found above ${start}`);
    dir = up;
  }
  return dir;
}

/** The repository root (tests run from out/test, fixtures live in test/fixtures). */
export const repoRoot = findRoot(__dirname);
export const fixturesDir = join(repoRoot, 'test', 'fixtures');
export const cliPath = join(repoRoot, 'server', 'dist', 'cli.js');
export const serverPath = join(repoRoot, 'server', 'dist', 'server.js');

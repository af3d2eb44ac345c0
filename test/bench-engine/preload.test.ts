// An allocator library whose path ld.so would split (a space, a colon) is
// still loaded for real: the benchmark itself checks /proc/self/maps.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runSuite } from '../../server/src/bench/runner';
import { buildFixture, fixtureSpec, tempDir } from './support';
import { repoRoot } from '../util/paths';

const dir = tempDir('preload');
let mapped: string;

before(() => {
  mapped = buildFixture('mapped', dir);
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** A copy of the bundled release library at `relative` under the temp folder. */
function libraryAt(relative: string): string {
  const path = join(dir, relative);
  mkdirSync(join(path, '..'), { recursive: true });
  copyFileSync(join(repoRoot, 'native', 'build', 'release', 'libhakmem.so'), path);
  return path;
}

describe('preloading a library by a path ld.so would split', () => {
  for (const relative of ['My Libs/libhakmem.so', 'a:b/libhakmem.so']) {
    it(`loads ${JSON.stringify(relative)} for real`, async () => {
      const library = libraryAt(relative);
      const r = await runSuite({
        // The benchmark exits 4 unless a mapping of the library's own file is in its maps.
        benchmark: fixtureSpec('mapped', mapped, [library]),
        allocators: [library],
        runs: 3,
        warmup: 0,
        timeoutMs: 20_000,
        signal: new AbortController().signal,
      });
      assert.deepEqual(r.failures, []);
      assert.equal(r.ok, true);
      assert.equal(r.records[0]!.samples.length, 3);
      assert.equal(r.records[0]!.allocator.library, library);
    });
  }
});

// Needs native/ built (make -C native) and a perf that may sample here.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { perfEvent } from '../../server/src/profile/tools';
import { runCli } from '../util/cli';
import { repoRoot } from '../util/paths';

const tmp = mkdtempSync(join(tmpdir(), 'hakmem-profile-bench-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('hakmem profile on the bundled allocator', () => {
  it('profiles a bundled benchmark under the bundled profiling allocator', (t) => {
    const binary = join(repoRoot, 'native', 'build', 'bench', 'bench_random_mixed');
    const lib = join(repoRoot, 'native', 'build', 'prof', 'libhakmem.so');
    if (!existsSync(binary) || !existsSync(lib)) return t.skip('native/ is not built (make -C native)');
    const choice = perfEvent();
    if ('problem' in choice) return t.skip(choice.problem);
    const outDir = join(tmp, 'prof');
    const r = runCli(['profile', 'random_mixed', '--args', '1000000 1024 42 16 1024', '--out-dir', outDir], tmp);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(
      existsSync(join(outDir, 'perf.data')) && existsSync(join(outDir, 'profile.folded')) && existsSync(join(outDir, 'flame.html')),
    );
    assert.match(r.stdout, /self%\s+total%/);
    assert.match(readFileSync(join(outDir, 'profile.folded'), 'utf8'), /main;.*hak_(alloc|free)/);
  });
});

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { perfEvent } from '../../server/src/profile/tools';
import { cliPath, fixturesDir, repoRoot } from '../util/paths';

const tmp = mkdtempSync(join(tmpdir(), 'hakmem-flame-cli-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const fixtures = join(fixturesDir, 'profile');

function hakmem(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cliPath, ...args], { cwd: tmp, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('hakmem flame / hakmem profile', () => {
  it('writes a self-contained page from a perf script file', () => {
    const out = join(tmp, 'page.html');
    const r = hakmem('flame', join(fixtures, 'workload.perf-script'), '-o', out, '--top', '3');
    assert.equal(r.status, 0, r.stderr);
    const html = readFileSync(out, 'utf8');
    assert.ok(!/<script[^>]+src=/.test(html), 'no external script');
    assert.match(html, /id="hakmem-profile-data"/);
    assert.match(html, /spin_inner/);
    assert.match(r.stdout, /spin_inner/);
  });

  it('writes folded stacks and speedscope JSON', () => {
    const r = hakmem('flame', join(fixtures, 'workload.callgrind.out'), '--folded');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /;main;spin_outer;spin_inner \d+$/m);
    const out = join(tmp, 'x.speedscope.json');
    assert.equal(hakmem('flame', join(fixtures, 'edge.folded'), '--speedscope', '-o', out).status, 0);
    assert.equal(JSON.parse(readFileSync(out, 'utf8')).profiles[0].type, 'sampled');
  });

  it('writes a differential page', () => {
    const out = join(tmp, 'diff.html');
    const r = hakmem('flame', join(fixtures, 'workload.perf-script'), '--diff', join(fixtures, 'workload.callgrind.out'), '-o', out);
    assert.equal(r.status, 0, r.stderr);
    assert.match(readFileSync(out, 'utf8'), /"baselineSelf":\[/);
  });

  it('exits 2 with one clear line for unknown or missing files and bad usage', () => {
    const junk = join(tmp, 'junk.bin');
    writeFileSync(junk, Buffer.from([0, 1, 2, 3, 255, 254]));
    const unknown = hakmem('flame', junk);
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /unknown profile format/);
    const missing = hakmem('flame', join(tmp, 'nope.txt'));
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /ENOENT/);
    assert.equal(hakmem('flame').status, 2);
    assert.equal(hakmem('flame', 'a', '--bogus').status, 2);
    assert.equal(hakmem('profile').status, 2);
    assert.equal(hakmem('profile', 'no_such_bench').status, 2);
    assert.equal(hakmem('profile', 'fixed_size', '--tool', 'gprof').status, 2);
  });

  it('profiles a bundled benchmark under the bundled profiling allocator', (t) => {
    const binary = join(repoRoot, 'native', 'build', 'bench', 'bench_random_mixed');
    const lib = join(repoRoot, 'native', 'build', 'prof', 'libhakmem.so');
    if (!existsSync(binary) || !existsSync(lib)) return t.skip('native/ is not built (make -C native)');
    const choice = perfEvent();
    if ('problem' in choice) return t.skip(choice.problem);
    const outDir = join(tmp, 'prof');
    const r = hakmem('profile', 'random_mixed', '--args', '1000000 1024 42 16 1024', '--out-dir', outDir);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(existsSync(join(outDir, 'perf.data')) && existsSync(join(outDir, 'profile.folded')) && existsSync(join(outDir, 'flame.html')));
    assert.match(r.stdout, /self%\s+total%/);
    assert.match(readFileSync(join(outDir, 'profile.folded'), 'utf8'), /main;.*hak_(alloc|free)/);
  });
});

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runCli, type CliRun } from '../util/cli';
import { fixturesDir } from '../util/paths';

const tmp = mkdtempSync(join(tmpdir(), 'hakmem-flame-cli-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const fixtures = join(fixturesDir, 'profile');

function hakmem(...args: string[]): CliRun {
  return runCli(args, tmp);
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
});

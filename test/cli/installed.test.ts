// The `hakmem` command as a user gets it: the project packed with `npm pack`,
// the tarball installed into a fresh prefix, and the bin that npm links run
// by its path. Calling server/dist/cli.js directly would not see a bin that
// loads the bundle and then does nothing.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { installHakmem, type InstalledHakmem } from '../util/installedCli';
import { fixturesDir } from '../util/paths';

describe('the installed hakmem command', () => {
  let installed: InstalledHakmem;
  let work: string;
  let clean: string;

  before(() => {
    installed = installHakmem();
    work = installed.work;
    clean = join(work, 'clean');
    mkdirSync(clean);
    writeFileSync(
      join(clean, 'alloc.c'),
      'static void *pop(unsigned long n) { (void)n; return 0; }\nvoid *malloc(unsigned long n) { return pop(n); }\n',
    );
  });

  after(() => installed?.remove());

  const hakmem = (args: string[], cwd: string) => installed.run(args, cwd);

  it('prints its usage for --help and exits 0', () => {
    const r = hakmem(['--help'], work);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^usage: hakmem <command>/);
    for (const c of ['lint', 'bench', 'profile', 'flame']) assert.match(r.stdout, new RegExp(`^  ${c}$`, 'm'));
  });

  it('exits 1 and prints the finding for a hot-path fprintf', () => {
    const r = hakmem(['lint', join(fixturesDir, 'lint', 'io')], work);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stdout, /alloc\.c:\d+:\d+: warning: .*\[hot-path-io\]/);
  });

  it('exits 0 on clean code', () => {
    const r = hakmem(['lint', '.'], clean);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /no findings in 1 files/);
  });

  it('exits 2 on bad usage, with the reason', () => {
    const r = hakmem(['lint', '--format', 'yaml', '.'], clean);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--format/);
    assert.equal(hakmem(['no-such-command'], clean).status, 2);
  });

  it('lists the bundled benchmarks it was installed with', () => {
    const r = hakmem(['bench', 'list'], clean);
    assert.equal(r.status, 0, r.stderr);
    for (const b of ['larson', 'random_mixed', 'fixed_size', 'mid_large_mt']) assert.match(r.stdout, new RegExp(`\\b${b}\\b`));
  });
});

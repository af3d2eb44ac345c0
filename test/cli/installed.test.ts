// The `hakmem` command as a user gets it: the project packed with `npm pack`,
// the tarball installed into a fresh prefix, and the bin that npm links run
// by its path. Calling server/dist/cli.js directly would not see a bin that
// loads the bundle and then does nothing.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sampleFiles } from '../../server/src/init/sample';
import { installHakmem, type InstalledHakmem } from '../util/installedCli';
import { fixturesDir, repoRoot } from '../util/paths';

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

  describe('init --sample', () => {
    const native = join(repoRoot, 'native');
    /** Every file under `dir`, relative with '/', sorted. */
    const filesUnder = (dir: string, rel = ''): string[] =>
      readdirSync(join(dir, rel), { withFileTypes: true })
        .flatMap((e) => (e.isDirectory() ? filesUnder(dir, `${rel}${e.name}/`) : [`${rel}${e.name}`]))
        .sort();

    it('copies the bundled allocator into a new folder, which lints clean and has its benchmarks', () => {
      const r = hakmem(['init', '--sample', 'my-alloc'], work);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /copied the bundled allocator \(\d+ files\) to my-alloc/);
      const target = join(work, 'my-alloc');
      const expected = sampleFiles(native);
      // Sources only: no build output, no run history.
      assert.deepEqual(filesUnder(target), expected);
      for (const f of ['Makefile', '.hakmem.json', 'src/hakmem_api.c', 'bench/bench_fixed_size.c']) assert.ok(expected.includes(f), f);
      for (const f of expected) assert.equal(readFileSync(join(target, f), 'utf8'), readFileSync(join(native, f), 'utf8'), f);

      const lint = hakmem(['lint', '.'], target);
      assert.equal(lint.status, 0, lint.stdout + lint.stderr);
      const list = hakmem(['bench', 'list', '--json'], target);
      assert.equal(list.status, 0, list.stderr);
      const listed = JSON.parse(list.stdout) as { benchmarks: Array<{ name: string; binary: string }> };
      const fixed = listed.benchmarks.find((b) => b.name === 'fixed_size');
      assert.equal(fixed?.binary, join(realpathSync(target), 'build', 'bench', 'bench_fixed_size'), 'the benchmarks build in the copy');
    });

    it('copies into an existing empty folder', () => {
      const target = join(work, 'empty');
      mkdirSync(target);
      const r = hakmem(['init', '--sample', target], work);
      assert.equal(r.status, 0, r.stderr);
      assert.ok(existsSync(join(target, 'Makefile')));
    });

    it('refuses a folder that holds anything, and changes nothing in it', () => {
      const target = join(work, 'taken');
      mkdirSync(target);
      writeFileSync(join(target, 'Makefile'), 'mine\n');
      const r = hakmem(['init', '--sample', 'taken'], work);
      assert.equal(r.status, 2);
      assert.match(r.stderr, /taken is not empty; nothing was copied/);
      assert.deepEqual(readdirSync(target), ['Makefile']);
      assert.equal(readFileSync(join(target, 'Makefile'), 'utf8'), 'mine\n');
      assert.equal(hakmem(['init', '--sample', 'taken', '--force'], work).status, 2, '--force does not make it replace files');
      assert.equal(readFileSync(join(target, 'Makefile'), 'utf8'), 'mine\n');
    });

    it('refuses a file as the folder, and --sample without a folder', () => {
      writeFileSync(join(work, 'a-file'), 'x');
      const r = hakmem(['init', '--sample', 'a-file'], work);
      assert.equal(r.status, 2);
      assert.match(r.stderr, /a-file is a file, not a folder/);
      const bare = hakmem(['init', '--sample'], work);
      assert.equal(bare.status, 2);
      assert.match(bare.stderr, /--sample needs a value/);
    });
  });
});

// `hakmem bench suite` as a user runs it (the bundled CLI): rows of the
// standard suite in quick mode under hakmem, glibc, an allocator that crashes
// on large blocks and one that does not exist; the table, the means, the
// failures, history and the verdict against the previous suite run.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { SuiteReport } from '../../server/src/bench/suite/types';
import { cliPath, fixturesDir } from '../util/paths';
import { tempDir } from './support';

const dir = tempDir('suite');
const ws = join(dir, 'ws');
const crash = join(dir, 'libcrash.so');
const missing = join(dir, 'no-such-allocator.so');

function cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cliPath, 'bench', 'suite', ...args], { cwd: ws, encoding: 'utf8', timeout: 600_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

before(() => {
  mkdirSync(ws, { recursive: true });
  // A workspace of its own (history goes here), benchmarking the bundled allocator.
  writeFileSync(join(ws, '.hakmem.json'), '{}\n');
  const cc = spawnSync('gcc', ['-shared', '-fPIC', '-O1', '-o', crash, join(fixturesDir, 'bench', 'crashalloc.c')], { encoding: 'utf8' });
  assert.equal(cc.status, 0, cc.stderr);
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('hakmem bench suite', () => {
  const rows = 'xmalloc,malloc_large,glibc_simple';
  const allocators = `hakmem,system,${crash},${missing}`;

  it('runs each row under each allocator; a crash fails its cells, a missing allocator is reported', { timeout: 600_000 }, () => {
    const r = cli(['--quick', '--runs', '2', '--rows', rows, '--allocators', allocators, '--json']);
    assert.equal(r.status, 1, `a crashed run makes the suite exit 1\n${r.stderr.slice(-2000)}`);
    const report = JSON.parse(r.stdout) as SuiteReport;
    assert.deepEqual(
      report.rows.map((x) => x.workload),
      ['xmalloc', 'malloc_large', 'glibc_simple'],
    );
    assert.ok(
      report.missing.some((m) => m.allocator === missing),
      'the missing allocator is named',
    );
    assert.ok(!report.allocators.includes(missing));
    const large = report.rows.find((x) => x.workload === 'malloc_large')!;
    const crashed = large.failures.find((f) => f.allocator === crash);
    assert.ok(crashed, 'the crash on large blocks is a failure of that row');
    assert.equal(crashed.kind, 'crash');
    assert.equal(crashed.signal, 'SIGSEGV');
    assert.deepEqual(large.cells.map((c) => c.allocator).sort(), ['hakmem', 'system']);
    for (const row of report.rows) {
      // Small blocks only: the broken allocator measures like glibc there.
      if (row.workload !== 'malloc_large') assert.equal(row.cells.length, 3, `${row.workload}: ${JSON.stringify(row.failures)}`);
      const best = row.cells.filter((c) => c.relTime === 1);
      assert.equal(best.length, 1, `${row.workload}: exactly one best allocator`);
      for (const c of row.cells) {
        assert.ok(c.relTime >= 1 && c.runs === 2, `${row.workload} ${c.allocator}: ${JSON.stringify(c)}`);
        assert.ok(c.rssKb !== null && c.rssKb > 0 && c.relRss !== null && c.relRss >= 1);
        assert.ok(c.sysSeconds !== null && c.sysSeconds >= 0 && c.minorFaults !== null && c.minorFaults > 0);
      }
      assert.ok(row.verdicts.length >= 1 && row.verdicts.every((v) => v.startsWith('hakmem')), row.verdicts.join('\n'));
    }
    const means = new Map(report.means.map((m) => [m.allocator, m]));
    assert.equal(means.get('hakmem')?.rows, 3);
    assert.equal(means.get(crash)?.rows, 2, 'the crashed row is left out of its mean');
    for (const m of report.means) assert.ok(m.relTimeCi[0] <= m.relTime && m.relTime <= m.relTimeCi[1] && m.relTime >= 1);
    assert.equal(report.previous, undefined, 'no earlier suite run yet');
    assert.ok(existsSync(join(ws, '.hakmem', 'suites.jsonl')));
    assert.equal(
      readFileSync(join(ws, '.hakmem', 'history.jsonl'), 'utf8')
        .trim()
        .split('\n').length,
      8,
      'a history record per row and allocator measured',
    );
  });

  it('prints the table, the means and the verdict against the previous suite run', { timeout: 600_000 }, () => {
    const r = cli(['--quick', '--runs', '2', '--rows', 'glibc_simple', '--allocators', 'hakmem,system', '--html', 'suite.html']);
    assert.equal(r.status, 0, r.stderr.slice(-2000));
    assert.match(r.stdout, /^glibc_simple\s+[\d.]+\s+[\d.]+ {2}\[[\d.]+ s\]$/m);
    assert.match(r.stdout, /^ {2}hakmem\s+time [\d.]+ \[[\d.]+, [\d.]+\] {2}rss [\d.]+ {2}\(1 rows\)$/m);
    assert.match(
      r.stdout,
      /hakmem (vs the previous suite run .*: no significant change|is [\d.]+× (faster|slower) than in the previous suite run)/,
    );
    const page = readFileSync(join(ws, 'suite.html'), 'utf8');
    assert.match(page, /id="hakmem-suite-data"/);
    assert.equal(
      readFileSync(join(ws, '.hakmem', 'suites.jsonl'), 'utf8')
        .trim()
        .split('\n').length,
      2,
    );
  });

  it('rejects an unknown row and an unknown allocator with usage (exit 2)', () => {
    const a = cli(['--rows', 'nope']);
    assert.equal(a.status, 2);
    assert.match(a.stderr, /unknown suite row 'nope' \(known: larson, xmalloc/);
    const b = cli(['--allocators', 'hakmem,nosuch']);
    assert.equal(b.status, 2);
    assert.match(b.stderr, /unknown allocator 'nosuch'/);
  });
});

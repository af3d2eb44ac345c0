// `hakmem bench` as a user runs it: the bundled CLI in a workspace with its own
// .hakmem.json, JSON output, compare with a regression gate, and history that
// stays valid JSONL when the CLI is killed with SIGKILL mid-run.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { appendHistory, historyPath, readHistory } from '../../server/src/bench/history';
import type { BenchRecord } from '../../server/src/bench/record';
import { cliPath } from '../util/paths';
import { buildFixture, tempDir } from './support';

const dir = tempDir('cli');
const ws = join(dir, 'ws');

function cli(args: string[], cwd = ws): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cliPath, 'bench', ...args], { cwd, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

before(() => {
  mkdirSync(join(ws, 'bin'), { recursive: true });
  buildFixture('ok', join(ws, 'bin'));
  buildFixture('segv', join(ws, 'bin'));
  writeFileSync(
    join(ws, '.hakmem.json'),
    JSON.stringify({
      benchmarks: [
        { name: 'ok', binary: 'bin/ok', args: ['20000'], quickArgs: ['5000'] },
        { name: 'segv', binary: 'bin/segv' },
      ],
    }),
  );
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('hakmem bench', () => {
  it('list shows the workspace benchmarks and which allocators are installed', () => {
    const r = cli(['list', '--json']);
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { root: string; benchmarks: { name: string }[]; allocators: { name: string; missing: unknown }[] };
    assert.equal(out.root, ws);
    assert.deepEqual(
      out.benchmarks.map((b) => b.name),
      ['ok', 'segv'],
    );
    assert.deepEqual(
      out.allocators.map((a) => a.name),
      ['hakmem', 'hakmem-debug', 'system', 'mimalloc', 'jemalloc', 'tcmalloc'],
    );
  });

  it('run --json: records, verdicts with ratio, ci95 and pValue, and a history line per series', () => {
    const r = cli(['run', 'ok', '--allocators', 'system,jemalloc', '--runs', '4', '--json', '--env', 'HAKMEM_X=1']);
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as {
      ok: boolean;
      records: BenchRecord[];
      comparisons: { verdict: string; ratio: number; ci95: number[]; pValue: number }[];
    };
    assert.equal(out.ok, true);
    assert.equal(out.records.length, 2);
    assert.equal(out.records[0]!.env['HAKMEM_X'], '1');
    const c = out.comparisons[0]!;
    assert.ok(['faster', 'slower', 'no significant change'].includes(c.verdict));
    assert.equal(typeof c.ratio, 'number');
    assert.equal(c.ci95.length, 2);
    assert.ok(c.pValue > 0 && c.pValue <= 1);
    assert.match(r.stderr, /\[100%\] ok: done/);
    const history = readHistory(ws);
    assert.deepEqual(
      history.records.map((x) => x.id),
      out.records.map((x) => x.id),
    );
    writeFileSync(join(dir, 'a.json'), r.stdout);
  });

  it('run prints a readable table and the verdicts', () => {
    const r = cli(['run', 'ok', '--allocators', 'system,mimalloc', '--runs', '3', '--quick', '--no-history']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /series\s+median ops\/s\s+95% CI of median/);
    assert.match(r.stdout, /^system\s+\S+/m);
    assert.match(
      r.stdout,
      /mimalloc (is [\d.]+× (faster|slower) than glibc|is equivalent within ±1% to glibc|vs glibc: undecided after \d+ runs)/,
    );
    assert.match(r.stdout, /^runs used: 3 per series \(budget 3 runs\); /m);
  });

  it('run reports a crash with the signal and exits 1', () => {
    const r = cli(['run', 'segv', '--allocators', 'system', '--runs', '2']);
    assert.equal(r.status, 1);
    assert.match(r.stdout, /system: crashed: killed by SIGSEGV \(exit status 139\)/);
    assert.match(r.stdout, /corrupted next pointer/);
  });

  it('bad usage exits 2 with a reason', () => {
    assert.equal(cli(['run', 'nope']).status, 2);
    assert.match(cli(['run', 'nope']).stderr, /unknown benchmark 'nope' \(known: ok, segv\)/);
    assert.match(cli(['run', 'ok', '--runs', 'many']).stderr, /--runs must be a whole number/);
    assert.match(cli(['run', 'ok', '--allocators', 'turbo']).stderr, /unknown allocator 'turbo'/);
    assert.match(cli(['run', 'ok', '--env', 'no-equals']).stderr, /--env expects NAME=value/);
    assert.equal(cli(['compare', join(dir, 'a.json')]).status, 2);
    assert.match(cli(['compare', join(dir, 'a.json'), join(dir, 'missing.json')]).stderr, /cannot read .*missing\.json: ENOENT/);
  });

  it('compare gates on a significant regression beyond the given percentage', () => {
    const a = JSON.parse(readFileSync(join(dir, 'a.json'), 'utf8')) as { records: BenchRecord[] };
    assert.ok(a.records.every((r) => r.samples.length >= 4));
    // The candidate: the same measurements made slower than the slowest baseline run.
    const slower = a.records.map((r) => {
      const values = r.samples.map((x) => x.opsPerSec);
      const factor = (0.8 * Math.min(...values)) / Math.max(...values);
      return { ...r, id: `${r.id}-b`, samples: r.samples.map((x) => ({ ...x, opsPerSec: x.opsPerSec * factor })) };
    });
    writeFileSync(join(dir, 'b.json'), JSON.stringify({ records: slower }));
    const gated = cli(['compare', join(dir, 'a.json'), join(dir, 'b.json'), '--fail-on-regression', '5', '--json']);
    assert.equal(gated.status, 1, gated.stderr);
    const out = JSON.parse(gated.stdout) as { comparisons: { verdict: string; ratio: number }[]; regressions: unknown[] };
    assert.equal(out.comparisons.length, 2);
    assert.ok(out.comparisons.every((c) => c.verdict === 'slower' && c.ratio < 0.8));
    assert.equal(out.regressions.length, 2);
    // A gate wider than the largest drop passes.
    const widest = Math.max(...out.comparisons.map((c) => (1 - c.ratio) * 100));
    assert.ok(widest < 99);
    assert.equal(
      cli(['compare', join(dir, 'a.json'), join(dir, 'b.json'), '--fail-on-regression', String(Math.min(99.9, widest + 0.5))]).status,
      0,
    );
    const same = cli(['compare', join(dir, 'a.json'), join(dir, 'a.json'), '--fail-on-regression', '1']);
    assert.equal(same.status, 0);
    assert.match(same.stdout, /is equivalent within ±1%|undecided after/);
    // A history file works as input too.
    assert.equal(cli(['compare', historyPath(ws), join(dir, 'b.json'), '--fail-on-regression', '5']).status, 1);
  });

  it('history stays valid JSONL when the CLI is killed with SIGKILL mid-run', async () => {
    // A large history makes every append a multi-megabyte rewrite, so some kills land inside one.
    const seed = readHistory(ws).records[0]!;
    appendHistory(
      ws,
      Array.from({ length: 3000 }, (_, i) => ({ ...seed, id: `seed-${i}` })),
    );
    const before = readHistory(ws).records.length;
    let kills = 0;
    for (let i = 0; i < 8; i++) {
      const child = spawn(
        process.execPath,
        [cliPath, 'bench', 'run', 'ok', '--allocators', 'system', '--runs', '3', '--warmup', '0', '--quick'],
        {
          cwd: ws,
          stdio: 'ignore',
        },
      );
      const exited = new Promise<void>((res) => child.once('exit', () => res()));
      await new Promise((res) => setTimeout(res, 150 + i * 60));
      if (child.kill('SIGKILL')) kills++;
      await exited;
      const lines = readFileSync(historyPath(ws), 'utf8')
        .split('\n')
        .filter((l) => l !== '');
      for (const [n, line] of lines.entries()) assert.doesNotThrow(() => JSON.parse(line), `line ${n + 1} after kill ${i + 1}`);
      assert.deepEqual(readHistory(ws).invalidLines, []);
    }
    assert.ok(kills > 0);
    assert.ok(readHistory(ws).records.length >= before);
    // The next append cleans up what killed writers left.
    cli(['run', 'ok', '--allocators', 'system', '--runs', '2', '--quick']);
    assert.deepEqual(
      readdirSync(join(ws, '.hakmem')).filter((f) => f.endsWith('.tmp')),
      [],
    );
  });
});

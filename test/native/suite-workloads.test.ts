// The standard suite's workloads in their quick mode: each runs under the
// bundled allocator and under glibc, verifies its own result (a HAKMEM_CHECK
// line with the count it verified) and prints the result line with the
// child's getrusage fields; an allocator that hands out overlapping blocks is
// caught by the check (exit status 3), not just measured.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { hasProgram, suiteWorkloads } from '../../server/src/bench/suite/workloads';
import { fixturesDir } from '../util/paths';
import { describeRun, make, nativeDir, preloadEnv, releaseLib, run } from './native';

const workloads = suiteWorkloads(nativeDir);
const dir = mkdtempSync(join(tmpdir(), 'hakmem-workloads-'));
const overlap = join(dir, 'liboverlap.so');

describe('suite workloads (quick mode)', () => {
  before(() => {
    make('bench', 'all');
    const cc = spawnSync('gcc', ['-shared', '-fPIC', '-O1', '-o', overlap, join(fixturesDir, 'bench', 'overlapalloc.c')], { encoding: 'utf8' });
    assert.equal(cc.status, 0, cc.stderr);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const w of workloads) {
    for (const [allocator, lib] of [
      ['hakmem', releaseLib],
      ['glibc', undefined],
    ] as const) {
      test(`${w.spec.name} under ${allocator} verifies its result`, { timeout: 180_000, skip: w.needs && !hasProgram(w.needs) ? `${w.needs} is not installed` : false }, () => {
        const r = run(w.spec.binary, w.spec.quickArgs, { env: preloadEnv(lib), timeoutMs: 150_000 });
        assert.equal(r.status, 0, describeRun(r));
        const check = /^HAKMEM_CHECK (\{.*\})$/m.exec(r.stdout);
        assert.ok(check, describeRun(r));
        const verified = JSON.parse(check[1]!) as { check: string; verified: number };
        assert.equal(verified.check, 'ok');
        assert.ok(Number.isInteger(verified.verified) && verified.verified > 0, check[1]);
        const line = /^HAKMEM_RESULT (\{.*\})$/m.exec(r.stdout);
        assert.ok(line, describeRun(r));
        const result = JSON.parse(line[1]!) as Record<string, number>;
        for (const field of ['sys_seconds', 'user_seconds', 'minor_faults', 'major_faults', 'max_rss_kb'])
          assert.ok(typeof result[field] === 'number' && result[field]! >= 0, `${field}: ${line[1]}`);
        assert.ok(result['ops_per_sec']! > 0 && result['minor_faults']! > 0);
      });
    }
  }

  for (const name of ['larson', 'xmalloc', 'mstress', 'glibc_simple', 'glibc_thread']) {
    test(`${name} catches an allocator that hands out overlapping blocks`, { timeout: 120_000 }, () => {
      const w = workloads.find((x) => x.spec.name === name)!;
      const r = run(w.spec.binary, w.spec.quickArgs, { env: preloadEnv(overlap), timeoutMs: 90_000 });
      assert.equal(r.status, 3, describeRun(r));
      assert.match(r.stderr, new RegExp(`^${name}: result check failed: `, 'm'));
      assert.doesNotMatch(r.stdout, /HAKMEM_RESULT/);
    });
  }

  test('bad arguments print the usage and exit 2', () => {
    for (const w of workloads) {
      const r = run(w.spec.binary, [], { timeoutMs: 10_000 });
      assert.equal(r.status, 2, `${w.spec.name}: ${describeRun(r)}`);
      assert.match(r.stderr, /usage: bench_/);
    }
  });
});

// The runner against fixture benchmarks that misbehave: each gives a clear
// error and leaves no process behind.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildBenchmark } from '../../server/src/bench/build';
import { liveGroupIds } from '../../server/src/bench/process';
import { CancelledError, runSuite, type SuiteOptions } from '../../server/src/bench/runner';
import { benchFixtures, buildFixture, fixtureSpec, isRunning, liveProcessesInGroup, tempDir } from './support';

const dir = tempDir('fixtures');
const bins: Record<string, string> = {};

before(() => {
  for (const name of ['ok', 'segv', 'hang', 'garbage', 'exit3']) bins[name] = buildFixture(name, dir);
});
after(() => rmSync(dir, { recursive: true, force: true }));

function options(spec: SuiteOptions['benchmark'], extra: Partial<SuiteOptions> = {}): SuiteOptions & { groups: number[] } {
  const groups: number[] = [];
  return {
    benchmark: spec,
    allocators: ['system'],
    runs: 3,
    warmup: 1,
    timeoutMs: 20_000,
    signal: new AbortController().signal,
    onSpawn: (pgid) => groups.push(pgid),
    groups,
    ...extra,
  };
}

function assertNothingLeft(groups: number[]): void {
  assert.ok(groups.length > 0, 'at least one run was started');
  for (const g of groups) assert.deepEqual(liveProcessesInGroup(g), [], `process group ${g} is empty`);
  assert.deepEqual(liveGroupIds(), [], 'the runner tracks no live group');
}

describe('runner on fixture benchmarks', () => {
  it('measures a well-behaved benchmark: interleaved series, samples, summary, comparison', async () => {
    const o = options(fixtureSpec('ok', bins['ok']!, ['20000']), { allocators: ['system', 'jemalloc'], runs: 4 });
    const progress: number[] = [];
    const r = await runSuite({ ...o, onProgress: (_m, f) => progress.push(f) });
    assert.equal(r.ok, true, JSON.stringify(r.failures));
    assert.equal(r.records.length, 2);
    for (const rec of r.records) {
      assert.equal(rec.samples.length, 4);
      assert.ok(rec.samples.every((s) => s.opsPerSec > 0 && s.exitStatus === 0 && (s.maxRssKb ?? 0) > 0));
      assert.ok(rec.summary.ci95[0] <= rec.summary.median && rec.summary.median <= rec.summary.ci95[1]);
    }
    assert.equal(r.records[1]!.allocator.name, 'jemalloc');
    assert.match(r.records[1]!.allocator.library ?? '', /libjemalloc/);
    assert.equal(r.comparisons.length, 1);
    assert.ok(['faster', 'slower', 'no significant change'].includes(r.comparisons[0]!.verdict));
    assert.equal(o.groups.length, 2 * (4 + 1), 'warm-up plus measured runs for both series');
    assert.equal(progress.at(-1), 1);
    assert.ok(
      progress.every((f, i) => i === 0 || f >= progress[i - 1]!),
      'progress only moves forward',
    );
    assertNothingLeft(o.groups);
  });

  it('reports a segfault with the signal name, exit status, stderr tail and a debug re-run', async () => {
    // No build step (there is nothing to build here): hakmem is not built in this folder, so it shows as missing with how to build it.
    const o = options(fixtureSpec('segv', bins['segv']!), { allocators: ['hakmem', 'system'], nativeDir: dir, build: false });
    const r = await runSuite(o);
    assert.equal(r.ok, false);
    assert.equal(r.records.length, 0);
    assert.equal(r.missing[0]?.allocator, 'hakmem');
    assert.match(r.missing[0]!.hint, /make -C native/);
    const f = r.failures[0]!;
    assert.equal(f.kind, 'crash');
    assert.equal(f.signal, 'SIGSEGV');
    assert.equal(f.exitStatus, 139);
    assert.match(f.message, /SIGSEGV/);
    assert.match(f.stderrTail, /corrupted next pointer/);
    assert.match(f.suggestion, /sanitizer|debug/);
    assert.equal(o.groups.length, 1, 'a crashed series is not run again');
    assertNothingLeft(o.groups);
  });

  it('offers the hakmem debug build when hakmem itself crashed', async () => {
    // A stand-in bundled library layout (an empty shared object) so "hakmem" resolves here.
    const nativeDir = join(dir, 'native');
    mkdirSync(join(nativeDir, 'build', 'release'), { recursive: true });
    execFileSync('gcc', ['-shared', '-fPIC', '-x', 'c', '-', '-o', join(nativeDir, 'build', 'release', 'libhakmem.so')], {
      input: 'int hakmem_fixture_marker;\n',
    });
    const o = options(fixtureSpec('segv', bins['segv']!), { allocators: ['hakmem'], nativeDir, build: false });
    const r = await runSuite(o);
    assert.equal(r.failures[0]!.kind, 'crash');
    assert.equal(r.failures[0]!.rerunWith, 'hakmem-debug');
    assert.match(r.failures[0]!.suggestion, /hakmem-debug/);
    assertNothingLeft(o.groups);
  });

  it('kills a hanging benchmark and its child at the timeout', async () => {
    const pidFile = join(dir, 'hang.pid');
    const o = options(fixtureSpec('hang', bins['hang']!, [pidFile]), { timeoutMs: 1500, warmup: 0 });
    const r = await runSuite(o);
    assert.equal(r.failures.length, 1);
    const f = r.failures[0]!;
    assert.equal(f.kind, 'timeout');
    assert.match(f.message, /timed out after 1\.5 s/);
    assert.match(f.stdoutTail, /waiting forever/);
    const child = Number(readFileSync(pidFile, 'utf8'));
    assert.ok(child > 0);
    assert.equal(isRunning(child), false, 'the forked child died with its group');
    assertNothingLeft(o.groups);
  });

  it('rejects garbage output with the reason and the output tail', async () => {
    const o = options(fixtureSpec('garbage', bins['garbage']!));
    const r = await runSuite(o);
    const f = r.failures[0]!;
    assert.equal(f.kind, 'output');
    assert.match(f.message, /HAKMEM_RESULT line is not valid JSON/);
    assert.match(f.stdoutTail, /garbage 4/);
    assertNothingLeft(o.groups);
  });

  it('reads a custom result regex, and says when it does not match', async () => {
    const good = await runSuite(
      options(fixtureSpec('ok', bins['ok']!, ['5000'], { result: { regex: 'ok: (?<cycles>\\d+) cycles' } }), { runs: 2 }),
    );
    assert.equal(good.ok, true);
    assert.deepEqual(
      good.records[0]!.samples.map((s) => s.opsPerSec),
      [5000, 5000],
    );
    const bad = await runSuite(options(fixtureSpec('garbage', bins['garbage']!, [], { result: { regex: 'rate=(?<r>\\d+)' } })));
    assert.match(bad.failures[0]!.message, /matched nothing/);
  });

  it('reports a non-zero exit with its status', async () => {
    const o = options(fixtureSpec('exit3', bins['exit3']!));
    const r = await runSuite(o);
    assert.equal(r.failures[0]!.kind, 'exit');
    assert.equal(r.failures[0]!.exitStatus, 3);
    assert.match(r.failures[0]!.stderrTail, /arena exhausted/);
  });

  it('runs every combination of an environment matrix as its own series', async () => {
    const o = options(fixtureSpec('ok', bins['ok']!, ['5000']), {
      runs: 2,
      warmup: 0,
      envMatrix: { HAKMEM_A: ['0', '1'], HAKMEM_B: ['x', 'y'] },
    });
    const r = await runSuite(o);
    assert.deepEqual(
      r.records.map((x) => x.knobs),
      [
        { HAKMEM_A: '0', HAKMEM_B: 'x' },
        { HAKMEM_A: '0', HAKMEM_B: 'y' },
        { HAKMEM_A: '1', HAKMEM_B: 'x' },
        { HAKMEM_A: '1', HAKMEM_B: 'y' },
      ],
    );
    assert.equal(r.comparisons.length, 3);
  });

  it('stops at cancel, kills the running benchmark and leaves nothing running', async () => {
    const controller = new AbortController();
    const pidFile = join(dir, 'cancel.pid');
    const o = options(fixtureSpec('hang', bins['hang']!, [pidFile]), { timeoutMs: 60_000, signal: controller.signal });
    const started = Date.now();
    const timer = setInterval(() => {
      if (existsSync(pidFile)) controller.abort();
    }, 20);
    await assert.rejects(runSuite(o), CancelledError);
    clearInterval(timer);
    assert.ok(Date.now() - started < 30_000);
    assert.equal(isRunning(Number(readFileSync(pidFile, 'utf8'))), false);
    assertNothingLeft(o.groups);
  });

  it('says which binary is missing, and why', async () => {
    const r = await runSuite(options(fixtureSpec('none', join(dir, 'does-not-exist'))));
    assert.equal(r.ok, false);
    assert.match(r.error ?? '', /binary not found: .*does-not-exist/);
  });

  it('turns compiler errors into diagnostics with file and line', async () => {
    const out = join(dir, 'broken');
    const r = await buildBenchmark(fixtureSpec('broken', out, [], { build: `gcc -std=c11 -Wall -c broken.c -o ${out}.o` }));
    assert.equal(r.ok, false);
    assert.match(r.error ?? '', /build failed \(exit 1, 1 compiler error\)/);
    const error = r.diagnostics.find((d) => d.severity === 'error')!;
    assert.equal(error.file, join(benchFixtures, 'broken.c'));
    assert.equal(error.line, 6);
    assert.equal(error.column, 10);
    assert.match(error.message, /undeclared_variable/);
    assert.ok(r.diagnostics.some((d) => d.severity === 'warning' && /unused variable/.test(d.message)));
    // The suite stops at a failed build and hands back its diagnostics.
    const suite = await runSuite(options(fixtureSpec('broken', out, [], { build: `gcc -c broken.c -o ${out}.o` })));
    assert.equal(suite.ok, false);
    assert.equal(suite.build?.diagnostics.filter((d) => d.severity === 'error').length, 1);
  });
});

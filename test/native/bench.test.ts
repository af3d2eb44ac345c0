// The four bundled benchmarks: each runs (quick arguments) under the bundled
// allocator and under glibc, prints one human line and exactly one
// HAKMEM_RESULT line in the format native/README.md defines, and rejects bad
// arguments with a usage message and exit status 2.
import assert from 'node:assert/strict';
import { describe, test, before } from 'node:test';
import { nativePresets } from '../../server/src/bench/presets';
import { describeRun, make, nativeDir, preloadEnv, releaseLib, run } from './native';

interface ResultLine {
  bench: string;
  ops: number;
  seconds: number;
  ops_per_sec: number;
  threads: number;
  max_rss_kb: number;
  args: string[];
}

function resultOf(stdout: string): ResultLine {
  const lines = stdout.split('\n').filter((l) => l.startsWith('HAKMEM_RESULT '));
  assert.equal(lines.length, 1, `exactly one result line expected:\n${stdout}`);
  const index = stdout.split('\n').indexOf(lines[0]!);
  assert.ok(index >= 1, 'a human line comes before the result line');
  return JSON.parse(lines[0]!.slice('HAKMEM_RESULT '.length)) as ResultLine;
}

describe('bundled benchmarks', () => {
  before(() => make('bench', 'all'));
  const presets = nativePresets(nativeDir);

  test('the presets name all four benchmarks', () => {
    assert.deepEqual(presets.map((p) => p.name).sort(), ['fixed_size', 'larson', 'mid_large_mt', 'random_mixed']);
  });

  for (const preset of presets) {
    for (const [allocator, lib] of [
      ['hakmem', releaseLib],
      ['glibc', undefined],
    ] as const) {
      test(`${preset.name} under ${allocator} prints a valid result line`, { timeout: 120_000 }, () => {
        const r = run(preset.binary, preset.quickArgs, { env: preloadEnv(lib), timeoutMs: 60_000 });
        assert.equal(r.status, 0, describeRun(r));
        const result = resultOf(r.stdout);
        assert.equal(result.bench, preset.name);
        assert.deepEqual(result.args, [...preset.quickArgs]);
        assert.ok(Number.isInteger(result.ops) && result.ops > 0, `ops ${result.ops}`);
        assert.ok(result.seconds > 0, `seconds ${result.seconds}`);
        const rate = result.ops / result.seconds;
        assert.ok(Math.abs(result.ops_per_sec - rate) <= rate * 1e-3 + 1, `ops_per_sec ${result.ops_per_sec} vs ${rate}`);
        assert.ok(Number.isInteger(result.threads) && result.threads >= 1);
        assert.ok(Number.isInteger(result.max_rss_kb) && result.max_rss_kb > 0);
      });
    }

    test(`${preset.name} rejects bad arguments with usage and exit 2`, () => {
      for (const args of [[], ['x', ...preset.quickArgs.slice(1)], [...preset.quickArgs.slice(0, -1), '-5']]) {
        const r = run(preset.binary, args, { timeoutMs: 10_000 });
        assert.equal(r.status, 2, `${args.join(' ')}: ${describeRun(r)}`);
        assert.match(r.stderr, /usage: bench_/);
        assert.doesNotMatch(r.stdout, /HAKMEM_RESULT/);
      }
    });
  }

  test('a no-op make is quiet', () => {
    make();
    const r = run('make', ['-s', '-C', nativeDir], { timeoutMs: 30_000 });
    assert.equal(r.status, 0, describeRun(r));
    assert.equal(r.stdout + r.stderr, '');
  });
});

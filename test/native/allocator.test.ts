// The bundled allocator's C unit and stress tests (release and debug builds,
// linked with the static library so they use its malloc), the debug build's
// detection of double free, invalid free and header corruption, and its
// validity checks of pages, segments, heaps and the heap pool.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { buildDir, describeRun, make, run } from './native';

const tests = join(buildDir, 'tests');

describe('bundled allocator: C tests', () => {
  before(() => make('tests'));

  for (const variant of ['release', 'debug']) {
    test(`unit tests pass (${variant} build)`, () => {
      const r = run(join(tests, `unit_${variant}`), [], { timeoutMs: 300_000 });
      assert.equal(r.status, 0, describeRun(r));
      for (const part of ['size classes', 'alignment', 'calloc', 'realloc', 'large blocks and errno', 'steady state', 'thread exit', 'fork']) {
        assert.match(r.stdout, new RegExp(`^ok ${part}`, 'm'), `missing "ok ${part}"\n${describeRun(r)}`);
      }
      assert.match(r.stdout, /^unit: all \d+ checks passed$/m);
    });
  }

  for (const variant of ['release', 'debug']) {
    test(`mapping caches and purge delay (${variant} build)`, { timeout: 120_000 }, () => {
      const r = run(join(tests, `cache_${variant}`), [], { timeoutMs: 90_000 });
      assert.equal(r.status, 0, describeRun(r));
      for (const part of ['purge delay', 'large mapping reuse and realloc', 'segment purge delay', 'large-block storm']) {
        assert.match(r.stdout, new RegExp(`^ok ${part}`, 'm'), `missing "ok ${part}"\n${describeRun(r)}`);
      }
      assert.match(r.stdout, /^cache: all \d+ checks passed$/m);
    });
  }

  test('stress: 4 threads, cross-thread frees, content checks, 20 s (release build)', { timeout: 120_000 }, () => {
    const r = run(join(tests, 'stress_release'), ['20', '4'], { timeoutMs: 90_000 });
    assert.equal(r.status, 0, describeRun(r));
    const m = /stress: 4 threads, .* (\d+) operations, (\d+) cross-thread frees, (\d+) checks: ok/.exec(r.stdout);
    assert.ok(m, describeRun(r));
    assert.ok(Number(m[2]) > 0, 'some frees must be cross-thread');
  });

  test('stress passes on the debug build (5 s)', { timeout: 60_000 }, () => {
    const r = run(join(tests, 'stress_debug'), ['5', '4'], { timeoutMs: 45_000 });
    assert.equal(r.status, 0, describeRun(r));
    assert.match(r.stdout, /checks: ok/);
  });
});

describe('bundled allocator: debug build diagnostics', () => {
  before(() => make('tests'));

  const cases: Array<[mode: string, message: RegExp]> = [
    ['double-free', /double free of pointer (0x[0-9a-f]+)/],
    ['mid-double-free', /double free of pointer (0x[0-9a-f]+)/],
    ['invalid-free', /invalid free of pointer (0x[0-9a-f]+): not allocated by hakmem/],
    ['interior-free', /invalid free of pointer (0x[0-9a-f]+): not the start of a block/],
    ['header-corruption', /header corruption of pointer (0x[0-9a-f]+)/],
    ['large-header-corruption', /header corruption of pointer (0x[0-9a-f]+)/],
  ];
  for (const [mode, message] of cases) {
    test(`${mode} is reported with the pointer, then aborts`, () => {
      const r = run(join(buildDir, 'tests', 'debug_errors'), [mode]);
      assert.equal(r.signal, 'SIGABRT', describeRun(r));
      const announced = /pointer (0x[0-9a-f]+)/.exec(r.stdout);
      assert.ok(announced, describeRun(r));
      const m = message.exec(r.stderr);
      assert.ok(m, describeRun(r));
      assert.equal(BigInt(m[1]!), BigInt(announced[1]!), 'the message names the pointer');
      assert.doesNotMatch(r.stdout, /no error detected/);
    });
  }

  test('correct use is not reported', () => {
    const r = run(join(buildDir, 'tests', 'debug_errors'), ['ok']);
    assert.equal(r.status, 0, describeRun(r));
    assert.equal(r.stderr, '');
    assert.match(r.stdout, /no error detected/);
  });
});

describe('bundled allocator: debug build validity checks', () => {
  before(() => make('tests'));

  test('pages, segments, heaps and the pool are valid after a workload', { timeout: 120_000 }, () => {
    const r = run(join(tests, 'invariants_debug'), ['valid'], { timeoutMs: 90_000 });
    assert.equal(r.status, 0, describeRun(r));
    const m = /^ok valid after workload \((\d+) heap checks, (\d+) page checks\)$/m.exec(r.stdout);
    assert.ok(m, describeRun(r));
    assert.ok(Number(m[1]) > 0 && Number(m[2]) > 0, describeRun(r));
    assert.equal(r.stderr, '');
    assert.match(r.stdout, /^invariants: all \d+ checks passed$/m);
  });

  test('an invariant broken on purpose is reported by the allocator, which aborts', { timeout: 120_000 }, () => {
    // Each case runs in a forked child; the C test asserts SIGABRT and the report.
    const r = run(join(tests, 'invariants_debug'), ['corrupt'], { timeoutMs: 90_000 });
    assert.equal(r.status, 0, describeRun(r));
    const cases: Array<[name: string, report: RegExp]> = [
      ['free list link', /assertion failed: hak_page_has_slot\(page, slot\) \(src\/hakmem_api\.c:\d+\)/],
      ['page used count', /invalid page 0x[0-9a-f]+: free list longer than capacity - used/],
      ['segment pages_used', /invalid segment 0x[0-9a-f]+: pages_used does not count the pages in use/],
      ['class list tail', /invalid heap 0x[0-9a-f]+: class list tail is not its last page/],
      ['segment owner', /invalid segment 0x[0-9a-f]+: owned by another heap/],
    ];
    for (const [name, report] of cases) {
      const line = r.stdout.split('\n').find((l) => l.startsWith(`ok detects ${name}: `));
      assert.ok(line, `missing "ok detects ${name}"\n${describeRun(r)}`);
      assert.match(line, report);
    }
    assert.match(r.stdout, /^invariants: all \d+ checks passed$/m);
  });
});

// The bundled allocator's C unit and stress tests (release and debug builds,
// linked with the static library so they use its malloc), and the debug
// build's detection of double free, invalid free and header corruption.
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

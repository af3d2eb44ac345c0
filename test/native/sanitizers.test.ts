// The allocator's unit and stress tests built with AddressSanitizer+UBSan
// (debug configuration, plus its validity checks) and with ThreadSanitizer
// (release configuration).
// Sanitizers own malloc, so these builds keep only the hak_* API.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { buildDir, describeRun, make, run } from './native';

const tests = join(buildDir, 'tests');
const sanitizerReport = /ERROR: AddressSanitizer|runtime error:|WARNING: ThreadSanitizer|ERROR: LeakSanitizer/;

for (const [kind, target] of [
  ['asan', 'tests-asan'],
  ['tsan', 'tests-tsan'],
] as const) {
  describe(`bundled allocator under ${kind === 'asan' ? 'AddressSanitizer+UBSan' : 'ThreadSanitizer'}`, () => {
    test('unit tests are clean', { timeout: 600_000 }, () => {
      make(target);
      const r = run(join(tests, `unit_${kind}`), [], {
        timeoutMs: 300_000,
        env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=0', TSAN_OPTIONS: 'halt_on_error=1' },
      });
      assert.equal(r.status, 0, describeRun(r));
      assert.doesNotMatch(r.stderr, sanitizerReport, describeRun(r));
      assert.match(r.stdout, /^unit: all \d+ checks passed$/m);
    });

    test('mapping cache and purge delay tests are clean', { timeout: 600_000 }, () => {
      make(target);
      const r = run(join(tests, `cache_${kind}`), [], {
        timeoutMs: 120_000,
        env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=0', TSAN_OPTIONS: 'halt_on_error=1' },
      });
      assert.equal(r.status, 0, describeRun(r));
      assert.doesNotMatch(r.stderr, sanitizerReport, describeRun(r));
      assert.match(r.stdout, /^cache: all \d+ checks passed$/m);
    });

    test('stress test (5 s, 4 threads) is clean', { timeout: 600_000 }, () => {
      make(target);
      const r = run(join(tests, `stress_${kind}`), ['5', '4'], {
        timeoutMs: 120_000,
        env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=0', TSAN_OPTIONS: 'halt_on_error=1' },
      });
      assert.equal(r.status, 0, describeRun(r));
      assert.doesNotMatch(r.stderr, sanitizerReport, describeRun(r));
      assert.match(r.stdout, /checks: ok/);
    });

    if (kind === 'asan') {
      // The debug configuration's validity checks, over memory ASan watches.
      test('validity checks pass after a workload and catch corruption', { timeout: 600_000 }, () => {
        make(target);
        for (const mode of ['valid', 'corrupt']) {
          const r = run(join(tests, 'invariants_asan'), [mode], {
            timeoutMs: 120_000,
            env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=0' },
          });
          assert.equal(r.status, 0, `${mode}: ${describeRun(r)}`);
          assert.doesNotMatch(r.stderr, sanitizerReport, describeRun(r));
          assert.match(r.stdout, /^invariants: all \d+ checks passed$/m);
        }
      });
    }
  });
}

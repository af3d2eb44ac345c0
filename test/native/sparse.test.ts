// sparse checks the bundled allocator's BASE/USER address spaces
// (hakmem_ptr.h) independently of the product's own analysis.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { describeRun, nativeDir, run } from './native';

const hasSparse = spawnSync('sh', ['-c', 'command -v sparse'], { stdio: 'ignore' }).status === 0;
const skip = hasSparse ? false : 'sparse is not installed (Debian package: sparse)';

describe('sparse over the bundled allocator', () => {
  test('make sparse is clean (release and debug configurations)', { skip }, () => {
    const r = run('make', ['-s', '-C', nativeDir, 'sparse'], { timeoutMs: 120_000 });
    assert.equal(r.status, 0, describeRun(r));
    assert.match(r.stdout, /sparse: clean/);
  });

  test('sparse rejects a USER pointer used as BASE without conversion', { skip }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'hakmem-sparse-'));
    try {
      const file = join(dir, 'mix.c');
      writeFileSync(
        file,
        '#include "hakmem_ptr.h"\n' +
          'hak_base_t wrong(hak_user_t u);\nhak_base_t wrong(hak_user_t u) { return u; }\n' +
          'hak_base_t right(hak_user_t u);\nhak_base_t right(hak_user_t u) { return hak_user_to_base(u); }\n',
      );
      const r = run('sparse', ['-I', join(nativeDir, 'include'), '-Wsparse-error', file]);
      assert.notEqual(r.status, 0, describeRun(r));
      assert.match(r.stderr, /mix\.c:3:.*different address spaces/);
      assert.doesNotMatch(r.stderr, /mix\.c:5:/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

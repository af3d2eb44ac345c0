// Copying the sample allocator where VS Code's command lets the user copy it:
// beside the files of a non-empty folder, never replacing one.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { copySample, SampleCopyError, sampleFiles } from '../../server/src/init/sample';
import { repoRoot } from '../util/paths';

const source = join(repoRoot, 'native');
const scratch = mkdtempSync(join(tmpdir(), 'hakmem-sample-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

describe('the sample allocator', () => {
  it('is the sources of native/: no build output, no history', () => {
    const files = sampleFiles(source);
    assert.ok(files.includes('Makefile') && files.includes('.hakmem.json') && files.includes('src/hakmem_heap.c'));
    assert.deepEqual(
      files.filter((f) => /^(build|\.hakmem)\//.test(f) || !/(\.[ch]|Makefile|\.hakmem\.json|README\.md)$/.test(f)),
      [],
    );
  });

  it('goes beside the files of a non-empty folder only when asked, keeping them', () => {
    const target = join(scratch, 'beside');
    mkdirSync(join(target, 'src'), { recursive: true });
    writeFileSync(join(target, 'notes.txt'), 'mine\n');
    writeFileSync(join(target, 'src', 'extra.c'), 'int mine;\n');
    assert.throws(
      () => copySample(target, { source }),
      (e) => e instanceof SampleCopyError && e.reason === 'not-empty',
    );
    assert.deepEqual(readdirSync(target).sort(), ['notes.txt', 'src']);

    const copy = copySample(target, { source, besideExisting: true });
    assert.deepEqual(copy.files, sampleFiles(source));
    assert.equal(readFileSync(join(target, 'notes.txt'), 'utf8'), 'mine\n');
    assert.equal(readFileSync(join(target, 'src', 'extra.c'), 'utf8'), 'int mine;\n');
    assert.ok(existsSync(join(target, 'src', 'hakmem_api.c')));
  });

  it('copies nothing when one of its files is already there', () => {
    const target = join(scratch, 'conflict');
    mkdirSync(target);
    writeFileSync(join(target, 'Makefile'), 'mine\n');
    assert.throws(
      () => copySample(target, { source, besideExisting: true }),
      (e) =>
        e instanceof SampleCopyError && e.reason === 'conflicts' && e.conflicts.join() === 'Makefile' && /nothing replaced/.test(e.message),
    );
    assert.deepEqual(readdirSync(target), ['Makefile']);
    assert.equal(readFileSync(join(target, 'Makefile'), 'utf8'), 'mine\n');
  });
});

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { UsageError, type CliIO } from '../../server/src/cli/types';
import { command } from '../../server/src/cli/preproc';
import { fixturesDir } from '../util/paths';

const dir = join(fixturesDir, 'preproc');

async function run(args: string[], cwd = dir): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIO = { cwd, out: (t) => (out += t), err: (t) => (err += t), signal: new AbortController().signal };
  const code = await command.run(args, io);
  return { code, out, err };
}

describe('hakmem preproc', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'hakmem-preproc-'));
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('prints inactive ranges, taken branches, includes and a macro at a line (1-based)', async () => {
    const r = await run(['tiny_free.c', '--macro', 'LOG@17', '--macro', 'HAK_LOG_IMPL']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^tiny_free\.c: release build, 26 lines, 2 inactive ranges$/m);
    assert.match(r.out, /^ {2}inactive 8-8$/m);
    assert.match(r.out, /^ {2}7: #if !HAKMEM_BUILD_RELEASE -> not taken$/m);
    assert.match(r.out, /^ {2}4: #include <stdlib\.h> \(not found\)$/m);
    assert.match(r.out, /^ {2}LOG\(\.\.\.\) at line 17: HAK_LOG_IMPL\(__VA_ARGS__\)/m);
    assert.match(r.out, /^ {2}HAK_LOG_IMPL\(fmt, \.\.\.\) at end: \(\(void\)0\)/m);
  });

  it('json output for the debug build, with -D applied after the build defines', async () => {
    const r = await run(['tiny_free.c', '--build', 'debug', '--format', 'json', '-D', 'HAK_STATS=0']);
    assert.equal(r.code, 0, r.err);
    const json = JSON.parse(r.out) as {
      version: number;
      files: Array<{ build: string; inactiveRanges: unknown[]; conditionals: Array<{ line: number; value: boolean }> }>;
    };
    assert.equal(json.version, 1);
    const f = json.files[0]!;
    assert.equal(f.build, 'debug');
    // Debug: the release-only tls_push (line 11) is out; HAK_STATS=0 from -D survives the header's #ifndef (line 20).
    assert.deepEqual(f.inactiveRanges, [
      { startLine: 11, endLine: 11 },
      { startLine: 20, endLine: 20 },
    ]);
    assert.equal(f.conditionals.find((c) => c.line === 7)?.value, true);
  });

  it('-U removes a build define before evaluation', async () => {
    const kept = JSON.parse((await run(['tiny_free.c', '--format', 'json', '--macro', 'HAK_CHECKS'])).out);
    assert.equal(kept.files[0].macros[0].definition, null, 'release defines NDEBUG, so hak_config.h skips HAK_CHECKS');
    const r = await run(['tiny_free.c', '--format', 'json', '-UNDEBUG', '--macro', 'HAK_CHECKS']);
    const def = JSON.parse(r.out).files[0].macros[0].definition;
    assert.equal(def.body, '1');
    assert.equal(def.file, join(dir, 'hak_config.h'));
  });

  it('exits 1 and prints problems with file:line', async () => {
    const file = join(tmp, 'broken.c');
    writeFileSync(file, 'int x;\n#if 1 +\n#endif\n#ifdef A\n');
    const r = await run([file], tmp);
    assert.equal(r.code, 1);
    assert.match(r.out, /^broken\.c:2: #if: /m);
    assert.match(r.out, /^broken\.c:4: unterminated #ifdef$/m);
  });

  it('bad usage throws UsageError; an unreadable file exits 2', async () => {
    await assert.rejects(run([]), UsageError);
    await assert.rejects(run(['x.c', '--build', 'fast']), UsageError);
    await assert.rejects(run(['x.c', '--bogus']), UsageError);
    const r = await run(['no-such-file.c']);
    assert.equal(r.code, 2);
    assert.match(r.err, /cannot read no-such-file\.c: ENOENT/);
  });
});

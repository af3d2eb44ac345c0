import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Ajv from 'ajv-draft-04';
import { cliPath, fixturesDir } from '../util/paths';

function hakmem(args: string[], cwd: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cliPath, ...args], { cwd, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const ioDir = join(fixturesDir, 'lint', 'io');

describe('hakmem lint', () => {
  let clean: string;
  let broken: string;

  before(() => {
    clean = mkdtempSync(join(tmpdir(), 'hakmem-clean-'));
    writeFileSync(
      join(clean, 'alloc.c'),
      '#include <stdio.h>\nstatic void *pop(unsigned long n) { (void)n; return 0; }\nvoid *malloc(unsigned long n) {\n#if !HAKMEM_BUILD_RELEASE\n  fprintf(stderr, "debug\\n");\n#endif\n  return pop(n);\n}\n',
    );
    broken = mkdtempSync(join(tmpdir(), 'hakmem-broken-'));
    writeFileSync(join(broken, 'a.c'), 'void *malloc(unsigned long n) { return 0; }\n');
    writeFileSync(join(broken, '.hakmem.json'), '{ "entryPoints": "malloc" }');
  });

  after(() => {
    rmSync(clean, { recursive: true, force: true });
    rmSync(broken, { recursive: true, force: true });
  });

  it('exits 0 with nothing at warning level or above', () => {
    const r = hakmem(['lint', '.'], clean);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /no findings in 1 files/);
  });

  it('exits 0 when only slow-path OS calls (information) remain, and names the branch', () => {
    const slow = mkdtempSync(join(tmpdir(), 'hakmem-slow-'));
    try {
      writeFileSync(
        join(slow, 'alloc.c'),
        '#include <sys/mman.h>\n#define unlikely(x) __builtin_expect(!!(x), 0)\nstatic void *cache;\nvoid *malloc(unsigned long n) {\n  if (unlikely(cache == 0)) {\n    cache = mmap(0, n, 3, 0x22, -1, 0);\n  }\n  return cache;\n}\n',
      );
      const r = hakmem(['lint', '.'], slow);
      assert.equal(r.status, 0, r.stdout + r.stderr);
      assert.match(
        r.stdout,
        /^alloc\.c:6:13: information: mmap enters the kernel on the slow path of malloc, behind the unlikely branch `if \(unlikely\(cache == 0\)\)` at alloc\.c:5 /m,
      );
    } finally {
      rmSync(slow, { recursive: true, force: true });
    }
  });

  it('exits 1 with findings and prints compiler-style lines with the chain', () => {
    const r = hakmem(['lint', ioDir], fixturesDir);
    assert.equal(r.status, 1, r.stderr);
    assert.match(
      r.stdout,
      /^alloc\.c:19:3: warning: fprintf writes output on every call of superslab_refill \(fast path, .*\[hot-path-io\]$/m,
    );
    assert.match(r.stdout, /why: malloc is an allocator entry point; malloc calls tiny_refill; tiny_refill calls superslab_refill/);
  });

  it('exits 2 on bad usage, a missing path and a bad configuration, with a one-line reason', () => {
    const usage = hakmem(['lint', '--format', 'xml', '.'], clean);
    assert.equal(usage.status, 2);
    assert.match(usage.stderr, /--format must be text, json or sarif \(got 'xml'\)/);
    const missing = hakmem(['lint', 'nowhere'], clean);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /no such file or folder: nowhere/);
    const config = hakmem(['lint', '.'], broken);
    assert.equal(config.status, 2);
    assert.match(config.stderr, /\.hakmem\.json: entryPoints must be array/);
    assert.equal(config.stderr.trim().split('\n').length, 1);
  });

  it('--format json follows the contract: relative paths, 1-based positions, rule codes', () => {
    const r = hakmem(['lint', ioDir, '--format', 'json'], fixturesDir);
    assert.equal(r.status, 1);
    const out = JSON.parse(r.stdout) as { version: number; diagnostics: Array<Record<string, unknown>> };
    assert.equal(out.version, 1);
    const lines = readFileSync(join(ioDir, 'alloc.c'), 'utf8').split('\n');
    for (const d of out.diagnostics) {
      assert.deepEqual(Object.keys(d).slice(0, 8), ['file', 'line', 'column', 'endLine', 'endColumn', 'severity', 'code', 'message']);
      assert.equal(d.file, 'alloc.c');
      const line = lines[(d.line as number) - 1]!;
      assert.match(line, /expect: hot-path-io/, `line ${String(d.line)} carries the expected marker`);
      assert.equal(line.slice((d.column as number) - 1).match(/^[A-Za-z_]\w*/)?.[0] !== undefined, true);
    }
    assert.equal(out.diagnostics.length, 5);
  });

  it('--format sarif validates against the SARIF 2.1.0 schema', () => {
    const r = hakmem(['lint', ioDir, '--format', 'sarif'], fixturesDir);
    assert.equal(r.status, 1);
    const sarif = JSON.parse(r.stdout) as { runs: Array<{ results: Array<{ ruleId: string; relatedLocations: unknown[] }> }> };
    const schema = JSON.parse(readFileSync(join(fixturesDir, 'sarif', 'sarif-2.1.0-rtm.5.json'), 'utf8')) as object;
    const validate = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false }).compile(schema); // the official schema has a pattern invalid under /u
    assert.equal(validate(sarif), true, JSON.stringify(validate.errors?.slice(0, 5)));
    assert.equal(sarif.runs[0]!.results.length, 5);
    assert.ok(sarif.runs[0]!.results.every((x) => x.ruleId === 'hot-path-io' && x.relatedLocations.length >= 2));
    // The shape check must be able to fail: a result without a message is rejected.
    const broken = structuredClone(sarif) as { runs: Array<{ results: Array<Record<string, unknown>> }> };
    delete broken.runs[0]!.results[0]!.message;
    assert.equal(validate(broken), false);
  });

  it('--build debug evaluates the debug build', () => {
    const r = hakmem(['lint', '.', '--build', 'debug', '--format', 'json'], clean);
    assert.equal(r.status, 1);
    assert.match(r.stdout, /"code": "hot-path-io"/);
  });
});

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, it } from 'node:test';
import { lintPaths, type LintResult } from '../../server/src/analysis/lint';
import { expectedFindings, expectedSeverities } from '../util/markers';
import { fixturesDir } from '../util/paths';

const lintDir = join(fixturesDir, 'lint');

function actualFindings(result: LintResult): string[] {
  return result.findings.map((f) => `${basename(f.path)}:${f.span.line + 1}:${f.code}`).sort();
}

async function lintFixture(name: string, build: 'release' | 'debug' = 'release'): Promise<LintResult> {
  return lintPaths([join(lintDir, name)], { cwd: lintDir, build });
}

describe('hot-path rules on fixtures (every expect marker found, nothing else)', () => {
  for (const name of readdirSync(lintDir).sort()) {
    it(name, async () => {
      const result = await lintFixture(name);
      assert.deepEqual(actualFindings(result), expectedFindings(join(lintDir, name)));
      const severities = new Map(result.findings.map((f) => [`${basename(f.path)}:${f.span.line + 1}:${f.code}`, f.severity]));
      for (const [key, severity] of expectedSeverities(join(lintDir, name))) assert.equal(severities.get(key), severity, key);
    });
  }
});

describe('finding details', () => {
  it('carries the call chain from the entry point as related information', async () => {
    const result = await lintFixture('io');
    const f = result.findings.find((x) => x.message.startsWith('fprintf') && x.code === 'hot-path-io');
    assert.ok(f, 'the direct fprintf is found');
    assert.deepEqual(
      f.related.map((r) => r.message),
      ['malloc is an allocator entry point', 'malloc calls tiny_refill', 'tiny_refill calls superslab_refill'],
    );
    const callSite = f.related[2]!;
    assert.equal(basename(callSite.path), 'alloc.c');
    assert.equal(readFileSync(callSite.path, 'utf8').split('\n')[callSite.span.line]!.trim(), 'return superslab_refill(size);');
  });

  it('names the macro and what it expands to', async () => {
    const result = await lintFixture('io');
    assert.ok(result.findings.some((f) => f.message.startsWith('HAK_WARN (expands to fprintf)')));
  });

  it('applies severities from .hakmem.json', async () => {
    const result = await lintFixture('config-entry');
    assert.equal(result.findings.find((f) => f.code === 'hot-path-lock')?.severity, 'error');
    assert.equal(result.findings.find((f) => f.code === 'hot-path-io')?.severity, 'warning');
  });

  it('the debug build compiles the debug-only output, so it is reported there', async () => {
    const result = await lintFixture('io', 'debug');
    const lines = result.findings.filter((f) => f.code === 'hot-path-io').map((f) => f.span.line + 1);
    const text = readFileSync(join(lintDir, 'io', 'alloc.c'), 'utf8').split('\n');
    assert.ok(lines.some((l) => text[l - 1]!.includes('[DEBUG] compiled out of release')));
    assert.ok(lines.some((l) => text[l - 1]!.includes('HAK_DBG')));
    assert.ok(!lines.some((l) => text[l - 1]!.includes('fflush')), 'the release-only fflush is out of the debug build');
  });

  it('says which getenv name is read', async () => {
    const result = await lintFixture('getenv');
    assert.ok(result.findings.some((f) => f.message.includes('getenv("HAKMEM_TINY_DEBUG")')));
  });
});

describe('USER/BASE fixtures through the workspace (the path the editor and the CLI take)', () => {
  const pointerDir = join(fixturesDir, 'pointers');
  const POINTER_CODES = new Set(['user-base-mismatch', 'double-conversion', 'raw-next-access']);
  for (const name of readdirSync(pointerDir).sort()) {
    it(name, async () => {
      const result = await lintPaths([join(pointerDir, name)], { cwd: pointerDir, build: 'release' });
      const actual = result.findings
        .filter((f) => POINTER_CODES.has(f.code))
        .map((f) => `${basename(f.path)}:${f.span.line + 1}:${f.code}`)
        .sort();
      const expected = expectedFindings(join(pointerDir, name), POINTER_CODES);
      assert.deepEqual(actual, expected);
    });
  }
});

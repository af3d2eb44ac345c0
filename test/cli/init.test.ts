import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Ajv from 'ajv';
import { loadWorkspaceConfigText } from '../../server/src/configSections';
import { cliPath, fixturesDir, repoRoot } from '../util/paths';
import { expectedTreeFindings, scratchCopy, sparseTreeFiles } from '../util/treeMarkers';

function hakmem(args: string[], cwd: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cliPath, ...args], { cwd, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const schema = JSON.parse(readFileSync(join(repoRoot, 'server', 'schema', 'hakmem.schema.json'), 'utf8')) as object;
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

function lintedFindings(dir: string): string[] {
  const r = hakmem(['lint', '.', '--format', 'json'], dir);
  assert.ok(r.status === 0 || r.status === 1, r.stderr);
  const out = JSON.parse(r.stdout) as { diagnostics: Array<{ file: string; line: number; code: string }> };
  return out.diagnostics.map((d) => `${d.file}:${d.line}:${d.code}`).sort();
}

describe('hakmem init', () => {
  // Every fixture tree in the shape of a real allocator: its own .hakmem.json left out.
  const trees = [
    ...['mimalloc', 'jemalloc', 'rpmalloc', 'tlsf'].flatMap((n) => [`real-allocators/${n}`, `idioms/${n}`]),
    ...['slow-path', 'config-guard', 'debug-guards', 'budget-counter', 'macro-bool', 'constant-arg'].map((n) => `lint/${n}`),
  ];
  for (const name of trees) {
    it(`${name}: writes a config that validates and, unchanged, finds the planted hazards`, () => {
      const copy = scratchCopy(join(fixturesDir, name), `hakmem-init-${name.replace('/', '-')}-`);
      try {
        const r = hakmem(['init', copy.dir], tmpdir());
        assert.equal(r.status, 0, r.stderr);
        const written = readFileSync(join(copy.dir, '.hakmem.json'), 'utf8');
        assert.equal(r.stdout, written, 'what is printed is what is written');
        assert.match(r.stderr, /hakmem init: wrote .*\.hakmem\.json/);
        const raw = JSON.parse(written) as Record<string, unknown>;
        assert.ok(validate(raw), JSON.stringify(validate.errors));
        assert.deepEqual(loadWorkspaceConfigText(copy.dir, written).problems, []);
        assert.deepEqual(lintedFindings(copy.dir), expectedTreeFindings(copy.dir, { withoutConfig: false }));
      } finally {
        copy.remove();
      }
    });
  }

  it('finds the debug guards with their release values, include paths and platform folders (mimalloc shape)', () => {
    const copy = scratchCopy(join(fixturesDir, 'real-allocators', 'mimalloc'), 'hakmem-init-mi-');
    try {
      const r = hakmem(['init', '--dry-run'], copy.dir);
      assert.equal(r.status, 0, r.stderr);
      const config = JSON.parse(r.stdout) as {
        release: { defines: Record<string, string>; undefines?: string[] };
        includePaths: string[];
        exclude: string[];
        entryPoints: string[];
      };
      assert.equal(config.release.defines.MI_DEBUG, '0');
      assert.equal(config.release.defines.MI_STAT, '0');
      assert.equal(config.release.defines.NDEBUG, '1');
      assert.ok(config.release.undefines?.includes('_DEBUG'));
      assert.deepEqual(config.includePaths, ['include']);
      assert.ok(config.exclude.includes('src/prim/windows/**'));
      assert.ok(config.exclude.includes('test/**'));
      assert.ok(!config.exclude.some((e) => e.includes('unix')));
      assert.deepEqual(config.entryPoints, ['mi_malloc', 'mi_calloc', 'mi_realloc', 'mi_free', 'mi_new_aligned']);
    } finally {
      copy.remove();
    }
  });

  it('JEMALLOC_DEBUG, tested only with #ifdef, is left undefined in release', () => {
    const copy = scratchCopy(join(fixturesDir, 'real-allocators', 'jemalloc'), 'hakmem-init-je-');
    try {
      const config = JSON.parse(hakmem(['init', '--dry-run'], copy.dir).stdout) as {
        release: { undefines?: string[] };
        debug: { defines: Record<string, string> };
      };
      assert.ok(config.release.undefines?.includes('JEMALLOC_DEBUG'));
      assert.equal(config.debug.defines.JEMALLOC_DEBUG, '1');
    } finally {
      copy.remove();
    }
  });

  it('--dry-run prints the config and writes nothing', () => {
    const copy = scratchCopy(join(fixturesDir, 'real-allocators', 'tlsf'), 'hakmem-init-dry-');
    try {
      const r = hakmem(['init', '.', '--dry-run'], copy.dir);
      assert.equal(r.status, 0, r.stderr);
      assert.ok(Array.isArray((JSON.parse(r.stdout) as { entryPoints: unknown }).entryPoints));
      assert.match(r.stderr, /--dry-run: \.hakmem\.json not written/);
      assert.equal(existsSync(join(copy.dir, '.hakmem.json')), false);
    } finally {
      copy.remove();
    }
  });

  it('refuses to overwrite an existing .hakmem.json without --force (exit 2), replaces it with --force', () => {
    const copy = scratchCopy(join(fixturesDir, 'real-allocators', 'rpmalloc'), 'hakmem-init-keep-');
    try {
      const mine = '{ "entryPoints": ["rpmalloc"] }\n';
      writeFileSync(join(copy.dir, '.hakmem.json'), mine);
      const r = hakmem(['init'], copy.dir);
      assert.equal(r.status, 2);
      assert.match(r.stderr, /\.hakmem\.json already exists; not overwritten \(--force replaces it/);
      assert.equal(r.stdout, '');
      assert.equal(readFileSync(join(copy.dir, '.hakmem.json'), 'utf8'), mine);
      const forced = hakmem(['init', '--force'], copy.dir);
      assert.equal(forced.status, 0, forced.stderr);
      assert.notEqual(readFileSync(join(copy.dir, '.hakmem.json'), 'utf8'), mine);
    } finally {
      copy.remove();
    }
  });

  it('bad usage exits 2 with a reason; --help prints the usage line', () => {
    const r = hakmem(['init', '--bogus'], tmpdir());
    assert.equal(r.status, 2);
    assert.match(r.stderr, /unknown option '--bogus'\nusage: hakmem init \[DIR\] \[--dry-run\] \[--force\]/);
    const missing = hakmem(['init', 'no-such-folder-here'], tmpdir());
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /no such folder: no-such-folder-here/);
    const help = hakmem(['init', '--help'], tmpdir());
    assert.equal(help.status, 0);
    assert.match(help.stdout, /^usage: hakmem init \[DIR\] \[--dry-run\] \[--force\]/);
    assert.match(hakmem(['--help'], tmpdir()).stdout, /^ {2}init$/m);
  });
});

describe('hakmem lint says when the entry points reach almost nothing', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'hakmem-sparse-cli-'));
    for (const [file, text] of Object.entries(sparseTreeFiles())) writeFileSync(join(dir, file), text);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('text: one notice on stderr naming the entry points and the way out; exit status unchanged', () => {
    const r = hakmem(['lint', '.'], dir);
    assert.equal(r.status, 0);
    const notes = r.stderr.split('\n').filter((l) => l.startsWith('hakmem lint: note:'));
    assert.equal(notes.length, 1, r.stderr);
    assert.match(notes[0]!, /only 2 of 42 functions .* \(free\)/);
    assert.match(r.stderr, /"entryPoints" in \.hakmem\.json, or run `hakmem init`/);
    assert.doesNotMatch(r.stdout, /only 2 of 42/);
  });

  it('json: a notices field', () => {
    const r = hakmem(['lint', '.', '--format', 'json'], dir);
    assert.equal(r.status, 0);
    assert.equal(r.stderr, '');
    const out = JSON.parse(r.stdout) as {
      notices: Array<{ code: string; message: string; entryPoints: string[]; reachable: number; functions: number }>;
    };
    assert.equal(out.notices.length, 1);
    assert.equal(out.notices[0]!.code, 'few-functions-reachable');
    assert.deepEqual(out.notices[0]!.entryPoints, ['free']);
    assert.deepEqual([out.notices[0]!.reachable, out.notices[0]!.functions], [2, 42]);
  });

  it('sarif: a tool execution notification of the invocation', () => {
    const r = hakmem(['lint', '.', '--format', 'sarif'], dir);
    const sarif = JSON.parse(r.stdout) as {
      runs: Array<{
        invocations: Array<{ toolExecutionNotifications: Array<{ level: string; message: { text: string }; descriptor: { id: string } }> }>;
      }>;
    };
    const notes = sarif.runs[0]!.invocations[0]!.toolExecutionNotifications;
    assert.equal(notes.length, 1);
    assert.equal(notes[0]!.level, 'note');
    assert.equal(notes[0]!.descriptor.id, 'few-functions-reachable');
    assert.match(notes[0]!.message.text, /only 2 of 42 functions/);
  });

  it('a tree whose entry points reach it has no notice', () => {
    const copy = scratchCopy(join(fixturesDir, 'real-allocators', 'tlsf'), 'hakmem-dense-');
    try {
      const out = JSON.parse(hakmem(['lint', '.', '--format', 'json'], copy.dir).stdout) as { notices: unknown[] };
      assert.deepEqual(out.notices, []);
    } finally {
      copy.remove();
    }
  });
});

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { lintPaths, loadWorkspaceConfig } from '../../server/src/analysis/lint';
import { discoverSources, Workspace } from '../../server/src/analysis/workspace';
import { loadC } from '../../server/src/parse/treeSitter';
import { configFromRaw, DEFAULT_COLD_PATTERNS } from '../../server/src/config/config';
import { allocationAttributed } from '../../server/src/hotpath/allocatorAttributes';
import { prefixFamilies, selectEntryPoints } from '../../server/src/hotpath/entryPoints';
import { defaultPredefines, evaluatePreprocessor, MacroTable } from '../../server/src/preproc';
import { SPARSE_REACH_MIN_FUNCTIONS } from '../../server/src/hotpath/reachNotice';
import { findGuardMacros } from '../../server/src/init/guards';
import { expectedTreeFindings, scratchCopy, sparseTreeFiles, SPARSE_TREE_FUNCTIONS } from '../util/treeMarkers';
import { fixturesDir } from '../util/paths';

/** The entry points the hot path of a tree starts from, with its configuration (or the defaults). */
async function entryPointsOf(root: string): Promise<string[]> {
  const config = loadWorkspaceConfig(root);
  const workspace = new Workspace(config, await loadC(), 'release');
  try {
    await workspace.indexFiles(discoverSources(config));
    return workspace.model().entryPoints.map((e) => e.name);
  } finally {
    workspace.dispose();
  }
}

const pub = (name: string): { name: string; isStatic: boolean } => ({ name, isStatic: false });

describe('entry points without configuration', () => {
  it('a prefix counts when its family allocates and releases', () => {
    const families = prefixFamilies(
      ['mi_malloc', 'mi_free', 'mi_calloc', 'rpmalloc', 'rpfree', 'je_smallocx', 'tlsf_malloc', 'pool_malloc'].map(pub),
    );
    assert.deepEqual([...families.keys()].sort(), ['mi_', 'rp']);
    assert.deepEqual(families.get('mi_'), ['mi_malloc', 'mi_calloc', 'mi_free']);
  });

  it('internal (underscore) prefixes and static-only families are not families', () => {
    const families = prefixFamilies([
      pub('_mi_page_malloc'),
      pub('_mi_page_free'),
      { name: 'imalloc', isStatic: true },
      { name: 'ifree', isStatic: true },
    ]);
    assert.equal(families.size, 0);
  });

  it('orders patterns first, then families, then attributed functions; configured entry points switch recognition off', () => {
    const candidates = ['mi_free', 'mi_malloc', 'hak_alloc_fast', 'malloc', 'mi_new_aligned', 'helper'].map(pub);
    const patterns = ['malloc', 'free', 'hak_alloc*'];
    const all = selectEntryPoints(candidates, { patterns, recognise: true, attributed: new Set(['mi_new_aligned', 'not_defined']) });
    assert.deepEqual(
      all.map((e) => `${e.name}:${e.reason}`),
      [
        'malloc:pattern',
        'hak_alloc_fast:pattern',
        'mi_malloc:prefix family',
        'mi_free:prefix family',
        'mi_new_aligned:allocation attribute',
      ],
    );
    const configured = selectEntryPoints(candidates, { patterns, recognise: false, attributed: new Set(['mi_new_aligned']) });
    assert.deepEqual(
      configured.map((e) => e.name),
      ['malloc', 'hak_alloc_fast'],
    );
  });

  it('.hakmem.json entryPoints turn recognition off; extraEntryPoints keep it', () => {
    assert.equal(configFromRaw('/r', { entryPoints: ['x_alloc'] }).recogniseEntryPoints, false);
    assert.equal(configFromRaw('/r', { extraEntryPoints: ['x_alloc'] }).recogniseEntryPoints, true);
    assert.equal(configFromRaw('/r', {}).recogniseEntryPoints, true);
  });
});

function attributed(text: string): string[] {
  return allocationAttributed(
    text,
    evaluatePreprocessor(text, { fileName: 'x.h', defines: MacroTable.from({ ...defaultPredefines(), NDEBUG: '1' }) }),
  );
}

describe('allocation attributes', () => {
  it('are seen through object-like and function-like macros, before or after the declarator', () => {
    const names = attributed(readFileSync(join(fixturesDir, 'real-allocators', 'mimalloc', 'include', 'mimalloc.h'), 'utf8'));
    assert.deepEqual(names, ['mi_calloc', 'mi_malloc', 'mi_new_aligned', 'mi_realloc']);
    const je = attributed(readFileSync(join(fixturesDir, 'real-allocators', 'jemalloc', 'include', 'jemalloc', 'jemalloc.h'), 'utf8'));
    assert.deepEqual(je, ['je_calloc', 'je_malloc', 'je_mallocx', 'je_smallocx']);
  });

  it('not in code the build compiles out, not for other attributes, not for the macro definitions themselves', () => {
    const text = [
      '#define ATTR_MALLOC __attribute__((malloc))',
      '#define EXPORT __attribute__((visibility("default")))',
      '#if 0',
      'void *gone_alloc(unsigned long n) ATTR_MALLOC;',
      '#endif',
      'EXPORT void *plain_alloc(unsigned long n);',
      'EXPORT ATTR_MALLOC void *kept_alloc(unsigned long n) {',
      '  return 0;',
      '}',
      '__attribute__((alloc_size(2))) void *grow(void *p, unsigned long n);',
    ].join('\n');
    assert.deepEqual(attributed(text), ['grow', 'kept_alloc']);
  });

  it('malformed text does not throw', () => {
    assert.deepEqual(attributed('#define M(x) __attribute__((x))\nM(malloc( void *f(;\n__attribute__((((('), []);
  });
});

describe('coldPatterns', () => {
  it('adds to the default cold patterns', () => {
    assert.deepEqual(configFromRaw('/r', { coldPatterns: ['*_slow'] }).coldPatterns, [...DEFAULT_COLD_PATTERNS, '*_slow']);
  });
  it('replaces them with coldPatternsReplaceDefaults', () => {
    assert.deepEqual(configFromRaw('/r', { coldPatterns: ['*_slow'], coldPatternsReplaceDefaults: true }).coldPatterns, ['*_slow']);
    assert.deepEqual(configFromRaw('/r', { coldPatternsReplaceDefaults: true }).coldPatterns, []);
  });
});

const TREES: Record<string, readonly string[]> = {
  mimalloc: ['mi_malloc', 'mi_calloc', 'mi_realloc', 'mi_free', 'mi_new_aligned'],
  jemalloc: ['je_malloc', 'je_calloc', 'je_mallocx', 'je_free', 'je_smallocx'],
  rpmalloc: ['rpmalloc', 'rpcalloc', 'rprealloc', 'rpfree'],
  tlsf: ['tlsf_malloc', 'tlsf_realloc', 'tlsf_memalign', 'tlsf_free'],
};

describe('real allocator shapes with defaults (no .hakmem.json)', () => {
  for (const [name, entries] of Object.entries(TREES)) {
    it(`${name}: entry points recognised, every planted hazard reported, nothing else`, async () => {
      const copy = scratchCopy(join(fixturesDir, 'real-allocators', name), `hakmem-${name}-`);
      try {
        const result = await lintPaths([copy.dir], { cwd: copy.dir, build: 'release' });
        const actual = result.findings.map((f) => `${f.path.slice(copy.dir.length + 1)}:${f.span.line + 1}:${f.code}`).sort();
        assert.deepEqual(actual, expectedTreeFindings(copy.dir, { withoutConfig: true }));
        assert.deepEqual(result.notices, [], 'the entry points reach the allocator');
        assert.deepEqual(await entryPointsOf(copy.dir), entries);
      } finally {
        copy.remove();
      }
    });
  }

  it('an entry point known only from JEMALLOC_ATTR(malloc) in a header starts the chain to its hazard', async () => {
    const copy = scratchCopy(join(fixturesDir, 'real-allocators', 'jemalloc'), 'hakmem-je-');
    try {
      const result = await lintPaths([copy.dir], { cwd: copy.dir, build: 'release' });
      const getenv = result.findings.find((f) => f.code === 'hot-path-getenv');
      assert.equal(getenv?.related[0]?.message, 'je_smallocx is an allocator entry point');
    } finally {
      copy.remove();
    }
  });
});

describe('the notice when the entry points reach almost nothing', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'hakmem-sparse-'));
    for (const [file, text] of Object.entries(sparseTreeFiles())) writeFileSync(join(dir, file), text);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('names the entry points used and how to add more', async () => {
    const result = await lintPaths([dir], { cwd: dir, build: 'release' });
    assert.equal(result.notices.length, 1);
    const notice = result.notices[0]!;
    assert.deepEqual(notice.entryPoints, ['free']);
    assert.equal(notice.functions, SPARSE_TREE_FUNCTIONS);
    assert.equal(notice.reachable, 2);
    assert.match(notice.message, /only 2 of 42 functions \(4\.8%\) are reachable from the entry points used \(free\)/);
    assert.match(notice.hint, /"entryPoints" in \.hakmem\.json.*hakmem init/);
  });

  it('is not given for a small tree, where a small share is normal', async () => {
    const small = mkdtempSync(join(tmpdir(), 'hakmem-small-'));
    try {
      const lines = Array.from({ length: SPARSE_REACH_MIN_FUNCTIONS - 1 }, (_, i) => `int f${i}(void) { return ${i}; }`);
      writeFileSync(join(small, 'a.c'), lines.join('\n') + '\nvoid free(void *p) { (void)p; }\n');
      const result = await lintPaths([small], { cwd: small, build: 'release' });
      assert.deepEqual(result.notices, []);
    } finally {
      rmSync(small, { recursive: true, force: true });
    }
  });
});

describe('hakmem init: debug guard macros', () => {
  it('gives each guard the value a release build gives it', () => {
    const guards = findGuardMacros([
      '#ifndef MY_ASSERT_H\n#define MY_ASSERT_H\n#if MI_DEBUG > 1\n#endif\n#ifdef JEMALLOC_DEBUG\n#endif\n#if !HAKMEM_BUILD_RELEASE\n#endif\n#ifndef NDEBUG\n#endif\n#if defined(ENABLE_TRACE)\n#endif\n#ifdef MI_STATIC_LIB\n#endif\n#endif\n',
    ]);
    const byName = Object.fromEntries(guards.map((g) => [g.name, [g.release, g.debug]]));
    assert.deepEqual(byName, {
      ENABLE_TRACE: [undefined, '1'],
      HAKMEM_BUILD_RELEASE: ['1', '0'],
      JEMALLOC_DEBUG: [undefined, '1'],
      MI_DEBUG: ['0', '2'],
      NDEBUG: ['1', undefined],
    });
  });
});

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { analyseText, mergeSlices, sliceBoundaries } from '../../server/src/analysis/fileAnalysis';
import { lintPaths, loadWorkspaceConfig } from '../../server/src/analysis/lint';
import type { FileFacts, FunctionFact } from '../../server/src/facts/types';
import { syntaxView } from '../../server/src/parse/syntaxView';
import { loadC } from '../../server/src/parse/treeSitter';
import { defaultPredefines, evaluatePreprocessor, MacroTable } from '../../server/src/preproc';
import { expectedFindingsInTree } from '../util/markers';
import { analysisContext } from '../util/analysisContext';
import { fixturesDir } from '../util/paths';

const idiomsDir = join(fixturesDir, 'idioms');

/** Facts of one file of a fixture tree, through the analysis the workspace uses. */
async function factsOf(tree: string, file: string): Promise<FileFacts> {
  const lang = await loadC();
  const config = loadWorkspaceConfig(join(idiomsDir, tree));
  const ctx = analysisContext(lang, config);
  const path = join(idiomsDir, tree, file);
  return analyseText(ctx, path, readFileSync(path, 'utf8')).facts;
}

function fn(facts: FileFacts, name: string): FunctionFact {
  const found = facts.functions.filter((f) => f.name === name);
  assert.equal(found.length, 1, `${name} is defined once (found ${found.length})`);
  return found[0]!;
}

/** A view of `source` with the macros it defines itself. */
function viewOf(source: string): string {
  return syntaxView(source, evaluatePreprocessor(source, { defines: MacroTable.from(defaultPredefines()) }));
}

describe('allocator idioms: fixture trees in the shapes of mimalloc, jemalloc, rpmalloc and tlsf', () => {
  for (const name of readdirSync(idiomsDir).sort()) {
    it(`${name}: every expect marker found, nothing else`, async () => {
      const dir = join(idiomsDir, name);
      const result = await lintPaths([dir], { cwd: dir, build: 'release' });
      const actual = result.findings.map((f) => `${relative(dir, f.path)}:${f.span.line + 1}:${f.code}`).sort();
      assert.deepEqual(actual, expectedFindingsInTree(dir));
    });
  }

  it('mimalloc: `if mi_unlikely(c)` does not close the function body; every call stays in its function', async () => {
    const facts = await factsOf('mimalloc', 'src/page.c');
    const generic = fn(facts, '_mi_malloc_generic');
    const callees = new Set(generic.calls.map((c) => c.callee));
    for (const callee of ['_mi_options_init', 'mi_prim_get_default_heap', 'mi_heap_collect', 'mi_find_page', '_mi_page_malloc_zero']) {
      assert.ok(callees.has(callee), `_mi_malloc_generic calls ${callee}`);
    }
    // The function ends at its own closing brace, not at the second unlikely branch.
    const text = readFileSync(join(idiomsDir, 'mimalloc', 'src', 'page.c'), 'utf8').split('\n');
    assert.equal(text[generic.span.endLine], '}');
    assert.ok(text[generic.span.endLine - 1]!.includes('_mi_page_malloc_zero'));
  });

  it('mimalloc: attribute macros before and after the declarator leave one function under its own name', async () => {
    const facts = await factsOf('mimalloc', 'src/alloc.c');
    const names = facts.functions.map((f) => f.name);
    assert.deepEqual(names, ['_mi_page_malloc', 'mi_heap_malloc_small', 'mi_malloc', 'mi_zalloc', 'mi_check_owned', 'mi_free']);
    assert.equal(fn(facts, 'mi_heap_malloc_small').isStatic, true);
    assert.ok(!facts.globals.has('mi_decl_restrict'), 'an attribute macro is not a global variable');
  });

  it('mimalloc: a local _Atomic(T)* pointer moved with ++ is not a counter; a file-scope _Atomic(T) is', async () => {
    const facts = await factsOf('mimalloc', 'src/alloc.c');
    const incs = fn(facts, 'mi_free').increments;
    assert.equal(incs.find((i) => i.target === 'used')?.kind, 'local');
    assert.equal(incs.find((i) => i.target === '_mi_stat_frees')?.kind, 'global');
    const page = await factsOf('mimalloc', 'src/page.c');
    assert.equal(fn(page, '_mi_free_generic').increments.find((i) => i.target === 'list')?.kind, 'local');
  });

  it('jemalloc: JEMALLOC_ATTR(…) before the name gives je_malloc, je_calloc, je_mallocx their own definitions', async () => {
    const facts = await factsOf('jemalloc', 'src/jemalloc.c');
    const names = facts.functions.map((f) => f.name);
    assert.deepEqual(names, [
      'malloc_default_slow',
      'imalloc_fastpath',
      'je_malloc',
      'je_calloc',
      'je_mallocx',
      'je_free',
      'je_malloc_stats_print',
    ]);
    // The name's position is the source's: the rewritten view keeps every offset.
    const source = readFileSync(join(idiomsDir, 'jemalloc', 'src', 'jemalloc.c'), 'utf8').split('\n');
    const je = fn(facts, 'je_malloc').nameSpan;
    assert.equal(source[je.line]!.slice(je.column, je.endColumn), 'je_malloc');
    // A nested attribute macro (JEMALLOC_COLD → JEMALLOC_ATTR(__cold__)) still makes its function cold.
    assert.equal(fn(facts, 'malloc_default_slow').cold, 'attribute cold');
    assert.equal(fn(facts, 'imalloc_fastpath').isStatic, true, 'JEMALLOC_ALWAYS_INLINE expands to static inline');
  });

  it('gives the same facts when a file is indexed in slices', async () => {
    const lang = await loadC();
    const config = loadWorkspaceConfig(join(idiomsDir, 'mimalloc'));
    const ctx = analysisContext(lang, config, { pointers: true });
    const text = ['alloc.c', 'page.c'].map((f) => readFileSync(join(idiomsDir, 'mimalloc', 'src', f), 'utf8')).join('\n');
    const cuts = sliceBoundaries(text, 3);
    assert.ok(cuts.length >= 1);
    const whole = analyseText(ctx, '/x/mi.c', text);
    const bounds = [0, ...cuts, text.length];
    const merged = mergeSlices(bounds.slice(1).map((end, i) => analyseText(ctx, '/x/mi.c', text, { range: [bounds[i]!, end] })));
    const comparable = (f: FileFacts): unknown =>
      JSON.parse(JSON.stringify({ ...f, globals: [...f.globals].sort(), ignores: [...f.ignores] }));
    assert.deepEqual(comparable(merged.facts), comparable(whole.facts));
    assert.deepEqual(
      merged.pointerFacts.functions.map((f) => f.name),
      whole.pointerFacts.functions.map((f) => f.name),
    );
  });
});

describe('syntax view', () => {
  const MACROS = [
    '#define mi_unlikely(x) (__builtin_expect(!!(x),false))',
    '#define ATTR(s) __attribute__((s))',
    '#define COLD ATTR(cold)',
    '#define NOTHING',
    '#define ALWAYS_INLINE static inline ATTR(always_inline)',
    '#define check(x)',
    '#define SQUARE(x) ((x)*(x))',
    '',
  ].join('\n');

  it('keeps the length, every newline and the text outside the rewrites', () => {
    const src = `${MACROS}COLD NOTHING\nvoid *f(int a) NOTHING ATTR(malloc) {\n  if mi_unlikely(a\n      > 1) { return 0; }\n  return 0;\n}\n`;
    const view = viewOf(src);
    assert.equal(view.length, src.length);
    assert.deepEqual(
      [...view.matchAll(/\n/g)].map((m) => m.index),
      [...src.matchAll(/\n/g)].map((m) => m.index),
    );
    assert.ok(view.startsWith(MACROS), 'directives are untouched');
  });

  it('wraps an unparenthesised condition, from the blanks beside it', () => {
    assert.ok(
      viewOf(`${MACROS}int f(int a) {\n  if mi_unlikely(a > 1) { return 1; }\n  return 0;\n}\n`).includes(
        '  if(mi_unlikely(a > 1)){ return 1; }',
      ),
    );
    // No blank before the body: the macro's own parentheses become the condition.
    assert.ok(
      viewOf(`${MACROS}int f(int a) {\n  if mi_unlikely(a){ return 1; }\n  return 0;\n}\n`).includes('  if            (a){ return 1; }'),
    );
  });

  it('blanks attribute macros around a declarator and keeps the storage keywords they expand to', () => {
    const view = viewOf(`${MACROS}ALWAYS_INLINE COLD void *f(int a) NOTHING ATTR(malloc) {\n  return 0;\n}\n`);
    // `ALWAYS_INLINE COLD void *f(int a) NOTHING ATTR(malloc) {`
    assert.equal(view.slice(MACROS.length).split('\n')[0], `static inline${' '.repeat(6)}void *f(int a)${' '.repeat(22)}{`);
  });

  it('turns _Atomic(T) into the qualifier form', () => {
    assert.ok(viewOf('void f(void) {\n  _Atomic(size_t)* p = 0;\n  p++;\n}\n').includes('  _Atomic size_t * p = 0;'));
  });

  it('leaves comments, strings, statement uses and other macros alone', () => {
    const body = [
      '// if mi_unlikely(x) { COLD',
      'int f(int a) {',
      '  const char *s = "if mi_unlikely(a) ATTR(x)";',
      '  check(a > 0);',
      '  if (a) check(a);',
      '  int b = SQUARE(a);',
      '  return b;',
      '}',
      '',
    ].join('\n');
    assert.equal(viewOf(MACROS + body), MACROS + body);
  });

  it('never throws on malformed text', () => {
    for (const src of [
      `${MACROS}if mi_unlikely(`,
      `${MACROS}ATTR(`,
      '_Atomic(',
      'if x',
      `${MACROS}"unterminated ATTR(x)\nCOLD`,
      `${MACROS}/* COLD`,
    ]) {
      assert.equal(viewOf(src).length, src.length);
    }
  });
});

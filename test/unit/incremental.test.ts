import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { extractFacts, FACTS_QUERY } from '../../server/src/facts/extract';
import { updateFacts } from '../../server/src/facts/incremental';
import type { FileFacts } from '../../server/src/facts/types';
import { findWorkspaceRoot, loadWorkspaceConfig } from '../../server/src/analysis/lint';
import { IncrementalTree } from '../../server/src/parse/incrementalTree';
import { syntaxView } from '../../server/src/parse/syntaxView';
import { loadC } from '../../server/src/parse/treeSitter';
import { defaultPredefines, evaluatePreprocessor, fileIncludeResolver, MacroTable } from '../../server/src/preproc';
import { fixturesDir, repoRoot } from '../util/paths';

function comparable(f: FileFacts): unknown {
  return JSON.parse(JSON.stringify({ ...f, globals: [...f.globals], ignores: [...f.ignores].map(([l, c]) => [l, [...c]]) }));
}

/** A tiny deterministic PRNG so a failure names an edit that can be replayed. */
function rng(seed: number): () => number {
  let x = seed;
  return () => (x = (x * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
}

describe('incremental facts after an edit inside a function body', () => {
  const files = [
    join(repoRoot, 'native', 'src', 'hakmem_heap.c'),
    join(fixturesDir, 'lint', 'io', 'alloc.c'),
    // Allocator idioms: the tree is parsed from the syntax view, which an edit can change too.
    join(fixturesDir, 'idioms', 'mimalloc', 'src', 'alloc.c'),
    join(fixturesDir, 'idioms', 'mimalloc', 'src', 'page.c'),
    join(fixturesDir, 'idioms', 'jemalloc', 'src', 'jemalloc.c'),
    join(fixturesDir, 'idioms', 'rpmalloc', 'rpmalloc', 'rpmalloc.c'),
  ];
  for (const file of files) {
    it(`equal a full extraction (${file.split('/').slice(-2).join('/')})`, async () => {
      const lang = await loadC();
      const parser = lang.newParser();
      const query = lang.query(FACTS_QUERY);
      const defines = MacroTable.from({ ...defaultPredefines(), HAKMEM_BUILD_RELEASE: '1', NDEBUG: '1' });
      const config = loadWorkspaceConfig(findWorkspaceRoot(file, dirname(file)));
      const resolveInclude = fileIncludeResolver(config.includePaths);
      const preprocOf = (t: string) => evaluatePreprocessor(t, { fileName: file, defines: defines.clone(), resolveInclude });
      let text = readFileSync(file, 'utf8');
      const syntax = new IncrementalTree();
      let preproc = preprocOf(text);
      let view = syntaxView(text, preproc);
      let facts = extractFacts(file, view, syntax.update(parser, view), query, preproc, 'release', undefined, undefined, text);
      const random = rng(7);
      let fast = 0;
      for (let step = 0; step < 60; step++) {
        // An edit somewhere inside a function body: insert a call, a newline, an unlikely branch or delete one character.
        const bodies = facts.functions;
        const fn = bodies[Math.floor(random() * bodies.length)]!;
        const kind = step % 4;
        const anywhere = fn.range.bodyStart + 1 + Math.floor(random() * Math.max(1, fn.range.end - fn.range.bodyStart - 2));
        // An unlikely branch is typed where a statement ends.
        const statementEnd = text.indexOf(';', anywhere) + 1;
        const at = kind === 3 && statementEnd > 0 && statementEnd < fn.range.end - 1 ? statementEnd : anywhere;
        const inserted = kind === 0 ? ' puts("x"); ' : kind === 1 ? '\n' : kind === 3 ? ' if mi_unlikely(at > 1) { puts("y"); } ' : '';
        const removed = kind === 2 && text[at] !== '#' && text[at] !== '}' && text[at] !== '{' ? 1 : 0;
        const next = text.slice(0, at) + inserted + text.slice(at + removed);
        preproc = preprocOf(next);
        const nextView = syntaxView(next, preproc);
        const tree = syntax.update(parser, nextView);
        const updated = updateFacts(facts, view, nextView, tree, query, preproc, undefined, next);
        const full = extractFacts(file, nextView, tree, query, preproc, 'release', undefined, undefined, next);
        if (updated) {
          fast++;
          assert.deepEqual(
            comparable(updated),
            comparable(full),
            `step ${step}: edit at ${at} (${JSON.stringify(inserted)}, removed ${removed})`,
          );
        }
        text = next;
        view = nextView;
        facts = full;
      }
      // The tree kept current edit after edit is the tree of the latest view.
      const fresh = parser.parse(view)!;
      assert.equal(syntax.current?.tree.rootNode.toString(), fresh.rootNode.toString());
      fresh.delete();
      syntax.delete();
      // Most edits inside bodies take the fast path (the rest touched braces or directives).
      assert.ok(fast >= 30, `only ${fast} of 60 edits were incremental`);
    });
  }

  it('falls back to a full extraction when a directive changes', async () => {
    const lang = await loadC();
    const parser = lang.newParser();
    const query = lang.query(FACTS_QUERY);
    const defines = MacroTable.from({ ...defaultPredefines(), HAKMEM_BUILD_RELEASE: '1' });
    const before = 'void *malloc(unsigned long n) {\n  return 0;\n}\n';
    const after = 'void *malloc(unsigned long n) {\n#if 1\n  return 0;\n}\n';
    const t1 = parser.parse(before)!;
    const f1 = extractFacts('/a.c', before, t1, query, evaluatePreprocessor(before, { defines }), 'release');
    const t2 = parser.parse(after)!;
    assert.equal(updateFacts(f1, before, after, t2, query, evaluatePreprocessor(after, { defines })), undefined);
    t1.delete();
    t2.delete();
  });
});

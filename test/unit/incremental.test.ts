import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Edit, type Tree } from 'web-tree-sitter';
import { extractFacts, FACTS_QUERY } from '../../server/src/facts/extract';
import { updateFacts } from '../../server/src/facts/incremental';
import type { FileFacts } from '../../server/src/facts/types';
import { loadC } from '../../server/src/parse/treeSitter';
import { defaultPredefines, evaluatePreprocessor, MacroTable } from '../../server/src/preproc';
import { fixturesDir, repoRoot } from '../util/paths';

function comparable(f: FileFacts): unknown {
  return JSON.parse(JSON.stringify({ ...f, globals: [...f.globals], ignores: [...f.ignores].map(([l, c]) => [l, [...c]]) }));
}

/** A tiny deterministic PRNG so a failure names an edit that can be replayed. */
function rng(seed: number): () => number {
  let x = seed;
  return () => ((x = (x * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
}

function positionOf(text: string, index: number): { row: number; column: number } {
  const before = text.slice(0, index).split('\n');
  return { row: before.length - 1, column: before[before.length - 1]!.length };
}

describe('incremental facts after an edit inside a function body', () => {
  for (const file of [join(repoRoot, 'native', 'src', 'hakmem_heap.c'), join(fixturesDir, 'lint', 'io', 'alloc.c')]) {
    it(`equal a full extraction (${file.split('/').slice(-2).join('/')})`, async () => {
      const lang = await loadC();
      const parser = lang.newParser();
      const query = lang.query(FACTS_QUERY);
      const defines = MacroTable.from({ ...defaultPredefines(), HAKMEM_BUILD_RELEASE: '1', NDEBUG: '1' });
      const preprocOf = (t: string) => evaluatePreprocessor(t, { fileName: file, defines: defines.clone() });
      let text = readFileSync(file, 'utf8');
      let tree: Tree = parser.parse(text)!;
      let facts = extractFacts(file, text, tree, query, preprocOf(text), 'release');
      const random = rng(7);
      let fast = 0;
      for (let step = 0; step < 60; step++) {
        // An edit somewhere inside a function body: insert a call, a newline or delete one character.
        const bodies = facts.functions;
        const fn = bodies[Math.floor(random() * bodies.length)]!;
        const at = fn.range.bodyStart + 1 + Math.floor(random() * Math.max(1, fn.range.end - fn.range.bodyStart - 2));
        const kind = step % 3;
        const inserted = kind === 0 ? ' puts("x"); ' : kind === 1 ? '\n' : '';
        const removed = kind === 2 && text[at] !== '#' && text[at] !== '}' && text[at] !== '{' ? 1 : 0;
        const next = text.slice(0, at) + inserted + text.slice(at + removed);
        tree.edit(
          new Edit({
            startIndex: at,
            oldEndIndex: at + removed,
            newEndIndex: at + inserted.length,
            startPosition: positionOf(text, at),
            oldEndPosition: positionOf(text, at + removed),
            newEndPosition: positionOf(next, at + inserted.length),
          }),
        );
        const nextTree = parser.parse(next, tree)!;
        tree.delete();
        const preproc = preprocOf(next);
        const updated = updateFacts(facts, text, next, nextTree, query, preproc);
        const full = extractFacts(file, next, nextTree, query, preproc, 'release');
        if (updated) {
          fast++;
          assert.deepEqual(comparable(updated), comparable(full), `step ${step}: edit at ${at} (${JSON.stringify(inserted)}, removed ${removed})`);
        }
        text = next;
        tree = nextTree;
        facts = full;
      }
      tree.delete();
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

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { analyseText, mergeSlices, sliceBoundaries } from '../../server/src/analysis/fileAnalysis';
import { defaultConfig } from '../../server/src/config/config';
import type { FileFacts } from '../../server/src/facts/types';
import { loadC } from '../../server/src/parse/treeSitter';
import { analysisContext } from '../util/analysisContext';
import { repoRoot } from '../util/paths';

function comparable(f: FileFacts): unknown {
  return JSON.parse(JSON.stringify({ ...f, globals: [...f.globals].sort(), ignores: [...f.ignores].map(([l, c]) => [l, [...c]]) }));
}

describe('a huge file indexed in slices', () => {
  it('cuts only after a function, at a blank line', () => {
    const text = 'int a(void) {\n  return 1;\n}\n\nint b(void) {\n  return 2;\n}\n\nint c(void) { return 3; }\n';
    const cuts = sliceBoundaries(text, 2);
    assert.equal(cuts.length, 1);
    assert.equal(text[cuts[0]! - 2], '}');
    assert.equal(text.slice(cuts[0]!).startsWith('\nint b') || text.slice(cuts[0]!).startsWith('\nint c'), true);
    assert.deepEqual(sliceBoundaries('int x;\n', 2), []);
  });

  it('gives the same facts as the whole file (inside #if groups too)', async () => {
    const lang = await loadC();
    const config = defaultConfig(repoRoot);
    const ctx = analysisContext(lang, config, { readSource: () => null });
    const heap = readFileSync(join(repoRoot, 'native', 'src', 'hakmem_heap.c'), 'utf8');
    // Wrapped in a file-wide #if, as amalgamations are: cuts then fall inside it.
    const text = `#ifndef WRAPPED\nstatic __thread unsigned long t_count;\n${heap}\nvoid *hak_alloc_extra(unsigned long n) {\n  t_count++;\n  return 0;\n}\n\n${heap.replace(/\b(hak_\w+|heap_\w+)\s*\(/g, '$1_copy(')}\n#endif\n`;
    const cuts = sliceBoundaries(text, 3);
    assert.equal(cuts.length, 2);
    const whole = analyseText(ctx, '/x/heap.c', text);
    const bounds = [0, ...cuts, text.length];
    const slices = bounds.slice(1).map((end, i) => analyseText(ctx, '/x/heap.c', text, { range: [bounds[i]!, end] }));
    const merged = mergeSlices(slices);
    assert.ok(whole.facts.functions.length > 20);
    assert.deepEqual(comparable(merged.facts), comparable(whole.facts));
  });
});

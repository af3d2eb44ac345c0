import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, it } from 'node:test';
import type { Node as SyntaxNode } from 'web-tree-sitter';
import { analyseText, analyseView, type AnalysisContext } from '../../server/src/analysis/fileAnalysis';
import { findWorkspaceRoot, loadWorkspaceConfig } from '../../server/src/analysis/lint';
import { loadC, type CLanguage } from '../../server/src/parse/treeSitter';
import { evaluatePreprocessor, fileIncludeResolver, type PreprocResult } from '../../server/src/preproc';
import { referenceDefinitions } from '../util/definitions';
import { analysisContext } from '../util/analysisContext';
import { fixturesDir } from '../util/paths';

/** Every C source and header under test/fixtures, grouped by the fixture tree (workspace root) it belongs to. */
function fixtureTrees(): Map<string, string[]> {
  const trees = new Map<string, string[]>();
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (/\.(c|h)$/.test(name)) {
        const root = findWorkspaceRoot(full, dirname(full));
        trees.set(root, [...(trees.get(root) ?? []), full]);
      }
    }
  };
  walk(fixturesDir);
  return trees;
}

const STATEMENT = /_statement$/;
const OPAQUE = new Set(['function_definition', 'preproc_def', 'preproc_function_def', 'preproc_call', 'comment', 'string_literal']);

/** Statements, and calls inside ERROR nodes, outside every function (on lines the build compiles). */
function statementsOutsideFunctions(root: SyntaxNode, active: (line: number) => boolean): string[] {
  const found: string[] = [];
  const visit = (node: SyntaxNode, inError: boolean): void => {
    if (OPAQUE.has(node.type)) return;
    const line = node.startPosition.row;
    // An #if that splits a declaration (jemalloc's `static const bool config_debug =` / `#ifdef` /
    // `true` / `#else` / `false` / `#endif` / `;`) leaves its `;` alone at top level: an empty
    // statement holds nothing the analysis reads, so it is not damage.
    const empty = node.type === 'expression_statement' && node.text.trim() === ';';
    if (active(line) && !empty && (STATEMENT.test(node.type) || (inError && node.type === 'call_expression'))) {
      found.push(`${line + 1}: ${node.type} ${JSON.stringify(node.text.slice(0, 40))}`);
      return;
    }
    for (const child of node.namedChildren) if (child) visit(child, inError || node.type === 'ERROR');
  };
  visit(root, false);
  return found;
}

function context(lang: CLanguage, root: string): { ctx: AnalysisContext; preprocess: (path: string, text: string) => PreprocResult } {
  const config = loadWorkspaceConfig(root);
  const ctx = analysisContext(lang, config, { pointers: true });
  const resolver = fileIncludeResolver(config.includePaths);
  const preprocess = (path: string, text: string): PreprocResult =>
    evaluatePreprocessor(text, { fileName: path, defines: ctx.baseMacros.clone(), resolveInclude: resolver });
  return { ctx, preprocess };
}

describe('parse health of every fixture tree (what the grammar sees is what the compiler sees)', () => {
  for (const [root, files] of fixtureTrees()) {
    it(relative(fixturesDir, root) || '.', async () => {
      const lang = await loadC();
      const { ctx, preprocess } = context(lang, root);
      const problems: string[] = [];
      for (const path of files) {
        const text = readFileSync(path, 'utf8');
        const rel = relative(root, path);
        const preproc = preprocess(path, text);
        const active = (line: number): boolean => preproc.active[line] !== 0;
        const tree = ctx.parser.parse(analyseView(ctx, path, text))!;
        try {
          for (const s of statementsOutsideFunctions(tree.rootNode, active)) problems.push(`${rel}:${s} is outside any function`);
        } finally {
          tree.delete();
        }
        const facts = analyseText(ctx, path, text).facts;
        const defined = facts.functions.filter((f) => active(f.nameSpan.line));
        for (const f of defined) {
          if (preproc.macroAt(f.name, f.nameSpan.line))
            problems.push(`${rel}:${f.nameSpan.line + 1}: a function is named after the macro ${f.name}`);
        }
        const expected = referenceDefinitions(text, active, (name, line) => preproc.macroAt(name, line) !== undefined);
        const actual = defined.map((f) => f.name);
        if (JSON.stringify([...actual].sort()) !== JSON.stringify([...expected].sort())) {
          problems.push(`${rel}: functions ${JSON.stringify(actual)}, expected each of ${JSON.stringify(expected)} once`);
        }
      }
      assert.deepEqual(problems, []);
    });
  }
});

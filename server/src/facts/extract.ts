import type { Node as SyntaxNode, Query, QueryMatch, Tree } from 'web-tree-sitter';
import type { PreprocResult } from '../preproc';
import type { RuntimeConstants } from './constant';
import { FileExtraction } from './extraction';
import type { FileFacts } from './types';

/** One pattern of the facts query and what a match of it adds to the file's extraction. */
interface FactPattern {
  readonly pattern: string;
  /** Function definitions are registered for a whole chunk before its other matches look up their enclosing function. */
  readonly registersFunction?: true;
  readonly collect: (match: QueryMatch, extraction: FileExtraction) => void;
}

/**
 * One query for everything the rules need, so a file is walked once inside the
 * wasm; names are then read from the text, which is far cheaper than walking
 * nodes from JavaScript. A match's patternIndex is its pattern's place here:
 * the query is built from this list, so a handler cannot drift from its pattern.
 */
const FACT_PATTERNS: readonly FactPattern[] = [
  { pattern: '(function_definition) @fn', registersFunction: true, collect: (m, x) => x.functionDefinition(m) },
  { pattern: '(call_expression function: (identifier) @callee) @call', collect: (m, x) => x.call(m) },
  { pattern: '(expression_statement (identifier) @stmtident)', collect: (m, x) => x.macroStatement(m) },
  { pattern: '(update_expression argument: (_) @inc) @incexpr', collect: (m, x) => x.increment(m, 'inc', 'incexpr') },
  {
    pattern: '(assignment_expression left: (_) @compound operator: ["+=" "-="]) @compexpr',
    collect: (m, x) => x.increment(m, 'compound', 'compexpr'),
  },
  { pattern: '(assignment_expression left: (identifier) @assigned)', collect: (m, x) => x.assignment(m) },
  {
    pattern: '(if_statement condition: (_) @ifcond consequence: (_) @ifbody alternative: (_)? @ifelse) @ifstmt',
    collect: (m, x) => x.ifStatement(m),
  },
  { pattern: '(declaration) @decl', collect: (m, x) => x.declaration(m) },
  { pattern: '(ERROR) @error', collect: (m, x) => x.error(m) },
  {
    pattern:
      '[(while_statement condition: (_) @decides) (do_statement condition: (_) @decides) (for_statement condition: (_) @decides) (switch_statement condition: (_) @decides) (conditional_expression condition: (_) @decides)]',
    collect: (m, x) => x.decision(m),
  },
];

export const FACTS_QUERY = FACT_PATTERNS.map((p) => p.pattern).join('\n') + '\n';

/** Query in slices of about this many characters: match objects of a huge file never all live at once. */
const CHUNK_CHARS = 256 * 1024;

/** Ranges that cover the file and end on node boundaries (big nodes are split into their children). */
function chunkRanges(node: SyntaxNode, out: Array<[number, number]> = []): Array<[number, number]> {
  let start = -1;
  let end = -1;
  for (const child of node.children) {
    if (!child) continue;
    if (child.endIndex - child.startIndex > CHUNK_CHARS && child.childCount > 0) {
      if (start >= 0) out.push([start, end]);
      start = -1;
      chunkRanges(child, out);
      continue;
    }
    if (start < 0) start = child.startIndex;
    end = child.endIndex;
    if (end - start >= CHUNK_CHARS) {
      out.push([start, end]);
      start = -1;
    }
  }
  if (start >= 0) out.push([start, end]);
  return out;
}

/**
 * Every match of the query, chunk by chunk. A match crossing a chunk boundary is
 * reported once. (Query ranges are in bytes of the UTF-16 text tree-sitter holds.)
 */
function* chunkedMatches(query: Query, root: SyntaxNode, only?: readonly [number, number]): Generator<QueryMatch[]> {
  const seen = new Set<string>();
  const ranges = only
    ? [only]
    : root.endIndex - root.startIndex > CHUNK_CHARS
      ? chunkRanges(root)
      : [[root.startIndex, root.endIndex] as [number, number]];
  for (const [start, end] of ranges) {
    const matches = query.matches(root, { startIndex: start * 2, endIndex: end * 2 });
    yield matches.filter((m) => {
      const first = m.captures[0]?.node;
      if (only && first && (first.startIndex < start || first.endIndex > end)) return false;
      if (!first || (first.startIndex >= start && first.endIndex <= end)) return true;
      const key = `${m.patternIndex}:${first.startIndex}:${first.endIndex}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }
}

/**
 * Extracts the facts of one parsed file for one build. `preproc` is the same
 * file evaluated with that build's defines; code on inactive lines is dropped.
 */
export function extractFacts(
  path: string,
  text: string,
  tree: Tree,
  query: Query,
  preproc: PreprocResult,
  build: 'release' | 'debug',
  /** Extract only the functions inside this range, knowing the file's globals (incremental updates). */
  only?: { readonly range: readonly [number, number]; readonly globals: ReadonlyMap<string, 'global' | 'thread-local'> },
  /** `static const` config values of this build (jemalloc's config_debug), which decide `if`s like constants. */
  constants?: RuntimeConstants,
  /** The source when `text` is its syntax view (attribute macros are read from it). */
  source: string = text,
): FileFacts {
  const extraction = new FileExtraction(path, text, preproc, build, only?.globals, constants, source);
  // Chunk by chunk: functions, then every other match (calls and increments are classified at the end).
  for (const matches of chunkedMatches(query, tree.rootNode, only?.range)) {
    for (const match of matches) {
      const p = FACT_PATTERNS[match.patternIndex];
      if (p?.registersFunction) p.collect(match, extraction);
    }
    extraction.functionsRegistered();
    for (const match of matches) {
      const p = FACT_PATTERNS[match.patternIndex];
      if (p && !p.registersFunction) p.collect(match, extraction);
    }
  }
  return extraction.finish();
}

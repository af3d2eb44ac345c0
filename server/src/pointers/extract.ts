import { Query, type Node as SyntaxNode, type Tree } from 'web-tree-sitter';
import type { MacroDef, PreprocResult } from '../preproc';
import { BodyBuilder, declaredName, functionDeclarator, typeInfo } from './ir';
import { constantValue, macroMeaning } from './macros';
import type {
  Annotation,
  FunctionBody,
  MacroMeaning,
  PointerConfig,
  PointerFileFacts,
  PointerFunction,
  PointerKind,
  PointerPrototype,
  Span,
} from './types';

const ANNOTATION = /hakmem:(base|user)\b/g;

/** Bodies by text: an edit re-builds only the functions it touched. */
const bodyCache = new Map<string, FunctionBody>();
const BODY_CACHE_LIMIT = 20000;

/** Forgets cached bodies (benchmarks measure cold extraction with it). */
export function clearBodyCache(): void {
  bodyCache.clear();
}

/** Containers that hold file-level declarations (functions are never nested in C). */
const CONTAINERS = new Set([
  'preproc_if',
  'preproc_ifdef',
  'preproc_else',
  'preproc_elif',
  'preproc_elifdef',
  'linkage_specification',
  'declaration_list',
]);

/** For damaged parts of a tree only: error recovery can nest definitions anywhere. */
const DAMAGED_QUERY = `
(function_definition) @fn
(declaration declarator: (function_declarator) @proto)
(declaration declarator: (pointer_declarator declarator: (function_declarator) @proto))
`;
const queries = new WeakMap<object, Query>();

function damagedQuery(tree: Tree): Query {
  let q = queries.get(tree.language);
  if (!q) {
    q = new Query(tree.language, DAMAGED_QUERY);
    queries.set(tree.language, q);
  }
  return q;
}

/**
 * Function definitions and prototypes at file level, found by walking only
 * the top of the tree with a cursor (far cheaper than a query over every node).
 */
function fileLevel(tree: Tree): { definitions: SyntaxNode[]; prototypes: SyntaxNode[] } {
  const definitions: SyntaxNode[] = [];
  const prototypes: SyntaxNode[] = [];
  const seen = new Set<number>();
  const searchDamaged = (node: SyntaxNode): void => {
    for (const c of damagedQuery(tree).captures(node)) {
      if (seen.has(c.node.id)) continue;
      seen.add(c.node.id);
      (c.name === 'fn' ? definitions : prototypes).push(c.node);
    }
  };
  if (tree.rootNode.type === 'ERROR') {
    searchDamaged(tree.rootNode);
    return { definitions, prototypes };
  }
  const cursor = tree.walk();
  try {
    if (!cursor.gotoFirstChild()) return { definitions, prototypes };
    const visit = (depth: number): void => {
      do {
        const type = cursor.nodeType;
        if (type === 'function_definition') {
          const node = cursor.currentNode;
          if (!seen.has(node.id)) {
            seen.add(node.id);
            definitions.push(node);
          }
          // Recovery from a syntax error can swallow the following definitions into this body.
          if (node.hasError) searchDamaged(node);
        } else if (type === 'ERROR' || type.endsWith('_statement')) {
          // Damaged file level (statements outside any function): search it whole.
          searchDamaged(cursor.currentNode);
        } else if (type === 'declaration') {
          for (const d of cursor.currentNode.childrenForFieldName('declarator')) {
            const fd = functionDeclarator(d);
            if (fd) prototypes.push(fd);
          }
        } else if (CONTAINERS.has(type) && depth < 64 && cursor.gotoFirstChild()) {
          visit(depth + 1);
          cursor.gotoParent();
        }
      } while (cursor.gotoNextSibling());
    };
    visit(0);
  } finally {
    cursor.delete();
  }
  return { definitions, prototypes };
}

function spanOf(node: SyntaxNode): Span {
  const s = node.startPosition;
  const e = node.endPosition;
  return { line: s.row, column: s.column, endLine: e.row, endColumn: e.column };
}

function cachedBody(node: SyntaxNode, text: string, active: (line: number) => boolean): FunctionBody {
  const startLine = node.startPosition.row;
  const endLine = node.endPosition.row;
  let mask = '';
  for (let l = startLine; l <= endLine; l++) mask += active(l) ? '1' : '0';
  const key = `${node.startPosition.column}|${mask}|${text.slice(node.startIndex, node.endIndex)}`;
  let body = bodyCache.get(key);
  if (body) {
    // Refresh recency so live functions survive eviction.
    bodyCache.delete(key);
    bodyCache.set(key, body);
    return body;
  }
  body = new BodyBuilder(node, active).build();
  bodyCache.set(key, body);
  if (bodyCache.size > BODY_CACHE_LIMIT) bodyCache.delete(bodyCache.keys().next().value!);
  return body;
}

/** The function a `hakmem:base|user` comment annotates, and which parameter (or the return value). */
function annotationTarget(comment: SyntaxNode): { fn: string; param?: number; paramName?: string } | undefined {
  const parent = comment.parent;
  if (!parent) return undefined;
  const paramOf = (param: SyntaxNode, list: SyntaxNode): { fn: string; param: number; paramName?: string } | undefined => {
    const fnDecl = list.parent;
    if (fnDecl?.type !== 'function_declarator') return undefined;
    const fn = declaredName(fnDecl.childForFieldName('declarator'))?.text;
    if (!fn) return undefined;
    const params = list.namedChildren.filter((c) => c?.type === 'parameter_declaration');
    const index = params.findIndex((p) => p?.id === param.id);
    const name = declaredName(param.childForFieldName('declarator'))?.text;
    return index < 0 ? undefined : { fn, param: index, ...(name ? { paramName: name } : {}) };
  };
  // Inside a parameter (before its type, between `*` and the name, …).
  for (let n: SyntaxNode | null = parent, depth = 0; n && depth < 4 && n.type !== 'parameter_list'; n = n.parent, depth++) {
    if (n.type === 'parameter_declaration' && n.parent?.type === 'parameter_list') return paramOf(n, n.parent);
  }
  if (parent.type === 'parameter_list') {
    const prev = comment.previousNamedSibling;
    const prevToken = comment.previousSibling;
    if (prev?.type === 'parameter_declaration' && prevToken?.id === prev.id) return paramOf(prev, parent);
    let next = comment.nextNamedSibling;
    while (next?.type === 'comment') next = next.nextNamedSibling;
    if (next?.type === 'parameter_declaration') return paramOf(next, parent);
    return undefined;
  }
  // The return value: a comment inside a declaration before the function's name, or right before the declaration.
  const returnOf = (decl: SyntaxNode): { fn: string } | undefined => {
    for (const d of decl.type === 'function_definition'
      ? [decl.childForFieldName('declarator')]
      : decl.childrenForFieldName('declarator')) {
      const fd = functionDeclarator(d);
      const name = fd ? declaredName(fd.childForFieldName('declarator')) : null;
      if (name && name.startIndex >= comment.endIndex) return { fn: name.text };
    }
    return undefined;
  };
  for (let n: SyntaxNode | null = parent, depth = 0; n && depth < 5; n = n.parent, depth++) {
    if (n.type === 'function_definition' || n.type === 'declaration') return returnOf(n);
  }
  let next = comment.nextNamedSibling;
  while (next?.type === 'comment') next = next.nextNamedSibling;
  if (next && (next.type === 'function_definition' || next.type === 'declaration') && next.startPosition.row - comment.endPosition.row <= 1)
    return returnOf(next);
  return undefined;
}

/** A prototype's parameter names and types (only at file level: block-scope declarations are rare). */
function prototypeOf(fd: SyntaxNode, active: (line: number) => boolean): PointerPrototype | undefined {
  let decl: SyntaxNode | null = fd.parent;
  while (decl && decl.type !== 'declaration') decl = decl.parent;
  if (!decl || !active(decl.startPosition.row)) return undefined;
  const name = declaredName(fd.childForFieldName('declarator'))?.text;
  if (!name) return undefined;
  const params = (fd.childForFieldName('parameters')?.namedChildren ?? [])
    .filter((p): p is SyntaxNode => p?.type === 'parameter_declaration')
    .map((p) => {
      const d = p.childForFieldName('declarator');
      return { name: declaredName(d)?.text ?? '', type: typeInfo(p.childForFieldName('type'), d) };
    });
  const outer = decl.childrenForFieldName('declarator').find((d) => d && functionDeclarator(d)?.id === fd.id) ?? null;
  return { name, params, returnType: typeInfo(decl.childForFieldName('type'), outer, true) };
}

function annotations(text: string, tree: Tree, active: (line: number) => boolean): Annotation[] {
  const out: Annotation[] = [];
  for (const m of text.matchAll(ANNOTATION)) {
    const node = tree.rootNode.descendantForIndex(m.index);
    if (!node || node.type !== 'comment' || !active(node.startPosition.row)) continue;
    const target = annotationTarget(node);
    if (!target) continue;
    const kind: PointerKind = m[1] === 'base' ? 'BASE' : 'USER';
    out.push({ ...target, kind, span: spanOf(node) });
  }
  return out;
}

/**
 * Per-file facts for the kind analysis, extracted while the tree exists.
 * Functions whose name is on a line the build compiles out are skipped;
 * inside bodies, statements on inactive lines are dropped.
 */
export function extractPointerFacts(
  path: string,
  text: string,
  tree: Tree,
  preproc: PreprocResult,
  config: PointerConfig,
): PointerFileFacts {
  const active = (line: number): boolean => preproc.active[line] !== 0;
  const functions: PointerFunction[] = [];
  const macros: Record<string, MacroMeaning> = {};
  const macroNames = new Set<string>();
  const constants: Record<string, number> = {};
  const seenMacro = new Set<string>();

  const noteMacro = (name: string, line: number, depth: number): void => {
    if (seenMacro.has(name) || depth > 4) return;
    seenMacro.add(name);
    const def = preproc.macroAt(name, line);
    if (!def?.params) return;
    macroNames.add(name);
    const lookup = (n: string): MacroDef | undefined => preproc.macroAt(n, line);
    const meaning = macroMeaning(def, config.headerSizes, lookup);
    if (!meaning) return;
    macros[name] = meaning;
    if (meaning.k === 'alias') noteMacro(meaning.target, line, depth + 1);
  };

  const prototypes: PointerPrototype[] = [];
  const found = fileLevel(tree);
  for (const fd of found.prototypes) {
    const proto = prototypeOf(fd, active);
    if (proto) prototypes.push(proto);
  }
  for (const node of found.definitions) {
    try {
      const fnDecl = functionDeclarator(node.childForFieldName('declarator'));
      const nameNode = declaredName(fnDecl?.childForFieldName('declarator') ?? null);
      if (!nameNode || !node.childForFieldName('body') || !active(nameNode.startPosition.row)) continue;
      const ir = cachedBody(node, text, active);
      const line = node.startPosition.row;
      for (const callee of ir.callees) noteMacro(callee, line, 0);
      for (const amount of ir.amounts) {
        if (amount in constants) continue;
        const v = constantValue(amount, (n) => preproc.macroAt(n, line));
        if (v !== undefined) constants[amount] = v;
      }
      functions.push({
        name: nameNode.text,
        nameSpan: spanOf(nameNode),
        isStatic: /\bstatic\b/.test(text.slice(node.startIndex, nameNode.startIndex)),
        line,
        ir,
      });
    } catch {
      // An odd tree shape in one function must not cost the rest of the file.
      continue;
    }
  }

  let notes: Annotation[];
  try {
    notes = annotations(text, tree, active);
  } catch {
    notes = [];
  }
  return { path, functions, prototypes, annotations: notes, macros, macroNames: [...macroNames], constants };
}

import type { Node as SyntaxNode } from 'web-tree-sitter';
import type { Expr, FunctionBody, ParamFact, Span, Stmt, TypeInfo } from './types';

/**
 * Turns one function_definition into the plain intermediate form the kind
 * analysis runs on. Statements on lines the build compiles out are dropped;
 * spans are relative to the function's first line so a cached body stays
 * valid when lines are inserted above the function.
 */
export class BodyBuilder {
  private readonly callees = new Set<string>();
  private readonly amounts = new Set<string>();
  private readonly baseLine: number;

  constructor(
    private readonly fn: SyntaxNode,
    private readonly active: (line: number) => boolean,
  ) {
    this.baseLine = fn.startPosition.row;
  }

  build(): FunctionBody {
    const declarator = functionDeclarator(this.fn.childForFieldName('declarator'));
    const params: ParamFact[] = [];
    for (const p of declarator?.childForFieldName('parameters')?.namedChildren ?? []) {
      if (!p || p.type !== 'parameter_declaration') continue;
      const d = p.childForFieldName('declarator');
      const nameNode = declaredName(d);
      params.push({ name: nameNode?.text ?? '', at: this.span(nameNode ?? p), type: typeInfo(p.childForFieldName('type'), d) });
    }
    const returnType = typeInfo(this.fn.childForFieldName('type'), this.fn.childForFieldName('declarator'), true);
    const bodyNode = this.fn.childForFieldName('body');
    const body = bodyNode ? this.stmts(bodyNode) : [];
    return { params, returnType, body, callees: [...this.callees], amounts: [...this.amounts] };
  }

  private span(node: SyntaxNode): Span {
    const s = node.startPosition;
    const e = node.endPosition;
    return { line: s.row - this.baseLine, column: s.column, endLine: e.row - this.baseLine, endColumn: e.column };
  }

  /** The statements of a compound statement (or of any node holding statements). */
  private stmts(node: SyntaxNode): Stmt[] {
    const out: Stmt[] = [];
    for (const child of node.namedChildren) if (child) this.stmt(child, out);
    return out;
  }

  private stmt(node: SyntaxNode, out: Stmt[]): void {
    if (!this.active(node.startPosition.row) && !node.type.startsWith('preproc_')) return;
    switch (node.type) {
      case 'comment':
      case 'function_definition': // nested only by error recovery: analysed on its own
        return;
      case 'compound_statement':
        out.push({ k: 'block', body: this.stmts(node) });
        return;
      case 'declaration':
        this.declaration(node, out);
        return;
      case 'expression_statement': {
        const e = node.namedChildren[0];
        if (e) out.push({ k: 'expr', e: this.expr(e) });
        return;
      }
      case 'return_statement': {
        const e = node.namedChildren[0];
        out.push(e && e.type !== 'comment' ? { k: 'ret', e: this.expr(e), at: this.span(node) } : { k: 'ret', at: this.span(node) });
        return;
      }
      case 'if_statement': {
        const test = this.cond(node.childForFieldName('condition'));
        const then = this.branch(node.childForFieldName('consequence'));
        const alt = node.childForFieldName('alternative');
        const elseBody = alt
          ? this.branch(alt.type === 'else_clause' ? (alt.namedChildren.find((c) => c?.type !== 'comment') ?? null) : alt)
          : undefined;
        out.push(elseBody ? { k: 'if', test, then, else: elseBody } : { k: 'if', test, then });
        return;
      }
      case 'while_statement':
        out.push({
          k: 'loop',
          init: [],
          test: this.cond(node.childForFieldName('condition')),
          body: this.branch(node.childForFieldName('body')),
          bodyFirst: false,
        });
        return;
      case 'do_statement':
        out.push({
          k: 'loop',
          init: [],
          test: this.cond(node.childForFieldName('condition')),
          body: this.branch(node.childForFieldName('body')),
          bodyFirst: true,
        });
        return;
      case 'for_statement': {
        const init: Stmt[] = [];
        for (const i of node.childrenForFieldName('initializer')) if (i) this.stmt(i, init);
        const testNode = node.childForFieldName('condition');
        const updateNode = node.childForFieldName('update');
        const loop: Stmt = {
          k: 'loop',
          init,
          ...(testNode ? { test: this.expr(testNode) } : {}),
          body: this.branch(node.childForFieldName('body')),
          ...(updateNode ? { update: this.expr(updateNode) } : {}),
          bodyFirst: false,
        };
        out.push(loop);
        return;
      }
      case 'switch_statement': {
        const bodyNode = node.childForFieldName('body');
        out.push({
          k: 'switch',
          test: this.cond(node.childForFieldName('condition')),
          body: bodyNode?.type === 'compound_statement' ? this.stmts(bodyNode) : this.branch(bodyNode),
        });
        return;
      }
      case 'case_statement':
        out.push({ k: 'case', isDefault: node.childForFieldName('value') === null });
        for (const child of node.namedChildren) {
          if (!child || child === node.childForFieldName('value')) continue;
          this.stmt(child, out);
        }
        return;
      case 'break_statement':
        out.push({ k: 'break' });
        return;
      case 'continue_statement':
        out.push({ k: 'continue' });
        return;
      case 'goto_statement':
        out.push({ k: 'goto' });
        return;
      case 'labeled_statement':
        out.push({ k: 'label' });
        for (const child of node.namedChildren) if (child && child.type !== 'statement_identifier') this.stmt(child, out);
        return;
      case 'preproc_if':
      case 'preproc_ifdef':
      case 'preproc_elif':
      case 'preproc_elifdef':
      case 'preproc_else':
        // The line-level evaluator decides which branch is compiled; the tree only groups statements.
        for (const child of node.namedChildren) {
          if (!child || child === node.childForFieldName('condition') || child === node.childForFieldName('name')) continue;
          this.stmt(child, out);
        }
        return;
      case 'ERROR':
        for (const child of node.namedChildren) if (child) this.stmt(child, out);
        return;
      default:
        if (
          node.type.startsWith('preproc_') ||
          node.type.endsWith('_declaration') ||
          node.type.endsWith('_specifier') ||
          node.type === 'type_definition'
        )
          return;
        out.push({ k: 'expr', e: this.expr(node) });
    }
  }

  private branch(node: SyntaxNode | null): Stmt[] {
    if (!node) return [];
    const out: Stmt[] = [];
    this.stmt(node, out);
    return out;
  }

  private cond(node: SyntaxNode | null): Expr {
    if (!node) return { k: 'other', subs: [] };
    return this.expr(node);
  }

  private declaration(node: SyntaxNode, out: Stmt[]): void {
    const typeNode = node.childForFieldName('type');
    for (const d of node.childrenForFieldName('declarator')) {
      if (!d || functionDeclarator(d)) continue;
      const value = d.type === 'init_declarator' ? d.childForFieldName('value') : null;
      const inner = d.type === 'init_declarator' ? d.childForFieldName('declarator') : d;
      const nameNode = declaredName(inner);
      if (!nameNode) continue;
      const type = typeInfo(typeNode, inner);
      out.push(
        value && value.type !== 'initializer_list'
          ? { k: 'decl', name: nameNode.text, at: this.span(nameNode), type, init: this.expr(value) }
          : { k: 'decl', name: nameNode.text, at: this.span(nameNode), type },
      );
    }
  }

  private subs(node: SyntaxNode): Expr {
    const subs: Expr[] = [];
    for (const c of node.namedChildren) if (c && c.type !== 'comment') subs.push(this.expr(c));
    return { k: 'other', subs };
  }

  private expr(node: SyntaxNode): Expr {
    switch (node.type) {
      case 'identifier':
        if (node.text === 'NULL') return { k: 'null' };
        return { k: 'id', name: node.text, at: this.span(node) };
      case 'null':
        return { k: 'null' };
      case 'number_literal':
        return /^0+[uUlL]*$/.test(node.text) ? { k: 'null' } : { k: 'num', text: node.text };
      case 'parenthesized_expression': {
        const inner = node.namedChildren.find((c) => c?.type !== 'comment');
        return inner ? this.expr(inner) : { k: 'other', subs: [] };
      }
      case 'cast_expression': {
        const typeNode = node.childForFieldName('type');
        const value = node.childForFieldName('value');
        const type = typeInfo(typeNode?.childForFieldName('type') ?? null, typeNode?.childForFieldName('declarator') ?? null);
        return { k: 'cast', type, e: value ? this.expr(value) : { k: 'other', subs: [] } };
      }
      case 'call_expression': {
        const fnNode = node.childForFieldName('function');
        const argNodes = (node.childForFieldName('arguments')?.namedChildren ?? []).filter(
          (a): a is SyntaxNode => !!a && a.type !== 'comment',
        );
        if (!fnNode || fnNode.type !== 'identifier' || !this.active(fnNode.startPosition.row)) {
          return {
            k: 'other',
            subs: [...(fnNode && fnNode.type !== 'identifier' ? [this.expr(fnNode)] : []), ...argNodes.map((a) => this.expr(a))],
          };
        }
        this.callees.add(fnNode.text);
        return {
          k: 'call',
          callee: fnNode.text,
          args: argNodes.map((a) => this.expr(a)),
          argAt: argNodes.map((a) => this.span(a)),
          argText: argNodes.map((a) => a.text),
          at: this.span(node),
          calleeAt: this.span(fnNode),
        };
      }
      case 'binary_expression': {
        const op = node.childForFieldName('operator')?.type ?? '';
        const left = node.childForFieldName('left');
        const right = node.childForFieldName('right');
        if (!left || !right) return this.subs(node);
        if (op === '&&' || op === '||') return { k: 'logic', left: this.expr(left), right: this.expr(right) };
        if (op === '+' || op === '-') {
          if (isAmount(right)) return this.arith(node, op, left, right);
          if (op === '+' && isAmount(left)) return this.arith(node, op, right, left);
        }
        return this.subs(node);
      }
      case 'conditional_expression': {
        const test = node.childForFieldName('condition');
        const a = node.childForFieldName('consequence');
        const b = node.childForFieldName('alternative');
        return {
          k: 'cond',
          test: test ? this.expr(test) : { k: 'other', subs: [] },
          a: a ? this.expr(a) : { k: 'other', subs: [] },
          b: b ? this.expr(b) : { k: 'other', subs: [] },
        };
      }
      case 'field_expression': {
        const arg = node.childForFieldName('argument');
        const field = node.childForFieldName('field');
        const base = arg ? this.expr(arg) : ({ k: 'other', subs: [] } as Expr);
        const baseName = arg?.type === 'identifier' ? arg.text : undefined;
        return { k: 'field', base, ...(baseName ? { baseName } : {}), field: field?.text ?? '', at: this.span(node) };
      }
      case 'assignment_expression': {
        const left = node.childForFieldName('left');
        const right = node.childForFieldName('right');
        const op = node.childForFieldName('operator')?.type ?? '=';
        if (!left || !right) return this.subs(node);
        if ((op === '+=' || op === '-=') && isAmount(right)) {
          // `p += HDR` is `p = p + HDR`.
          const value = this.arith(node, op === '+=' ? '+' : '-', left, right);
          return { k: 'assign', target: this.expr(left), op: '=', value, at: this.span(node), valueText: right.text };
        }
        return { k: 'assign', target: this.expr(left), op, value: this.expr(right), at: this.span(node), valueText: right.text };
      }
      case 'pointer_expression': {
        const arg = node.childForFieldName('argument');
        if (!arg) return this.subs(node);
        const op = node.childForFieldName('operator')?.type;
        if (op === '&')
          return arg.type === 'identifier' ? { k: 'addr', name: arg.text, e: this.expr(arg) } : { k: 'addr', e: this.expr(arg) };
        const link = voidPtrPtrCast(arg);
        if (link) return this.rawlink(node, link);
        return { k: 'other', subs: [this.expr(arg)] };
      }
      case 'subscript_expression': {
        const arg = node.childForFieldName('argument');
        const link = arg ? voidPtrPtrCast(arg) : undefined;
        if (link) return this.rawlink(node, link);
        return this.subs(node);
      }
      case 'string_literal':
      case 'char_literal':
      case 'true':
      case 'false':
      case 'sizeof_expression':
        return { k: 'num', text: node.text };
      default:
        return this.subs(node);
    }
  }

  private arith(node: SyntaxNode, op: '+' | '-', ptrNode: SyntaxNode, amountNode: SyntaxNode): Expr {
    const amount = amountNode.text;
    this.amounts.add(amount);
    return {
      k: 'arith',
      op,
      ptr: this.expr(ptrNode),
      amount,
      at: this.span(node),
      ptrText: castValueText(ptrNode),
      text: node.text.length > 60 ? `${ptrNode.text.slice(0, 40)} ${op} ${amount}` : node.text,
    };
  }

  private rawlink(node: SyntaxNode, cast: SyntaxNode): Expr {
    const value = cast.childForFieldName('value');
    return { k: 'rawlink', ptr: value ? this.expr(value) : { k: 'other', subs: [] }, ptrText: value?.text ?? '', at: this.span(node) };
  }
}

/** A constant-looking arithmetic amount: a number, a macro-like name, sizeof, or a parenthesised mix of those. */
function isAmount(node: SyntaxNode): boolean {
  const text = node.text;
  if (text.length > 80) return false;
  if (node.type === 'number_literal' || node.type === 'sizeof_expression') return true;
  if (node.type === 'identifier') return /^[A-Z_][A-Z0-9_]*$/.test(text);
  if (node.type === 'parenthesized_expression' || node.type === 'binary_expression' || node.type === 'cast_expression') {
    return /^[\sA-Z0-9_()+\-*<>xXuUlL]*$/.test(text.replace(/\((size_t|uintptr_t|int|unsigned)\)/g, ''));
  }
  return false;
}

/** The value text inside a pointer cast (`(uint8_t *)p` → `p`), for quick fixes that drop a conversion. */
function castValueText(node: SyntaxNode): string {
  let n: SyntaxNode = node;
  for (let i = 0; i < 4; i++) {
    if (n.type === 'parenthesized_expression' && n.namedChildren[0]) n = n.namedChildren[0];
    else if (n.type === 'cast_expression' && n.childForFieldName('value')) n = n.childForFieldName('value')!;
    else break;
  }
  return n.text;
}

/** The cast node when `node` (through parentheses) is `(void **)x`. */
function voidPtrPtrCast(node: SyntaxNode): SyntaxNode | undefined {
  let n: SyntaxNode = node;
  while (n.type === 'parenthesized_expression' && n.namedChildren[0]) n = n.namedChildren[0];
  if (n.type !== 'cast_expression') return undefined;
  const t = n.childForFieldName('type');
  if (!t) return undefined;
  return /^void\s*\*\s*(?:const\s*|volatile\s*)*\*$/.test(t.text.replace(/\s+/g, ' ').trim()) ? n : undefined;
}

export function functionDeclarator(declarator: SyntaxNode | null): SyntaxNode | null {
  let node = declarator;
  for (let depth = 0; node && depth < 16; depth++) {
    if (node.type === 'function_declarator') return node;
    node = node.childForFieldName('declarator');
  }
  return null;
}

/** The identifier a declarator declares (through pointers, arrays, initialisers, parentheses). */
export function declaredName(declarator: SyntaxNode | null): SyntaxNode | null {
  let node = declarator;
  for (let depth = 0; node && depth < 16; depth++) {
    if (node.type === 'identifier' || node.type === 'field_identifier') return node;
    if (node.type === 'function_declarator') return declaredName(node.childForFieldName('declarator'));
    node =
      node.childForFieldName('declarator') ??
      node.namedChildren.find((c) => c?.type.endsWith('declarator') || c?.type === 'identifier') ??
      null;
  }
  return null;
}

const QUALIFIERS = /\b(const|volatile|restrict|__restrict|__restrict__|struct|union|enum|signed|_Atomic|register|static|inline|extern)\b/g;

/** A type's name and pointer depth, from a type node and the declarator wrapped around the name. */
export function typeInfo(typeNode: SyntaxNode | null, declarator: SyntaxNode | null, uptoFunction = false): TypeInfo {
  let stars = 0;
  let node = declarator;
  for (let depth = 0; node && depth < 16; depth++) {
    if (node.type === 'pointer_declarator' || node.type === 'abstract_pointer_declarator') stars++;
    if (uptoFunction && node.type === 'function_declarator') break;
    node = node.childForFieldName('declarator');
  }
  const name = (typeNode?.text ?? '').replace(QUALIFIERS, ' ').replace(/\s+/g, ' ').trim();
  return { name, stars };
}

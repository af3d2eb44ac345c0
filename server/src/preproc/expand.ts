import { spell, tokenize, type Tok } from './lexer';
import type { MacroDef } from './types';

export type MacroLookup = (name: string) => MacroDef | undefined;

/** Operators only meaningful inside #if; handled by the expander in #if mode. */
export interface IfOperators {
  /** Answers __has_include / __has_include_next; absent means no header is found. */
  hasInclude?: (name: string, system: boolean) => boolean;
}

/**
 * Hide sets are interned per expansion context: adding a name to a set
 * returns a shared child, so a long chain of expansions allocates each
 * distinct set once instead of copying it for every token.
 */
export class HideSet {
  private readonly names: Set<string>;
  private readonly children = new Map<string, HideSet>();

  constructor(parent?: HideSet, name?: string) {
    this.names = new Set(parent?.names);
    if (name !== undefined) this.names.add(name);
  }

  has(name: string): boolean {
    return this.names.has(name);
  }

  with(name: string): HideSet {
    if (this.names.has(name)) return this;
    let child = this.children.get(name);
    if (!child) {
      child = new HideSet(this, name);
      this.children.set(name, child);
    }
    return child;
  }

  union(other: HideSet): HideSet {
    if (other === this) return this;
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the union starts from this set and grows a copy
    let result: HideSet = this;
    for (const n of other.names) result = result.with(n);
    return result;
  }
}

export interface ExpandContext {
  lookup: MacroLookup;
  /** Root of the interned hide sets of this expansion, created when first needed. */
  emptyHideSet?: HideSet;
  /** Present while expanding an #if expression: `defined` and `__has_*` are evaluated. */
  ifMode?: IfOperators;
  /** Remaining work units; expansion stops with an error when they run out. */
  budget: number;
  /** Current nesting of argument pre-expansion. */
  depth: number;
}

/** A macro expansion that cannot complete (bad invocation or runaway growth). */
export class ExpandError extends Error {}

export const DEFAULT_EXPANSION_BUDGET = 200_000;
const MAX_DEPTH = 200;

const HAS_OPERATORS = new Set([
  '__has_include',
  '__has_include_next',
  '__has_attribute',
  '__has_c_attribute',
  '__has_cpp_attribute',
  '__has_builtin',
  '__has_feature',
  '__has_extension',
  '__has_declspec_attribute',
]);

/** Attributes and builtins gcc 12 supports that allocator code commonly tests for. */
const KNOWN_ATTRIBUTES = new Set([
  'aligned',
  'alloc_align',
  'alloc_size',
  'always_inline',
  'artificial',
  'cleanup',
  'cold',
  'const',
  'constructor',
  'deprecated',
  'destructor',
  'fallthrough',
  'flatten',
  'format',
  'format_arg',
  'hot',
  'malloc',
  'may_alias',
  'noinline',
  'nonnull',
  'noreturn',
  'nothrow',
  'packed',
  'pure',
  'returns_nonnull',
  'section',
  'tls_model',
  'unused',
  'used',
  'visibility',
  'warn_unused_result',
  'weak',
  'alias',
  'noclone',
  'no_sanitize_address',
  'no_sanitize',
  'optimize',
  'target',
  'mode',
]);
const KNOWN_BUILTINS = new Set([
  '__builtin_expect',
  '__builtin_expect_with_probability',
  '__builtin_unreachable',
  '__builtin_trap',
  '__builtin_prefetch',
  '__builtin_assume_aligned',
  '__builtin_constant_p',
  '__builtin_types_compatible_p',
  '__builtin_offsetof',
  '__builtin_clz',
  '__builtin_clzl',
  '__builtin_clzll',
  '__builtin_ctz',
  '__builtin_ctzl',
  '__builtin_ctzll',
  '__builtin_popcount',
  '__builtin_popcountl',
  '__builtin_popcountll',
  '__builtin_ffs',
  '__builtin_ffsll',
  '__builtin_bswap16',
  '__builtin_bswap32',
  '__builtin_bswap64',
  '__builtin_add_overflow',
  '__builtin_sub_overflow',
  '__builtin_mul_overflow',
  '__builtin_memcpy',
  '__builtin_memset',
  '__builtin_alloca',
  '__builtin_frame_address',
  '__builtin_return_address',
  '__builtin_ia32_pause',
  '__builtin_choose_expr',
  '__builtin_object_size',
]);

/** Macros gcc defines dynamically (their values are not modelled; they count as defined). */
const DYNAMIC_MACROS = new Set([
  '__FILE__',
  '__LINE__',
  '__DATE__',
  '__TIME__',
  '__COUNTER__',
  '__INCLUDE_LEVEL__',
  '__BASE_FILE__',
  '__TIMESTAMP__',
  '__FILE_NAME__',
]);

/** True for names `defined` reports as defined although no #define exists (the __has_* operators, __LINE__ …). */
export function isBuiltinDefined(name: string): boolean {
  return HAS_OPERATORS.has(name) || DYNAMIC_MACROS.has(name);
}

const bodyCache = new WeakMap<MacroDef, Tok[]>();

/** The macro's replacement list as tokens, parameters marked with their index. Cached per definition. */
export function bodyTokens(def: MacroDef): Tok[] {
  let toks = bodyCache.get(def);
  if (toks) return toks;
  toks = tokenize(def.body);
  if (def.params && def.params.length > 0) {
    const params = def.params;
    for (const t of toks) {
      if (t.k !== 'id') continue;
      const idx = params.indexOf(t.t);
      if (idx >= 0) t.pi = idx;
      else if (def.variadic && t.t === '__VA_ARGS__') t.pi = params.length - 1;
    }
  }
  bodyCache.set(def, toks);
  return toks;
}

export function newContext(lookup: MacroLookup, ifMode?: IfOperators): ExpandContext {
  const ctx: ExpandContext = { lookup, budget: DEFAULT_EXPANSION_BUDGET, depth: 0 };
  if (ifMode) ctx.ifMode = ifMode;
  return ctx;
}

/**
 * Fully macro-expands a token list (C11 6.10.3 rescanning, with hide sets so
 * a macro never re-expands inside its own expansion). Throws ExpandError.
 */
export function expand(tokens: readonly Tok[], ctx: ExpandContext): Tok[] {
  if (++ctx.depth > MAX_DEPTH) throw new ExpandError('macro expansion nested too deeply');
  try {
    // Pending input as a stack (next token last), so an expansion is pushed back cheaply.
    const stack: Tok[] = [];
    for (let i = tokens.length - 1; i >= 0; i--) stack.push(tokens[i]!);
    const out: Tok[] = [];
    while (stack.length > 0) {
      const t = stack.pop()!;
      if (t.k !== 'id' || t.opaque) {
        out.push(t);
        continue;
      }
      if (ctx.ifMode) {
        if (t.t === 'defined') {
          out.push(evalDefined(stack, ctx));
          continue;
        }
        if (HAS_OPERATORS.has(t.t) && top(stack)?.t === '(') {
          out.push(evalHasOperator(t.t, stack, ctx.ifMode));
          continue;
        }
      }
      if (t.hs?.has(t.t)) {
        out.push(t);
        continue;
      }
      const def = ctx.lookup(t.t);
      if (!def) {
        out.push(t);
        continue;
      }
      const body = bodyTokens(def);
      spend(ctx, body.length + 1);
      const hs = hideSetOf(t, ctx).with(def.name);
      let produced: Tok[];
      if (!def.params) {
        produced = substitute(def, body, [], ctx);
      } else {
        if (top(stack)?.t !== '(') {
          out.push(t);
          continue;
        }
        produced = substitute(def, body, collectArgs(def, stack), ctx);
      }
      // Most produced tokens share one hide set: remember the last union computed.
      let lastIn: HideSet | undefined | null = null;
      let lastOut: HideSet = hs;
      for (let i = produced.length - 1; i >= 0; i--) {
        const p = produced[i]!;
        if (p.hs !== lastIn) {
          lastIn = p.hs as HideSet | undefined;
          lastOut = lastIn ? lastIn.union(hs) : hs;
        }
        p.hs = lastOut;
        // The first token of an expansion inherits the invocation's leading whitespace.
        if (i === 0) {
          if (t.sp) p.sp = true;
          else delete p.sp;
        }
        stack.push(p);
      }
    }
    return out;
  } finally {
    ctx.depth--;
  }
}

function top(stack: Tok[]): Tok | undefined {
  return stack[stack.length - 1];
}

function spend(ctx: ExpandContext, units: number): void {
  ctx.budget -= units;
  if (ctx.budget < 0) throw new ExpandError('macro expansion too large');
}

/** Hide sets on tokens are always this context's HideSet objects (lexer tokens have none). */
function hideSetOf(t: Tok, ctx: ExpandContext): HideSet {
  return (t.hs as HideSet | undefined) ?? (ctx.emptyHideSet ??= new HideSet());
}

function numTok(value: boolean, sp: boolean | undefined): Tok {
  const t: Tok = { k: 'num', t: value ? '1' : '0' };
  if (sp) t.sp = true;
  return t;
}

/** `defined X` or `defined ( X )`; the operand is never macro-expanded. */
function evalDefined(stack: Tok[], ctx: ExpandContext): Tok {
  let t = stack.pop();
  const paren = t?.t === '(';
  if (paren) t = stack.pop();
  if (!t || t.k !== 'id') throw new ExpandError('operator "defined" requires an identifier');
  if (paren) {
    if (stack.pop()?.t !== ')') throw new ExpandError('missing \')\' after "defined"');
  }
  return numTok(ctx.lookup(t.t) !== undefined || isBuiltinDefined(t.t), true);
}

/** Balanced tokens between '(' (on top of the stack) and its ')'. */
function parenthesized(stack: Tok[], what: string): Tok[] {
  stack.pop();
  const inner: Tok[] = [];
  let depth = 1;
  for (;;) {
    const t = stack.pop();
    if (!t) throw new ExpandError(`missing ')' after "${what}"`);
    if (t.t === '(') depth++;
    else if (t.t === ')' && --depth === 0) return inner;
    inner.push(t);
  }
}

function evalHasOperator(op: string, stack: Tok[], ifOps: IfOperators): Tok {
  const inner = parenthesized(stack, op);
  if (op === '__has_include' || op === '__has_include_next') {
    const first = inner[0];
    let name: string;
    let system: boolean;
    if (first?.k === 'str' && first.t.startsWith('"')) {
      name = first.t.slice(1, -1);
      system = false;
    } else if (first?.t === '<' && inner[inner.length - 1]?.t === '>') {
      name = inner
        .slice(1, -1)
        .map((x) => x.t)
        .join('');
      system = true;
    } else {
      throw new ExpandError(`operator "${op}" requires a header name`);
    }
    return numTok(ifOps.hasInclude?.(name, system) ?? false, true);
  }
  const arg = inner.map((x) => x.t).join('');
  if (op === '__has_attribute') {
    const bare = arg.replace(/^gnu::/, '').replace(/^__(.*)__$/, '$1');
    return numTok(KNOWN_ATTRIBUTES.has(bare), true);
  }
  if (op === '__has_builtin') return numTok(KNOWN_BUILTINS.has(arg), true);
  return numTok(false, true);
}

/** Reads the arguments of a function-like macro invocation; '(' is on top of the stack. */
function collectArgs(def: MacroDef, stack: Tok[]): Tok[][] {
  stack.pop();
  const params = def.params!;
  const args: Tok[][] = [[]];
  let depth = 0;
  for (;;) {
    const t = stack.pop();
    if (!t) throw new ExpandError(`unterminated argument list invoking macro "${def.name}"`);
    if (t.t === '(') depth++;
    else if (t.t === ')') {
      if (depth === 0) break;
      depth--;
    } else if (t.t === ',' && depth === 0 && !(def.variadic && args.length === params.length)) {
      args.push([]);
      continue;
    }
    args[args.length - 1]!.push(t);
  }
  if (params.length === 0) {
    if (args.length === 1 && args[0]!.length === 0) return [];
    throw new ExpandError(`macro "${def.name}" passed ${args.length} arguments, but takes just 0`);
  }
  if (args.length < params.length) {
    // GNU: the variadic part may be omitted entirely.
    if (def.variadic && args.length === params.length - 1) args.push([]);
    else throw new ExpandError(`macro "${def.name}" requires ${params.length} arguments, but only ${args.length} given`);
  }
  if (args.length > params.length) {
    throw new ExpandError(`macro "${def.name}" passed ${args.length} arguments, but takes just ${params.length}`);
  }
  return args;
}

/** Marks the spot of a ## operator in a substituted list until pasting is done. */
const PASTE: Tok = { k: 'punct', t: '##' };
/** Stands for an empty argument next to ## (C11 6.10.3.3 placemarker). */
const PLACEMARKER: Tok = { k: 'other', t: '' };

/** Replaces parameters (with #, ## and __VA_OPT__ handling) in a copy of the body. */
function substitute(def: MacroDef, body: readonly Tok[], args: Tok[][], ctx: ExpandContext): Tok[] {
  const out: Tok[] = [];
  const expanded: Array<Tok[] | undefined> = [];
  const vaIndex = def.variadic ? def.params!.length - 1 : -1;
  const isFunction = def.params !== undefined;
  let pasted = false;
  let vaOptEnd = -1;
  for (let i = 0; i < body.length; i++) {
    const t = body[i]!;
    if (i === vaOptEnd) continue;
    if (isFunction && t.k === 'id' && t.t === '__VA_OPT__' && vaIndex >= 0 && body[i + 1]?.t === '(') {
      const close = matchingParen(body, i + 1);
      if (close < 0) throw new ExpandError(`unterminated __VA_OPT__ in macro "${def.name}"`);
      if (args[vaIndex]!.length === 0) i = close;
      else {
        vaOptEnd = close;
        i++;
      }
      continue;
    }
    if (isFunction && t.t === '#' && body[i + 1]?.pi !== undefined) {
      const s: Tok = { k: 'str', t: stringify(args[body[i + 1]!.pi!]!) };
      if (t.sp) s.sp = true;
      out.push(s);
      i++;
      continue;
    }
    if (t.t === '##' && out.length > 0 && i + 1 < body.length) {
      const next = body[i + 1]!;
      // GNU `, ## __VA_ARGS__`: drop the comma when the variadic part is empty.
      if (next.pi === vaIndex && vaIndex >= 0 && out[out.length - 1]!.t === ',') {
        const va = args[vaIndex]!;
        if (va.length === 0) out.pop();
        else for (const a of va) out.push(copyTok(a));
        i++;
        continue;
      }
      out.push(PASTE);
      pasted = true;
      continue;
    }
    if (t.pi !== undefined) {
      const nearPaste = body[i + 1]?.t === '##' || out[out.length - 1] === PASTE;
      let toks: Tok[];
      if (nearPaste) toks = args[t.pi]!;
      else {
        toks = expanded[t.pi] ??= expand(args[t.pi]!, ctx);
      }
      if (toks.length === 0) {
        if (nearPaste) out.push(PLACEMARKER);
        continue;
      }
      for (let j = 0; j < toks.length; j++) {
        const c = copyTok(toks[j]!);
        if (j === 0) {
          if (t.sp) c.sp = true;
          else delete c.sp;
        }
        out.push(c);
      }
      continue;
    }
    out.push(copyTok(t));
  }
  const result = pasted ? paste(out) : out;
  return result.filter((x) => x !== PLACEMARKER);
}

/** A fresh token to receive a hide set (body and argument tokens are shared). */
function copyTok(t: Tok): Tok {
  const c: Tok = { k: t.k, t: t.t };
  if (t.sp) c.sp = true;
  if (t.hs) c.hs = t.hs;
  if (t.opaque) c.opaque = true;
  return c;
}

function matchingParen(toks: readonly Tok[], open: number): number {
  let depth = 0;
  for (let i = open; i < toks.length; i++) {
    if (toks[i]!.t === '(') depth++;
    else if (toks[i]!.t === ')' && --depth === 0) return i;
  }
  return -1;
}

/** Applies ## markers: joins the spelling of neighbours and re-lexes it. */
function paste(list: Tok[]): Tok[] {
  const out: Tok[] = [];
  for (let i = 0; i < list.length; i++) {
    const t = list[i]!;
    if (t !== PASTE) {
      out.push(t);
      continue;
    }
    const left = out.pop();
    const right = list[++i];
    if (!left || !right) continue;
    if (left === PLACEMARKER) {
      out.push(right);
      continue;
    }
    if (right === PLACEMARKER) {
      out.push(left);
      continue;
    }
    const joined = tokenize(left.t + right.t);
    // An invalid paste (gcc: error) keeps both tokens, which is what gcc then uses.
    if (joined.length === 1) {
      const j = joined[0]!;
      if (left.sp) j.sp = true;
      out.push(j);
    } else {
      out.push(left, right);
    }
  }
  return out;
}

/** The # operator: spelling of the raw argument as a string literal. */
function stringify(arg: readonly Tok[]): string {
  let s = '';
  for (let i = 0; i < arg.length; i++) {
    const t = arg[i]!;
    if (i > 0 && t.sp) s += ' ';
    s += t.k === 'str' || t.k === 'chr' ? t.t.replace(/[\\"]/g, '\\$&') : t.t;
  }
  return '"' + s + '"';
}

/** Expands a text (for computed #include and tests). Throws ExpandError. */
export function expandText(text: string, ctx: ExpandContext): string {
  return spell(expand(tokenize(text), ctx));
}

/** The full expansion of a code fragment, e.g. for a hover on a macro use. Never throws. */
export function expandMacros(text: string, lookup: MacroLookup): { text: string } | { error: string } {
  try {
    return { text: expandText(text, newContext(lookup)) };
  } catch (e) {
    return { error: e instanceof ExpandError ? e.message : String(e) };
  }
}

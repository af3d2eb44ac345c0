import { collectAssigned } from './assigned';
import { BOT, isKind, joinEnv, joinVal, other, sameEnv, TOP, type Env, type Val } from './lattice';
import type { SummaryState, Why } from './summary';
import type {
  Expr,
  Origin,
  PointerCode,
  PointerConfig,
  PointerFileFacts,
  PointerFinding,
  PointerFunction,
  PointerKind,
  PointerRelated,
  Span,
  Stmt,
  TypeInfo,
} from './types';

/** What one function's evaluation tells the workspace-level fixed point. */
export interface Observations {
  /** Parameters converted on every path from entry (not under a branch): param → conversion target. */
  readonly paramConversions: Map<number, { to: PointerKind; at: Span; what: string }>;
  /** Values returned (BOT ones left out). */
  readonly returns: Val[];
  /** Values passed to workspace functions, per call site. */
  readonly callsites: Array<{ key: string; index: number; val: Val; at: Span }>;
}

/** A pointer variable occurrence, for hover. */
export interface Occurrence {
  readonly span: Span;
  readonly name: string;
  readonly kind: PointerKind;
  readonly origin?: Origin;
}

export interface EvalResult {
  readonly obs: Observations;
  readonly findings: PointerFinding[];
  readonly occurrences: Occurrence[];
  /** Declared variables and parameters with the kind of everything they ever hold. */
  readonly declared: Array<{ name: string; at: Span; val: Val }>;
}

export interface EvalContext {
  readonly config: PointerConfig;
  readonly file: PointerFileFacts;
  readonly fn: PointerFunction;
  readonly self: SummaryState;
  /** The summary a call from this file reaches. */
  summaryOf(callee: string): SummaryState | undefined;
}

const INTEGER_TYPE =
  /^(?:unsigned|signed|int|long|short|char|bool|_Bool|float|double|size_t|ssize_t|ptrdiff_t|off_t|u?int(?:8|16|32|64)_t|u?int_(?:fast|least)\d+_t|(?:unsigned |signed |long |short )+(?:int|long|char|short)?)$/;
const BYTE_POINTEE = /^(?:char|unsigned char|signed char|uint8_t|int8_t|void|u8|s8|byte)$/;
const ADDRESS_INTEGER = /^u?intptr_t$/;
const MAX_LOOP_ROUNDS = 4;

function shift(span: Span, line: number): Span {
  return { line: span.line + line, column: span.column, endLine: span.endLine + line, endColumn: span.endColumn };
}

function whyText(why: Why | undefined): string {
  return why ? ` (${why.text})` : '';
}

/**
 * Evaluates one function body over the kind lattice: flow-sensitive, joining
 * at branches and loop heads. With `quiet` > 0 (loop rounds before the fixed
 * point) nothing is recorded.
 */
export class FunctionEvaluator {
  private env: Env = new Map();
  private readonly types = new Map<string, TypeInfo>();
  private readonly assigned = new Set<string>();
  private quiet = 0;
  private conditional = 0;
  private readonly loops: Array<{ breaks: Env; continues: Env; isSwitch: boolean; entry?: Map<string, Val> }> = [];
  private readonly result: EvalResult = {
    obs: { paramConversions: new Map(), returns: [], callsites: [] },
    findings: [],
    occurrences: [],
    declared: [],
  };
  private readonly declaredIndex = new Map<string, number>();
  private entryEnv: Map<string, Val> = new Map();
  private readonly line: number;
  private readonly path: string;
  private readonly noFields: boolean;

  constructor(private readonly ctx: EvalContext) {
    this.line = ctx.fn.line;
    this.path = ctx.file.path;
    this.noFields = Object.keys(ctx.config.fields).length === 0;
  }

  run(): EvalResult {
    const fn = this.ctx.fn;
    const env = new Map<string, Val>();
    fn.ir.params.forEach((p, i) => {
      if (!p.name) return;
      this.types.set(p.name, p.type);
      env.set(p.name, this.paramValue(i));
      this.declare(p.name, p.at, env.get(p.name)!);
    });
    collectAssigned(fn.ir.body, this.assigned);
    this.entryEnv = new Map(env);
    this.env = env;
    this.stmts(fn.ir.body);
    return this.result;
  }

  private abs(span: Span): Span {
    return shift(span, this.line);
  }

  private paramValue(i: number): Val {
    const p = this.ctx.self.params[i];
    const name = this.ctx.fn.ir.params[i]?.name ?? `#${i}`;
    const at = this.abs(this.ctx.fn.ir.params[i]!.at);
    const kind = p?.expects ?? p?.entry;
    if (!kind) return { s: 'TOP', param: i };
    // Call-site evidence says best where a value came from; an expectation is the fallback.
    const why = p?.entry === kind ? p.entryWhy : p?.expectsWhy;
    return {
      s: kind,
      param: i,
      origin: {
        path: this.path,
        span: at,
        what: `parameter ${name} of ${this.ctx.fn.name}${whyText(why)}`,
        ...(why?.related ? { related: why.related } : {}),
      },
    };
  }

  private declare(name: string, at: Span, val: Val): void {
    const known = this.declaredIndex.get(name);
    if (known === undefined) {
      this.declaredIndex.set(name, this.result.declared.length);
      this.result.declared.push({ name, at: this.abs(at), val });
    }
  }

  /** Joins a value into the flow-insensitive kind of a declared variable (for inlay hints). */
  private noteHeld(name: string, val: Val): void {
    if (this.quiet) return;
    const i = this.declaredIndex.get(name);
    if (i === undefined) return;
    const d = this.result.declared[i]!;
    d.val = joinVal(d.val, val);
  }

  private occurrence(name: string, span: Span, val: Val): void {
    if (this.quiet || !isKind(val.s)) return;
    this.result.occurrences.push({ span: this.abs(span), name, kind: val.s, ...(val.origin ? { origin: val.origin } : {}) });
  }

  private report(code: PointerCode, span: Span, message: string, related: PointerRelated[], fix?: PointerFinding['fix']): void {
    if (this.quiet) return;
    const abs = this.abs(span);
    if (this.result.findings.some((f) => f.code === code && f.span.line === abs.line && f.span.column === abs.column)) return;
    this.result.findings.push({ code, span: abs, message, related, ...(fix ? { fix } : {}) });
  }

  // ---- statements ----

  private stmts(list: readonly Stmt[]): void {
    for (const s of list) this.stmt(s);
  }

  private stmt(s: Stmt): void {
    switch (s.k) {
      case 'decl': {
        if (!this.env) {
          this.types.set(s.name, s.type);
          return;
        }
        this.types.set(s.name, s.type);
        let val = s.init ? this.expr(s.init) : BOT;
        val = this.intoDeclared(s.name, s.type, val, s.at);
        this.declare(s.name, s.at, BOT);
        this.noteHeld(s.name, val);
        if (s.init) this.occurrence(s.name, s.at, val);
        this.env?.set(s.name, val);
        return;
      }
      case 'expr':
        if (this.env) this.expr(s.e);
        return;
      case 'ret': {
        if (!this.env) return;
        if (s.e) {
          const val = this.expr(s.e);
          this.returned(val, s.at);
        }
        this.env = null;
        return;
      }
      case 'block':
        this.stmts(s.body);
        return;
      case 'if': {
        if (!this.env) return;
        this.expr(s.test);
        const before = new Map(this.env);
        this.conditional++;
        this.stmts(s.then);
        const afterThen = this.env;
        this.env = before;
        if (s.else) this.stmts(s.else);
        this.conditional--;
        this.env = joinEnv(afterThen, this.env);
        return;
      }
      case 'loop':
        this.loop(s);
        return;
      case 'switch': {
        if (!this.env) return;
        this.expr(s.test);
        const entry = new Map(this.env);
        this.loops.push({ breaks: null, continues: null, isSwitch: true, entry });
        this.conditional++;
        this.env = null;
        this.stmts(s.body);
        this.conditional--;
        const ctx = this.loops.pop()!;
        // Without a default label the switch may run no case at all: the entry state reaches the end too.
        this.env = joinEnv(this.env, ctx.breaks);
        if (!s.body.some((inner) => inner.k === 'case' && inner.isDefault)) this.env = joinEnv(this.env, entry);
        return;
      }
      case 'case': {
        const ctx = [...this.loops].reverse().find((l) => l.isSwitch);
        if (ctx?.entry) this.env = joinEnv(this.env, ctx.entry);
        return;
      }
      case 'break': {
        const ctx = this.loops[this.loops.length - 1];
        if (ctx) ctx.breaks = joinEnv(ctx.breaks, this.env);
        this.env = null;
        return;
      }
      case 'continue': {
        const ctx = [...this.loops].reverse().find((l) => !l.isSwitch);
        if (ctx) ctx.continues = joinEnv(ctx.continues, this.env);
        this.env = null;
        return;
      }
      case 'goto':
        this.env = null;
        return;
      case 'label':
        // Any goto may arrive: every variable assigned anywhere is unknown here.
        this.env = this.havoc(this.env ?? this.entryEnv);
        return;
    }
  }

  private havoc(env: Map<string, Val>): Map<string, Val> {
    const out = new Map(env);
    for (const name of this.assigned) out.set(name, TOP);
    return out;
  }

  private loop(s: Extract<Stmt, { k: 'loop' }>): void {
    this.stmts(s.init);
    if (!this.env) return;
    this.conditional++;
    const entry = new Map(this.env);
    let head: Env = entry;
    let stable = false;
    this.quiet++;
    for (let round = 0; round < MAX_LOOP_ROUNDS && !stable; round++) {
      const end = this.loopBody(s, head);
      const next = joinEnv(entry, end.end);
      stable = sameEnv(next, head);
      head = next;
    }
    this.quiet--;
    if (!stable) head = this.havoc(head ?? entry);
    const final = this.loopBody(s, head);
    this.conditional--;
    this.env = joinEnv(final.head, final.breaks);
  }

  /** One pass over a loop from `head`: the state after the test, at the end of the body (with continues), and at breaks. */
  private loopBody(s: Extract<Stmt, { k: 'loop' }>, head: Env): { head: Env; end: Env; breaks: Env } {
    this.env = head ? new Map(head) : null;
    if (!s.bodyFirst && s.test && this.env) this.expr(s.test);
    const afterTest = this.env ? new Map(this.env) : null;
    this.loops.push({ breaks: null, continues: null, isSwitch: false });
    this.stmts(s.body);
    const ctx = this.loops.pop()!;
    this.env = joinEnv(this.env, ctx.continues);
    if (s.update && this.env) this.expr(s.update);
    if (s.bodyFirst && s.test && this.env) this.expr(s.test);
    const end = this.env;
    return { head: s.bodyFirst ? joinEnv(afterTest, end) : afterTest, end, breaks: ctx.breaks };
  }

  private returned(val: Val, at: Span): void {
    const self = this.ctx.self;
    if (self.returnsFixed && self.returns && isKind(val.s) && val.s !== self.returns) {
      this.mismatch(
        at,
        'returned',
        val,
        self.returns,
        `${this.ctx.fn.name}() returns ${self.returns}${whyText(self.returnsWhy)}`,
        self.returnsWhy,
      );
    }
    if (!this.quiet && val.s !== 'BOT') this.result.obs.returns.push(val);
  }

  // ---- expressions ----

  private read(name: string): Val | undefined {
    return this.env?.get(name);
  }

  private expr(e: Expr): Val {
    switch (e.k) {
      case 'id': {
        const v = this.read(e.name);
        if (!v) return TOP;
        this.occurrence(e.name, e.at, v);
        return v;
      }
      case 'null':
        return BOT;
      case 'num':
        return TOP;
      case 'call':
        return this.call(e);
      case 'cast':
        return this.cast(e.type, this.expr(e.e), e.e);
      case 'arith':
        return this.arith(e);
      case 'cond': {
        this.expr(e.test);
        if (!this.env) return TOP;
        const before = new Map(this.env);
        this.conditional++;
        const a = this.expr(e.a);
        const envA = this.env;
        this.env = before;
        const b = this.expr(e.b);
        this.conditional--;
        this.env = joinEnv(envA, this.env);
        return joinVal(a, b);
      }
      case 'logic': {
        this.expr(e.left);
        if (!this.env) return TOP;
        const before = new Map(this.env);
        this.conditional++;
        this.expr(e.right);
        this.conditional--;
        this.env = joinEnv(before, this.env);
        return TOP;
      }
      case 'field':
        this.expr(e.base);
        return this.fieldValue(e);
      case 'assign':
        return this.assign(e);
      case 'addr': {
        this.expr(e.e);
        if (e.name && this.env?.has(e.name)) {
          // Its address escapes (posix_memalign(&p, …)): the callee may store any kind.
          this.env.set(e.name, TOP);
          this.noteHeld(e.name, TOP);
        }
        return TOP;
      }
      case 'rawlink':
        this.expr(e.ptr);
        this.rawLink(e.at, e.ptrText, undefined);
        return TOP;
      case 'other':
        for (const sub of e.subs) this.expr(sub);
        return TOP;
    }
  }

  private declaredKind(type: TypeInfo): PointerKind | undefined {
    return type.stars === 0 ? this.ctx.config.types[type.name] : undefined;
  }

  /** A value stored in a variable of declared type: a typed kind (hak_base_t) is checked and wins. */
  private intoDeclared(name: string, type: TypeInfo, val: Val, at: Span): Val {
    const kind = this.declaredKind(type);
    if (!kind) return val;
    if (isKind(val.s) && val.s !== kind) {
      this.mismatch(at, `stored in \`${name}\``, val, kind, `${type.name} holds ${kind} pointers (.hakmem.json pointers.types)`, undefined);
      return TOP;
    }
    if (isKind(val.s)) return val;
    return {
      s: kind,
      ...(val.param !== undefined ? { param: val.param } : {}),
      origin: { path: this.path, span: this.abs(at), what: `\`${name}\`, declared ${type.name}` },
    };
  }

  private cast(type: TypeInfo, val: Val, inner: Expr): Val {
    const kind = this.declaredKind(type);
    if (kind) {
      if (isKind(val.s) && val.s !== kind) return TOP; // an explicit force between kinds: trust the author, claim nothing
      if (isKind(val.s)) return val;
      return {
        s: kind,
        ...(val.param !== undefined ? { param: val.param } : {}),
        ...(inner.k === 'id' ? { origin: { path: this.path, span: this.abs(inner.at), what: `cast to ${type.name}` } } : {}),
      };
    }
    if (type.stars === 0 && (type.name === 'void' || (INTEGER_TYPE.test(type.name) && !ADDRESS_INTEGER.test(type.name)))) return TOP;
    return val;
  }

  private fieldValue(e: Extract<Expr, { k: 'field' }>): Val {
    const f = this.fieldKind(e);
    if (!f) return TOP;
    return { s: f.kind, origin: { path: this.path, span: this.abs(e.at), what: `field ${f.key} (.hakmem.json pointers.fields)` } };
  }

  private fieldKind(e: Extract<Expr, { k: 'field' }>): { kind: PointerKind; key: string } | undefined {
    const fields = this.ctx.config.fields;
    if (this.noFields) return undefined;
    const struct = e.baseName ? this.types.get(e.baseName)?.name : undefined;
    const key = struct !== undefined && `${struct}.${e.field}` in fields ? `${struct}.${e.field}` : `*.${e.field}`;
    const kind = fields[key];
    return kind ? { kind, key } : undefined;
  }

  private assign(e: Extract<Expr, { k: 'assign' }>): Val {
    const target = e.target;
    if (target.k === 'rawlink') {
      this.expr(target.ptr);
      this.expr(e.value);
      this.rawLink(e.at, target.ptrText, e.valueText);
      return TOP;
    }
    let val = this.expr(e.value);
    if (e.op !== '=') val = TOP;
    if (target.k === 'id') {
      const type = this.types.get(target.name);
      if (type && this.env) {
        val = this.intoDeclared(target.name, type, val, target.at);
        this.env.set(target.name, val);
        this.noteHeld(target.name, val);
        this.occurrence(target.name, target.at, val);
      }
      return val;
    }
    if (target.k === 'field') {
      this.expr(target.base);
      const f = this.fieldKind(target);
      if (f && isKind(val.s) && val.s !== f.kind) {
        this.mismatch(
          e.at,
          `\`${e.valueText}\``,
          val,
          f.kind,
          `field ${f.key} holds ${f.kind} pointers (.hakmem.json pointers.fields)`,
          undefined,
        );
      }
      return val;
    }
    this.expr(target);
    return val;
  }

  private byteAddressed(ptr: Expr): boolean {
    if (ptr.k === 'cast')
      return (ptr.type.stars === 1 && BYTE_POINTEE.test(ptr.type.name)) || (ptr.type.stars === 0 && ADDRESS_INTEGER.test(ptr.type.name));
    if (ptr.k === 'id') {
      const t = this.types.get(ptr.name);
      return !!t && ((t.stars === 1 && BYTE_POINTEE.test(t.name)) || (t.stars === 0 && ADDRESS_INTEGER.test(t.name)));
    }
    return false;
  }

  private amountValue(text: string): number | undefined {
    const known = this.ctx.file.constants[text];
    if (known !== undefined) return known;
    const m = /^\(?\s*(0[xX][0-9a-fA-F]+|\d+)[uUlL]*\s*\)?$/.exec(text.trim());
    return m ? Number(m[1]) : undefined;
  }

  /** `(hdr_t *)p` or a variable declared `hdr_t *`: one element is one header. */
  private headerTyped(ptr: Expr): boolean {
    const types = this.ctx.config.headerTypes;
    if (types.length === 0) return false;
    const t = ptr.k === 'cast' ? ptr.type : ptr.k === 'id' ? this.types.get(ptr.name) : undefined;
    return !!t && t.stars === 1 && types.includes(t.name);
  }

  /** Arithmetic that steps over exactly one header. */
  private stepsOverHeader(e: Extract<Expr, { k: 'arith' }>): boolean {
    const config = this.ctx.config;
    const amount = this.amountValue(e.amount);
    if (amount === 1 && this.headerTyped(e.ptr)) return true;
    if (!this.byteAddressed(e.ptr)) return false;
    if (amount !== undefined) return config.headerSizes.includes(amount);
    const size = /^sizeof\s*\(\s*(?:struct\s+)?([A-Za-z_]\w*)\s*\)$/.exec(e.amount.trim());
    return !!size && config.headerTypes.includes(size[1]!);
  }

  private arith(e: Extract<Expr, { k: 'arith' }>): Val {
    const val = this.expr(e.ptr);
    if (!this.stepsOverHeader(e)) return isKind(val.s) || val.s === 'TOP' ? TOP : val;
    const to: PointerKind = e.op === '+' ? 'USER' : 'BASE';
    return this.convert(val, to, e.at, `\`${e.text}\``, e.ptrText);
  }

  /**
   * A conversion to `to` applied to `val`: reports a value already of kind
   * `to`, notes a parameter converted on entry, and yields a `to` pointer.
   */
  private convert(val: Val, to: PointerKind, at: Span, what: string, innerText: string | undefined): Val {
    const from = other(to);
    if (val.s === to) {
      const origin = val.origin;
      this.report(
        'double-conversion',
        at,
        `${what} converts ${from}→${to}, but its operand is already a ${to} pointer${origin ? ` (from ${origin.what} at ${this.where(origin)})` : ''}: the result lands ${to === 'USER' ? 'one header past the payload' : 'one header before the block'}`,
        origin ? [{ path: origin.path, span: origin.span, message: `became ${to} here: ${origin.what}` }] : [],
        innerText
          ? { title: `Remove the second ${from}→${to} conversion`, edits: [{ span: this.abs(at), newText: innerText }] }
          : undefined,
      );
      return TOP;
    }
    if (val.param !== undefined && !this.quiet && this.conditional === 0 && !this.result.obs.paramConversions.has(val.param)) {
      this.result.obs.paramConversions.set(val.param, { to, at: this.abs(at), what });
    }
    return {
      s: to,
      origin: { path: this.path, span: this.abs(at), what },
      ...(val.param !== undefined ? { conv: { param: val.param, to } } : {}),
    };
  }

  private where(origin: Origin): string {
    const base = origin.path.split(/[\\/]/).pop() ?? origin.path;
    return `${base}:${origin.span.line + 1}`;
  }

  /** `value` (a description such as "`ptr`") holds `val` where `expected` is required by `expectation`. */
  private mismatch(
    at: Span,
    value: string,
    val: Val,
    expected: PointerKind,
    expectation: string,
    why: Why | undefined,
    fix?: PointerFinding['fix'],
  ): void {
    const origin = val.origin;
    const related: PointerRelated[] = [];
    if (origin)
      related.push({
        path: origin.path,
        span: origin.span,
        message: `${value === 'returned' ? 'the returned value' : value} is ${val.s}: ${origin.what}`,
      });
    for (const r of origin?.related ?? []) related.push(r);
    if (why?.path && why.span) related.push({ path: why.path, span: why.span, message: `${expected} expected: ${why.text}` });
    for (const r of why?.related ?? []) related.push(r);
    const noun = value === 'returned' ? 'the returned value' : value;
    const from = origin ? `; ${noun} is ${val.s} from ${origin.what} at ${this.where(origin)}` : '';
    this.report('user-base-mismatch', at, `${val.s} pointer ${value} where ${expected} is expected: ${expectation}${from}`, related, fix);
  }

  private conversionFix(expected: PointerKind, argText: string, at: Span): PointerFinding['fix'] {
    const config = this.ctx.config;
    const fn = expected === 'BASE' ? config.toBase[0] : config.toUser[0];
    const title = `Convert to ${expected}`;
    if (fn) return { title: `${title} with ${fn}()`, edits: [{ span: this.abs(at), newText: `${fn}(${argText})` }] };
    if (config.headerSize !== undefined) {
      const op = expected === 'BASE' ? '-' : '+';
      return {
        title: `${title} (header size ${config.headerSize})`,
        edits: [{ span: this.abs(at), newText: `(void *)((uint8_t *)(${argText}) ${op} ${config.headerSize})` }],
      };
    }
    return undefined;
  }

  private rawLink(at: Span, ptrText: string, valueText: string | undefined): void {
    const config = this.ctx.config;
    // The rule is about bypassing a designated link API: with none named there is nothing to bypass.
    if (this.ctx.self.linkApi || config.linkApi.length === 0) return;
    const api = config.linkApi;
    const getterName = api.find((n) => /get|read|load|next/i.test(n) && !/set|write|store/i.test(n));
    const setterName = api.find((n) => /set|write|store|push/i.test(n));
    const access = valueText === undefined ? 'read' : 'written';
    const where = `outside the link API (${api.join(', ')})`;
    let fix: PointerFinding['fix'];
    // Offer the API only with the shape the fix writes: get(slot) and set(slot, next).
    const arity = (name: string | undefined): number | undefined => (name ? this.ctx.summaryOf(name)?.params.length : undefined);
    const getter = getterName && [undefined, 0, 1].includes(arity(getterName)) ? getterName : undefined;
    const setter = setterName && [undefined, 0, 2].includes(arity(setterName)) ? setterName : undefined;
    if (valueText === undefined && getter)
      fix = { title: `Read the link with ${getter}()`, edits: [{ span: this.abs(at), newText: `${getter}(${ptrText})` }] };
    if (valueText !== undefined && setter)
      fix = { title: `Write the link with ${setter}()`, edits: [{ span: this.abs(at), newText: `${setter}(${ptrText}, ${valueText})` }] };
    this.report(
      'raw-next-access',
      at,
      `freelist link ${access} with a raw \`*(void **)${ptrText.length > 40 ? '…' : ptrText}\` ${where}: the link offset is the API's to decide`,
      [],
      fix,
    );
  }

  // ---- calls ----

  private call(e: Extract<Expr, { k: 'call' }>): Val {
    const args = e.args.map((a) => this.expr(a));
    return this.callWith(e.callee, args, e.argAt, e.argText, e.at, 0);
  }

  private callWith(callee: string, args: Val[], argAt: readonly Span[], argText: readonly string[], at: Span, depth: number): Val {
    const config = this.ctx.config;
    const arg0 = args[0] ?? TOP;
    // Inside a macro's expansion the span is the macro call's: dropping it would drop the macro, so no fix.
    const inner = (i: number): string | undefined => (depth > 0 ? undefined : argText[i]);
    if (config.toUser.includes(callee)) return this.convert(arg0, 'USER', at, `${callee}()`, inner(0));
    if (config.toBase.includes(callee)) return this.convert(arg0, 'BASE', at, `${callee}()`, inner(0));
    const file = this.ctx.file;
    if (file.macroNames.includes(callee) && !config.linkApi.includes(callee)) {
      const meaning = file.macros[callee];
      if (!meaning || depth > 4) return TOP;
      switch (meaning.k) {
        case 'toUser':
        case 'toBase': {
          const to: PointerKind = meaning.k === 'toUser' ? 'USER' : 'BASE';
          return this.convert(args[meaning.param] ?? TOP, to, at, `${callee}()`, inner(meaning.param));
        }
        case 'identity':
          return args[meaning.param] ?? TOP;
        case 'rawlink':
          this.rawLinkMacro(callee, at);
          return TOP;
        case 'alias': {
          const pick = <T>(list: readonly T[], fallback: T): T[] => meaning.argMap.map((i) => (i >= 0 ? (list[i] ?? fallback) : fallback));
          const val = this.callWith(meaning.target, pick(args, TOP), pick(argAt, at), pick(argText, ''), at, depth + 1);
          if (meaning.returns) {
            this.returned(val, at);
            this.env = null;
          }
          return val;
        }
      }
    }
    const summary = this.ctx.summaryOf(callee);
    if (!summary) return TOP;
    const converts = summary.converts;
    args.forEach((val, i) => {
      if (summary.path !== undefined && !this.quiet)
        this.result.obs.callsites.push({ key: summary.key, index: i, val, at: this.abs(argAt[i] ?? at) });
      if (converts && converts.param === i) return;
      const p = summary.params[i];
      const expected = p?.expects;
      if (!expected || !isKind(val.s) || val.s === expected) return;
      const paramName = p?.name ? `parameter ${p.name}` : `argument ${i + 1}`;
      this.mismatch(
        argAt[i] ?? at,
        `\`${argText[i] ?? ''}\``,
        val,
        expected,
        `${callee}() expects ${expected} for ${paramName}${whyText(p?.expectsWhy)}`,
        p?.expectsWhy,
        argAt[i] ? this.conversionFix(expected, argText[i] ?? '', argAt[i]!) : undefined,
      );
    });
    if (converts) {
      return this.convert(args[converts.param] ?? TOP, converts.to, at, `${callee}()`, inner(converts.param));
    }
    if (!summary.returns) return TOP;
    return { s: summary.returns, origin: { path: this.path, span: this.abs(at), what: `${callee}()` } };
  }

  private rawLinkMacro(callee: string, at: Span): void {
    const api = this.ctx.config.linkApi;
    if (this.ctx.self.linkApi || api.length === 0) return;
    const where = `outside the link API (${api.join(', ')})`;
    this.report('raw-next-access', at, `${callee}() expands to a raw \`*(void **)\` freelist link access ${where}`, []);
  }
}

import { expand, ExpandError, newContext, type IfOperators, type MacroLookup } from './expand';
import { tokenize, type Tok } from './lexer';

/** An #if value: intmax_t or uintmax_t (C11 6.10.1p4). */
interface Value {
  v: bigint;
  u: boolean;
}

class ExprError extends Error {}

const MAX_NESTING = 500;
const MAX_EXPRESSION_LENGTH = 65_536;

function wrap(v: bigint, u: boolean): Value {
  return { v: u ? BigInt.asUintN(64, v) : BigInt.asIntN(64, v), u };
}
const ZERO: Value = { v: 0n, u: false };
const ONE: Value = { v: 1n, u: false };
const bool = (b: boolean): Value => (b ? ONE : ZERO);

/**
 * Evaluates one #if expression: macro expansion (with `defined` and the
 * __has_* operators), then C integer arithmetic in 64 bits with the usual
 * signed/unsigned conversions. Never throws.
 */
export function evaluateCondition(expr: string, lookup: MacroLookup, ops: IfOperators = {}): { value: bigint } | { error: string } {
  // Real conditions are short; this bounds the work on a binary file's "#if" line.
  if (expr.length > MAX_EXPRESSION_LENGTH) return { error: `expression longer than ${MAX_EXPRESSION_LENGTH} characters` };
  try {
    const toks = expand(tokenize(expr), newContext(lookup, ops));
    if (toks.length === 0) return { error: '#if with no expression' };
    const parser = new Parser(toks);
    const value = parser.parseComma(true);
    if (parser.pos < toks.length) {
      const t = toks[parser.pos]!;
      if (t.t === ')') throw new ExprError("missing '(' in expression");
      if (t.k === 'punct' && /^(?:[-+*/%&|^]|<<|>>)?=$|^(?:\+\+|--)$/.test(t.t) && t.t !== '==') {
        throw new ExprError(`token "${t.t}" is not valid in preprocessor expressions`);
      }
      throw new ExprError(`missing binary operator before token "${t.t}"`);
    }
    return { value: value.v };
  } catch (e) {
    if (e instanceof ExprError || e instanceof ExpandError) return { error: e.message };
    if (e instanceof RangeError) return { error: 'expression too complex' };
    return { error: String(e) };
  }
}

const BINARY_PRECEDENCE: Record<string, number> = {
  '||': 1,
  '&&': 2,
  '|': 3,
  '^': 4,
  '&': 5,
  '==': 6,
  '!=': 6,
  '<': 7,
  '>': 7,
  '<=': 7,
  '>=': 7,
  '<<': 8,
  '>>': 8,
  '+': 9,
  '-': 9,
  '*': 10,
  '/': 10,
  '%': 10,
};

/** Precedence climbing over expanded tokens; `ev` false means an unevaluated operand (no errors for x/0). */
class Parser {
  pos = 0;
  private nesting = 0;
  constructor(private readonly toks: Tok[]) {}

  private peek(): Tok | undefined {
    return this.toks[this.pos];
  }

  parseComma(ev: boolean): Value {
    let v = this.parseConditional(ev);
    while (this.peek()?.t === ',') {
      this.pos++;
      v = this.parseConditional(ev);
    }
    return v;
  }

  private parseConditional(ev: boolean): Value {
    const cond = this.parseBinary(1, ev);
    if (this.peek()?.t !== '?') return cond;
    this.pos++;
    const taken = cond.v !== 0n;
    const a = this.parseComma(ev && taken);
    if (this.peek()?.t !== ':') throw new ExprError("'?' without following ':'");
    this.pos++;
    const b = this.parseConditional(ev && !taken);
    const u = a.u || b.u;
    return wrap(taken ? a.v : b.v, u);
  }

  private parseBinary(minPrec: number, ev: boolean): Value {
    let left = this.parseUnary(ev);
    for (;;) {
      const op = this.peek();
      const prec = op && op.k === 'punct' ? BINARY_PRECEDENCE[op.t] : undefined;
      if (prec === undefined || prec < minPrec) return left;
      this.pos++;
      if (op!.t === '&&') {
        const right = this.parseBinary(prec + 1, ev && left.v !== 0n);
        left = bool(left.v !== 0n && right.v !== 0n);
      } else if (op!.t === '||') {
        const right = this.parseBinary(prec + 1, ev && left.v === 0n);
        left = bool(left.v !== 0n || right.v !== 0n);
      } else {
        const right = this.parseBinary(prec + 1, ev);
        left = binary(op!.t, left, right, ev);
      }
    }
  }

  private parseUnary(ev: boolean): Value {
    if (++this.nesting > MAX_NESTING) throw new ExprError('expression nested too deeply');
    try {
      const t = this.toks[this.pos++];
      if (!t) throw new ExprError('#if expression ends too early');
      switch (t.k) {
        case 'num':
          return parseNumber(t.t);
        case 'chr':
          return parseChar(t.t);
        case 'id':
          // After expansion, remaining identifiers (including true/false before C23) are 0.
          return ZERO;
        case 'str':
          throw new ExprError(`token ${t.t} is not valid in preprocessor expressions`);
        default:
          break;
      }
      switch (t.t) {
        case '(': {
          const v = this.parseComma(ev);
          if (this.toks[this.pos]?.t !== ')') throw new ExprError("missing ')' in expression");
          this.pos++;
          return v;
        }
        case '+':
          return this.parseUnary(ev);
        case '-': {
          const v = this.parseUnary(ev);
          return wrap(-v.v, v.u);
        }
        case '~': {
          const v = this.parseUnary(ev);
          return wrap(~v.v, v.u);
        }
        case '!':
          return bool(this.parseUnary(ev).v === 0n);
        case '=':
          throw new ExprError('token "=" is not valid in preprocessor expressions');
        default:
          throw new ExprError(`token "${t.t}" is not valid in preprocessor expressions`);
      }
    } finally {
      this.nesting--;
    }
  }
}

function binary(op: string, a: Value, b: Value, ev: boolean): Value {
  if (op === '<<' || op === '>>') return shift(op, a, b);
  const u = a.u || b.u;
  // Usual arithmetic conversions: a signed operand meets an unsigned one as uintmax_t.
  const x = u ? BigInt.asUintN(64, a.v) : a.v;
  const y = u ? BigInt.asUintN(64, b.v) : b.v;
  switch (op) {
    case '+':
      return wrap(x + y, u);
    case '-':
      return wrap(x - y, u);
    case '*':
      return wrap(x * y, u);
    case '/':
    case '%':
      if (y === 0n) {
        if (ev) throw new ExprError('division by zero in #if');
        return { v: 0n, u };
      }
      return wrap(op === '/' ? x / y : x % y, u);
    case '&':
      return wrap(x & y, u);
    case '|':
      return wrap(x | y, u);
    case '^':
      return wrap(x ^ y, u);
    case '==':
      return bool(x === y);
    case '!=':
      return bool(x !== y);
    case '<':
      return bool(x < y);
    case '>':
      return bool(x > y);
    case '<=':
      return bool(x <= y);
    case '>=':
      return bool(x >= y);
  }
  throw new ExprError(`unknown operator "${op}"`);
}

/** Shifts keep the left operand's type; a negative count shifts the other way (as gcc does). */
function shift(op: string, a: Value, b: Value): Value {
  let n = b.v;
  let left = op === '<<';
  if (!b.u && n < 0n) {
    n = -n;
    left = !left;
  }
  if (left) {
    if (n >= 64n) return { v: 0n, u: a.u };
    return wrap(a.v << n, a.u);
  }
  if (n >= 64n) return { v: !a.u && a.v < 0n ? -1n : 0n, u: a.u };
  return wrap(a.v >> n, a.u);
}

const INT64_MAX = (1n << 63n) - 1n;
const UINT64_MAX = (1n << 64n) - 1n;

/** Integer constant (C11 6.4.4.1) with prefixes, suffixes and digit separators. */
export function parseNumber(text: string): Value {
  // Fast path: short plain decimal constants, the common case in #if.
  if (text.length < 16 && /^(?:0|[1-9][0-9]*)$/.test(text)) return { v: BigInt(text), u: false };
  const s = text.replace(/'/g, '');
  const m = /^(0[xX][0-9a-fA-F]+|0[bB][01]+|[0-9]+)([a-zA-Z]*)$/.exec(s);
  if (!m) {
    if (/^(0[xX][0-9a-fA-F.]*[pP]|[0-9.]*[.eE])/.test(s)) throw new ExprError('floating constant in preprocessor expression');
    throw new ExprError(`invalid integer constant "${text}" in #if`);
  }
  const digits = m[1]!;
  const suffix = m[2]!.toLowerCase();
  if (!/^(u?(l|ll)?|(l|ll)u|u?wb|wbu)?$/.test(suffix)) throw new ExprError(`invalid suffix "${m[2]}" on integer constant`);
  let v: bigint;
  const decimal = !/^0[xXbB]/.test(digits) && !(digits.length > 1 && digits[0] === '0');
  if (!decimal && /^0[0-9]+$/.test(digits)) {
    if (/[89]/.test(digits)) throw new ExprError(`invalid digit in octal constant "${text}"`);
    v = BigInt('0o' + digits.slice(1));
  } else {
    v = BigInt(digits);
  }
  if (v > UINT64_MAX) throw new ExprError(`integer constant "${text}" is too large for its type`);
  // A constant that does not fit intmax_t is unsigned (gcc warns "so large that it is unsigned").
  const u = suffix.includes('u') || v > INT64_MAX;
  return { v, u };
}

const SIMPLE_ESCAPES: Record<string, number> = {
  n: 10,
  t: 9,
  r: 13,
  a: 7,
  b: 8,
  f: 12,
  v: 11,
  e: 27,
  '\\': 92,
  "'": 39,
  '"': 34,
  '?': 63,
};

/** Character constant: plain ones are int from a signed char (x86_64), L'' is wchar_t (int), u''/U''/u8'' unsigned. */
export function parseChar(text: string): Value {
  const q = text.indexOf("'");
  const prefix = text.slice(0, q);
  if (!text.endsWith("'") || text.length < q + 3) throw new ExprError(`invalid character constant ${text}`);
  const body = text.slice(q + 1, -1);
  const units: number[] = [];
  for (let i = 0; i < body.length;) {
    if (body[i] !== '\\') {
      const cp = body.codePointAt(i)!;
      i += cp > 0xffff ? 2 : 1;
      if (prefix === '' && cp > 0x7f) {
        // Plain char constants hold the UTF-8 bytes of the character.
        for (const b of Buffer.from(String.fromCodePoint(cp), 'utf8')) units.push(b);
      } else units.push(cp);
      continue;
    }
    const e = body[i + 1];
    if (e === undefined) throw new ExprError(`invalid character constant ${text}`);
    if (e in SIMPLE_ESCAPES) {
      units.push(SIMPLE_ESCAPES[e]!);
      i += 2;
    } else if (e === 'x') {
      const m = /^[0-9a-fA-F]+/.exec(body.slice(i + 2));
      if (!m) throw new ExprError('\\x used with no following hex digits');
      units.push(Number(BigInt('0x' + m[0]) & 0xffffffffn));
      i += 2 + m[0].length;
    } else if (e >= '0' && e <= '7') {
      const m = /^[0-7]{1,3}/.exec(body.slice(i + 1))!;
      units.push(parseInt(m[0], 8));
      i += 1 + m[0].length;
    } else if (e === 'u' || e === 'U') {
      const len = e === 'u' ? 4 : 8;
      const hex = body.slice(i + 2, i + 2 + len);
      if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== len) throw new ExprError('incomplete universal character name');
      units.push(parseInt(hex, 16));
      i += 2 + len;
    } else {
      units.push(e.charCodeAt(0));
      i += 2;
    }
  }
  if (units.length === 0) throw new ExprError('empty character constant');
  if (prefix === '') {
    if (units.length === 1) return { v: BigInt.asIntN(8, BigInt(units[0]! & 0xff)), u: false };
    // Multi-character constant: gcc packs bytes big-endian into an int.
    let v = 0n;
    for (const c of units) v = (v << 8n) | BigInt(c & 0xff);
    return { v: BigInt.asIntN(32, v), u: false };
  }
  // Wide constants take the last character; char16_t/char32_t/char8_t are unsigned types.
  const last = BigInt(units[units.length - 1]!);
  if (prefix === 'L') return { v: BigInt.asIntN(32, last), u: false };
  if (prefix === 'u') return { v: BigInt.asUintN(16, last), u: true };
  if (prefix === 'u8') return { v: BigInt.asUintN(8, last), u: true };
  return { v: BigInt.asUintN(32, last), u: true };
}

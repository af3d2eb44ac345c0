import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluateCondition, MacroTable, defaultPredefines } from '../../server/src/preproc';

const macros = MacroTable.from({
  ...defaultPredefines(),
  ONE: '1',
  TWO: 'ONE + ONE',
  SELF: 'SELF + 1',
  A: 'B',
  B: 'A',
  'SQUARE(x)': '((x) * (x))',
  'MAX(a, b)': '((a) > (b) ? (a) : (b))',
  'CAT(a, b)': 'a ## b',
  'STR(x)': '#x',
  'IS_ON(x)': 'defined(x) && x',
  'HAVE(x)': 'defined(HAK_ ## x)',
  HAK_STATS: '',
  'VA(...)': '(0, ##__VA_ARGS__ + 0)',
  'FIRST(x, ...)': 'x',
  F: 'SQUARE',
  EMPTY: '',
  FLAG_3: '3',
});
const lookup = (name: string) => macros.get(name);

function value(expr: string): bigint {
  const r = evaluateCondition(expr, lookup);
  if ('error' in r) assert.fail(`${expr}: ${r.error}`);
  return r.value;
}

function error(expr: string): string {
  const r = evaluateCondition(expr, lookup);
  assert.ok('error' in r, `${expr} should fail, got ${'value' in r ? r.value : ''}`);
  return r.error;
}

describe('preproc: #if arithmetic', () => {
  it('follows C precedence and associativity', () => {
    assert.equal(value('1 + 2 * 3'), 7n);
    assert.equal(value('(1 + 2) * 3'), 9n);
    assert.equal(value('10 - 4 - 3'), 3n);
    assert.equal(value('100 / 10 / 5'), 2n);
    assert.equal(value('1 << 2 + 1'), 8n);
    assert.equal(value('1 | 2 ^ 3 & 4'), 3n);
    assert.equal(value('5 > 3 == 1'), 1n);
    assert.equal(value('1 || 0 && 0'), 1n);
    assert.equal(value('-7 / 2'), -3n);
    assert.equal(value('-7 % 2'), -1n);
    assert.equal(value('~0'), -1n);
    assert.equal(value('!5 + !0'), 1n);
    assert.equal(value('- - 3'), 3n);
  });

  it('ternary and comma operators', () => {
    assert.equal(value('0 ? 1 : 2 ? 3 : 4'), 3n);
    assert.equal(value('1 ? 2 : 3, 7'), 7n);
    assert.equal(value('(1, 0) ? 5 : 6'), 6n);
  });

  it('uses unsigned arithmetic when an operand is unsigned', () => {
    assert.equal(value('-1 < 0'), 1n);
    assert.equal(value('-1 < 0u'), 0n);
    assert.equal(value('-1 > 0U'), 1n);
    assert.equal(value('0xffffffffffffffff == -1'), 1n, 'a hex constant above INTMAX_MAX is unsigned');
    assert.equal(value('0xffffffffffffffff > 0'), 1n);
    assert.equal(value('18446744073709551615 / 2 == 0x7fffffffffffffff'), 1n);
    assert.equal(value('(0 ? 1u : -1) > 0'), 1n, 'the conditional has the common type');
    assert.equal(value('0u - 1 == 0xffffffffffffffffULL'), 1n);
    assert.equal(value('0x7fffffffffffffff + 1 < 0'), 1n, 'signed overflow wraps');
  });

  it('shifts keep the left type and handle large or negative counts', () => {
    assert.equal(value('1 << 63 < 0'), 1n);
    assert.equal(value('1u << 63 > 0'), 1n);
    assert.equal(value('-16 >> 2'), -4n);
    assert.equal(value('0xffffffffffffffff >> 60'), 15n);
    assert.equal(value('1 << 64'), 0n);
    assert.equal(value('-1 >> 70'), -1n);
    assert.equal(value('8 >> -1'), 16n);
  });

  it('short-circuits: division by zero is fine in an unevaluated operand only', () => {
    assert.equal(value('0 && 1 / 0'), 0n);
    assert.equal(value('1 || 1 / 0'), 1n);
    assert.equal(value('1 ? 2 : 1 % 0'), 2n);
    assert.equal(value('0 ? 1 / 0 : 3'), 3n);
    assert.match(error('1 && 1 / 0'), /division by zero/);
    assert.match(error('4 % 0'), /division by zero/);
  });

  it('reads hex, octal, binary, suffixes, separators and character constants', () => {
    assert.equal(value('0x1F'), 31n);
    assert.equal(value('017'), 15n);
    assert.equal(value('0b1010'), 10n);
    assert.equal(value('10UL + 2ll + 3LLU + 4lu'), 19n);
    assert.equal(value("1'000'000"), 1000000n);
    assert.equal(value("'A'"), 65n);
    assert.equal(value("'\\n'"), 10n);
    assert.equal(value("'\\x41'"), 65n);
    assert.equal(value("'\\0'"), 0n);
    assert.equal(value("'\\377' < 0"), 1n, 'plain char is signed on x86_64');
    assert.equal(value("'ab'"), 0x6162n);
    assert.equal(value("L'\\xffffffff' < 0"), 1n);
    assert.equal(value("U'\\xffffffff' > 0"), 1n);
    assert.match(error('08'), /octal/);
    assert.match(error('1.5'), /floating/);
    assert.match(error('18446744073709551616'), /too large/);
    assert.match(error('12abc'), /suffix/);
  });
});

describe('preproc: #if macros and operators', () => {
  it('defined X and defined(X); undefined identifiers are 0', () => {
    assert.equal(value('defined ONE && defined(TWO)'), 1n);
    assert.equal(value('defined NOPE || defined(NOPE)'), 0n);
    assert.equal(value('NOPE + 1'), 1n);
    assert.equal(value('defined(__x86_64__) && __SIZEOF_POINTER__ == 8 && __CHAR_BIT__ == 8'), 1n);
    assert.equal(value('__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__'), 1n);
    assert.equal(value('__STDC_VERSION__ >= 201112L && __GNUC__ >= 4'), 1n);
    assert.match(error('defined'), /requires an identifier/);
    assert.match(error('defined(ONE'), /missing/);
  });

  it('expands object-like macros recursively without self re-expansion', () => {
    assert.equal(value('TWO * 3'), 4n, 'TWO is not parenthesized: ONE + ONE * 3');
    assert.equal(value('SELF'), 1n, 'SELF -> SELF + 1 -> 0 + 1');
    assert.equal(value('A'), 0n, 'A -> B -> A stops');
    assert.equal(value('EMPTY 5 EMPTY'), 5n);
  });

  it('expands function-like macros with arguments, # and ##', () => {
    assert.equal(value('SQUARE(3) == 9'), 1n);
    assert.equal(value('SQUARE(1 + 2)'), 9n);
    assert.equal(value('MAX(SQUARE(2), 3)'), 4n);
    assert.equal(value('CAT(FLAG_, 3)'), 3n);
    assert.equal(value('CAT(0x, 10)'), 16n);
    assert.equal(value('HAVE(STATS) && !HAVE(COUNTERS)'), 1n, 'defined produced by a macro is still evaluated');
    assert.equal(value('IS_ON(NOT_DEFINED)'), 0n);
    assert.match(error('IS_ON(FLAG_3)'), /requires an identifier/, 'the argument is expanded first, as gcc does');
    assert.equal(value('VA()'), 0n);
    assert.equal(value('VA(5)'), 5n);
    assert.equal(value('FIRST(7, 8, 9)'), 7n);
    assert.equal(value('F(4)'), 16n, 'a function-like macro name produced by another macro takes later arguments');
    assert.equal(value('SQUARE'), 0n, 'a function-like macro without arguments stays an identifier');
    assert.match(error('STR(x)'), /not valid/);
    assert.match(error('SQUARE(1'), /unterminated argument list/);
    assert.match(error('SQUARE(1, 2)'), /passed 2 arguments/);
  });

  it('__has_include uses the resolver; other __has_ operators answer from known lists', () => {
    const ops = { hasInclude: (name: string, system: boolean) => system && name === 'sys/mman.h' };
    const v = (e: string) => {
      const r = evaluateCondition(e, lookup, ops);
      if ('error' in r) assert.fail(r.error);
      return r.value;
    };
    assert.equal(v('__has_include(<sys/mman.h>)'), 1n);
    assert.equal(v('__has_include("sys/mman.h")'), 0n);
    assert.equal(v('__has_include(<nope.h>)'), 0n);
    assert.equal(value('__has_include(<sys/mman.h>)'), 0n, 'no resolver: nothing is found');
    assert.equal(value('defined(__has_include) && defined __LINE__ && defined(__FILE__)'), 1n);
    assert.equal(value('__has_attribute(cold) && __has_attribute(__always_inline__)'), 1n);
    assert.equal(value('__has_attribute(no_such_attribute)'), 0n);
    assert.equal(value('__has_builtin(__builtin_expect) && !__has_builtin(__builtin_nothing)'), 1n);
    assert.equal(value('__has_feature(address_sanitizer)'), 0n);
  });

  it('reports malformed expressions instead of throwing', () => {
    assert.match(error(''), /no expression/);
    assert.match(error('1 +'), /ends too early/);
    assert.match(error('(1'), /missing '\)'/);
    assert.match(error('1 2'), /missing binary operator/);
    assert.match(error('1 ? 2'), /':'/);
    assert.match(error('x = 1'), /not valid/);
    assert.match(error('"str"'), /not valid/);
    assert.match(error('('.repeat(100000) + '1' + ')'.repeat(100000)), /longer than/);
    assert.match(error('('.repeat(5000) + '1' + ')'.repeat(5000)), /nested too deeply/);
  });
});

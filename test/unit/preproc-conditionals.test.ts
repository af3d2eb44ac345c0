import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildDefines, evaluatePreprocessor, MacroTable, type PreprocResult } from '../../server/src/preproc';

const release = MacroTable.from(buildDefines('release'));
const debug = MacroTable.from(buildDefines('debug'));

function run(text: string, defines: MacroTable = release): PreprocResult {
  return evaluatePreprocessor(text, { defines });
}

/** Lines (0-based) whose text contains `marker`. */
function lineOf(text: string, marker: string): number {
  const i = text.split('\n').findIndex((l) => l.includes(marker));
  assert.ok(i >= 0, `marker ${marker} not in text`);
  return i;
}

function isActive(r: PreprocResult, text: string, marker: string): boolean {
  return r.active[lineOf(text, marker)] === 1;
}

describe('preproc: release/debug split of the allocator log', () => {
  const src = [
    'void f(void) {',
    '#if !HAKMEM_BUILD_RELEASE',
    '  fprintf(stderr, "[DEBUG] ...");   // inactive in release',
    '#endif',
    '#if HAKMEM_BUILD_RELEASE',
    '  fast();',
    '#else',
    '  slow_checked();                   // inactive in release',
    '#endif',
    '}',
  ].join('\n');

  it('release build compiles fast() and drops the debug fprintf and slow path', () => {
    const r = run(src, release);
    assert.equal(isActive(r, src, 'fprintf'), false);
    assert.equal(isActive(r, src, 'fast()'), true);
    assert.equal(isActive(r, src, 'slow_checked'), false);
    assert.deepEqual(r.inactiveRanges, [
      { startLine: 2, endLine: 2 },
      { startLine: 7, endLine: 7 },
    ]);
    assert.deepEqual(r.problems, []);
  });

  it('debug build is the mirror image', () => {
    const r = run(src, debug);
    assert.equal(isActive(r, src, 'fprintf'), true);
    assert.equal(isActive(r, src, 'fast()'), false);
    assert.equal(isActive(r, src, 'slow_checked'), true);
  });

  it('directive lines of an active group are active, and records say which branch was taken', () => {
    const r = run(src, release);
    for (const l of [1, 3, 4, 6, 8]) assert.equal(r.active[l], 1, `line ${l}`);
    assert.deepEqual(
      r.conditionals.map((c) => [c.line, c.kind, c.condition, c.value, c.endLine]),
      [
        [1, 'if', '!HAKMEM_BUILD_RELEASE', false, 3],
        [4, 'if', 'HAKMEM_BUILD_RELEASE', true, 6],
        [6, 'else', '', false, 8],
      ],
    );
  });

  it('an undefined HAKMEM_BUILD_RELEASE counts as 0 (debug)', () => {
    const r = run(src, MacroTable.from({}));
    assert.equal(isActive(r, src, 'fprintf'), true);
    assert.equal(isActive(r, src, 'slow_checked'), true);
  });
});

describe('preproc: nesting', () => {
  it('evaluates nested #if/#ifdef/#ifndef/#elif/#else', () => {
    const src = [
      '#ifdef NDEBUG', //               0 taken in release
      'a_release;', //                  1
      '# ifndef HAKMEM_BUILD_RELEASE', // 2 false (defined)
      'b_never;', //                    3
      '# elif HAKMEM_BUILD_RELEASE == 2', // 4 false
      'c_never;', //                    5
      '# elif HAKMEM_BUILD_RELEASE == 1', // 6 true
      'd_taken;', //                    7
      '#  if 0', //                     8
      'e_if0;', //                      9
      '#  else', //                     10
      'f_else;', //                     11
      '#  endif', //                    12
      '# else', //                      13
      'g_never;', //                    14
      '# endif', //                     15
      '#else', //                       16
      'h_debug;', //                    17
      '#if 1', //                       18 inside an inactive group
      'i_inner;', //                    19
      '#endif', //                      20
      '#endif', //                      21
    ].join('\n');
    const r = run(src);
    // Directive lines inside an inactive group (18, 20) are inactive; the enclosing #else/#endif are active.
    const want = [1, 1, 1, 0, 1, 0, 1, 1, 1, 0, 1, 1, 1, 1, 0, 1, 1, 0, 0, 0, 0, 1];
    assert.deepEqual(Array.from(r.active), want);
    assert.deepEqual(r.problems, []);
    const dbg = run(src, debug);
    assert.equal(dbg.active[17], 1);
    assert.equal(dbg.active[19], 1);
    assert.equal(dbg.active[1], 0);
  });

  it('stops evaluating #elif after a taken branch (no error from a bad later condition)', () => {
    const src = ['#if 1', 'x;', '#elif 1/0', 'y;', '#elif )', 'z;', '#endif'].join('\n');
    const r = run(src);
    assert.deepEqual(Array.from(r.active), [1, 1, 1, 0, 1, 0, 1]);
    assert.deepEqual(r.problems, []);
    assert.deepEqual(
      r.conditionals.map((c) => c.value),
      [true, false, false],
    );
  });

  it('supports #elifdef and #elifndef', () => {
    const src = [
      '#if 0',
      'a;',
      '#elifdef NDEBUG',
      'b;',
      '#else',
      'c;',
      '#endif',
      '#ifdef NOPE',
      'd;',
      '#elifndef NOPE',
      'e;',
      '#endif',
      '#ifdef __has_include',
      'f;',
      '#endif',
    ].join('\n');
    const r = run(src);
    assert.equal(isActive(r, src, 'a;'), false);
    assert.equal(isActive(r, src, 'b;'), true);
    assert.equal(isActive(r, src, 'c;'), false);
    assert.equal(isActive(r, src, 'd;'), false);
    assert.equal(isActive(r, src, 'e;'), true);
    assert.equal(isActive(r, src, 'f;'), true, '__has_include counts as defined, as in gcc');
  });

  it('#if 0 hides everything, including #define and #include inside', () => {
    const src = [
      '#if 0',
      '#define HIDDEN 1',
      '#include "missing.h"',
      '#error not compiled',
      '#endif',
      '#ifdef HIDDEN',
      'x;',
      '#endif',
    ].join('\n');
    const r = run(src);
    assert.deepEqual(Array.from(r.active), [1, 0, 0, 0, 1, 1, 0, 1]);
    assert.deepEqual(r.includes, []);
    assert.deepEqual(r.problems, []);
    assert.equal(r.finalMacros.has('HIDDEN'), false);
  });
});

describe('preproc: lines, comments and continuations', () => {
  it('an #if that splits a statement is decided per line', () => {
    const src = ['if (x', '#if A', ' && y', '#endif', ') {', '  go();', '}'].join('\n');
    const off = run(src);
    assert.deepEqual(Array.from(off.active), [1, 1, 0, 1, 1, 1, 1]);
    const on = run(src, MacroTable.from({ A: '1' }));
    assert.deepEqual(Array.from(on.active), [1, 1, 1, 1, 1, 1, 1]);
  });

  it('joins backslash-continued directives; continuation lines share the state', () => {
    const src = ['#if defined(NDEBUG) && \\', '    HAKMEM_BUILD_RELEASE \\', '    == 0', 'no;', '#else', 'yes;', '#endif'].join('\n');
    const r = run(src);
    assert.deepEqual(Array.from(r.active), [1, 1, 1, 0, 1, 1, 1]);
    assert.equal(r.conditionals[0]!.condition.replace(/\s+/g, ' '), 'defined(NDEBUG) && HAKMEM_BUILD_RELEASE == 0');
  });

  it('a continued #define in a false branch stays inactive on every line', () => {
    const src = ['#if 0', '#define BIG(x) \\', '  do { \\', '  } while (0)', '#endif', 'after;'].join('\n');
    const r = run(src);
    assert.deepEqual(Array.from(r.active), [1, 0, 0, 0, 1, 1]);
  });

  it('ignores directives inside block comments and strips comments from directive text', () => {
    const src = [
      '/* disabled:',
      '#if 0',
      '#endif */',
      '#if 1 /* a comment with #endif */ // and a line comment',
      'x;',
      '#endif',
      'const char *s = "/* not a comment";',
      '#ifdef NOPE',
      'y;',
      '#endif',
      '  /* c */ # if 0',
      'z;',
      '  #  endif',
    ].join('\n');
    const r = run(src);
    assert.equal(isActive(r, src, 'x;'), true);
    assert.equal(isActive(r, src, 'y;'), false);
    assert.equal(isActive(r, src, 'z;'), false);
    assert.deepEqual(r.problems, []);
    assert.equal(r.conditionals[0]!.condition.trim(), '1');
  });

  it('a block comment opened inside a directive spans into following lines', () => {
    const src = ['#define X 1 /* starts here', '#if 0 (inside the comment)', '*/', '#ifdef X', 'on;', '#endif'].join('\n');
    const r = run(src);
    assert.equal(isActive(r, src, 'on;'), true);
    assert.deepEqual(r.problems, []);
    assert.equal(r.finalMacros.get('X')?.body, '1');
  });

  it("'#' in strings and in the middle of code lines is not a directive", () => {
    const src = ['puts("#if 0");', 'x = y # z;', "c = '#';", 'done;'].join('\n');
    const r = run(src);
    assert.deepEqual(Array.from(r.active), [1, 1, 1, 1]);
    assert.deepEqual(r.problems, []);
  });

  it('handles CRLF line ends', () => {
    const src = '#if !HAKMEM_BUILD_RELEASE\r\ndebug();\r\n#endif\r\nrel();\r\n';
    const r = run(src);
    assert.equal(r.lineCount, 5);
    assert.deepEqual(Array.from(r.active), [1, 0, 1, 1, 1]);
  });
});

describe('preproc: problems', () => {
  it('reports an unterminated #if at its line and keeps the rest inactive', () => {
    const src = ['ok;', '#ifdef NOPE', 'a;', '#if 1', 'b;', '#endif', 'c;'].join('\n');
    const r = run(src);
    assert.deepEqual(r.problems, [{ line: 1, message: 'unterminated #ifdef' }]);
    assert.deepEqual(Array.from(r.active), [1, 1, 0, 0, 0, 0, 0]);
    assert.equal(r.conditionals[0]!.endLine, 6);
  });

  it('reports stray #else/#elif/#endif, #elif after #else, and bad expressions', () => {
    const src = [
      '#endif',
      '#else',
      '#elif 1',
      '#if 1',
      '#else',
      '#elif 1',
      '#else',
      '#endif',
      '#if 1 +',
      'x;',
      '#endif',
      '#ifdef',
      '#endif',
    ].join('\n');
    const r = run(src);
    const messages = r.problems.map((p) => `${p.line}: ${p.message}`);
    assert.deepEqual(messages.slice(0, 5), [
      '0: #endif without #if',
      '1: #else without #if',
      '2: #elif without #if',
      '5: #elif after #else',
      '6: #else after #else',
    ]);
    assert.match(messages[5]!, /^8: #if: .*ends too early/);
    assert.equal(messages[6], '11: no macro name given in #ifdef directive');
    assert.equal(r.active[9], 0, 'a bad #if expression counts as false');
  });

  it('reports an active #error and unknown directives, but not inside false branches', () => {
    const src = [
      '#error release builds need -O2',
      '#frobnicate',
      '#if 0',
      '#error hidden',
      '#bogus',
      '#endif',
      '#pragma once',
      '#line 10',
      '#',
      '# 1 "x.c"',
    ].join('\n');
    const r = run(src);
    assert.deepEqual(r.problems, [
      { line: 0, message: '#error release builds need -O2' },
      { line: 1, message: 'invalid preprocessing directive #frobnicate' },
    ]);
  });

  it('reports garbage after #else/#endif/#ifdef', () => {
    const src = ['#ifdef A B', '#else junk', '#endif A', 'x;'].join('\n');
    const r = run(src);
    assert.deepEqual(
      r.problems.map((p) => p.line),
      [0, 1, 2],
    );
    assert.equal(r.active[3], 1);
  });
});

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  buildDefines,
  evaluatePreprocessor,
  expandMacros,
  macroCalls,
  macroIsNoOp,
  MacroTable,
  type IncludeResolver,
  type PreprocResult,
} from '../../server/src/preproc';
import { fixturesDir } from '../util/paths';

const dir = join(fixturesDir, 'preproc');

/** Resolves quoted and system names against the fixture folder and counts look-ups per name. */
function fixtureResolver(): { resolve: IncludeResolver; lookups: Map<string, number> } {
  const lookups = new Map<string, number>();
  const resolve: IncludeResolver = (name) => {
    lookups.set(name, (lookups.get(name) ?? 0) + 1);
    const path = join(dir, name);
    return existsSync(path) ? { path, text: readFileSync(path, 'utf8') } : undefined;
  };
  return { resolve, lookups };
}

function evaluateFixture(file: string, build: 'release' | 'debug'): PreprocResult {
  const path = join(dir, file);
  return evaluatePreprocessor(readFileSync(path, 'utf8'), {
    fileName: path,
    defines: MacroTable.from(buildDefines(build)),
    resolveInclude: fixtureResolver().resolve,
  });
}

function lineOf(file: string, marker: string): number {
  const i = readFileSync(join(dir, file), 'utf8')
    .split('\n')
    .findIndex((l) => l.includes(marker));
  assert.ok(i >= 0, marker);
  return i;
}

describe('preproc: macros from included headers', () => {
  it('headers define macros that decide conditionals after the #include', () => {
    const r = evaluateFixture('tiny_free.c', 'release');
    assert.equal(r.active[lineOf('tiny_free.c', 'LOG("fast path')], 1, 'HAKMEM_TINY_FAST_PATH comes from hak_config.h');
    assert.equal(r.active[lineOf('tiny_free.c', 'stats_enabled')], 1, 'HAK_STATS comes from hak_stats.h');
    assert.equal(r.active[lineOf('tiny_free.c', '[DEBUG] free')], 0);
    assert.equal(r.active[lineOf('tiny_free.c', 'slow_checked_push')], 0);
    assert.deepEqual(r.problems, []);
  });

  it('lists includes with resolved paths, unresolved system headers without one', () => {
    const r = evaluateFixture('tiny_free.c', 'release');
    assert.deepEqual(
      r.includes.map((i) => [i.line, i.name, i.system, i.resolved]),
      [
        [0, 'hak_config.h', false, join(dir, 'hak_config.h')],
        [1, 'hak_stats.h', false, join(dir, 'hak_stats.h')],
        [2, 'hak_stats.h', false, join(dir, 'hak_stats.h')],
        [3, 'stdlib.h', true, undefined],
      ],
    );
  });

  it('macroAt follows #include lines: nothing before, the header definition after', () => {
    const r = evaluateFixture('tiny_free.c', 'release');
    assert.equal(r.macroAt('HAKMEM_TINY_FAST_PATH', 0), undefined);
    const def = r.macroAt('HAKMEM_TINY_FAST_PATH', 1);
    assert.equal(def?.body, '1');
    assert.equal(def?.file, join(dir, 'hak_config.h'));
    assert.equal(def?.line, lineOf('hak_config.h', 'define HAKMEM_TINY_FAST_PATH'));
    assert.equal(r.macroAt('HAKMEM_BUILD_RELEASE', 0)?.body, '1', 'configured defines hold from the first line');
    assert.equal(r.finalMacros.get('HAK_LOG_H')?.body, '');
  });

  it("the header is evaluated with the includer's defines (release vs debug definition of HAK_LOG_IMPL)", () => {
    const rel = evaluateFixture('tiny_free.c', 'release');
    const dbg = evaluateFixture('tiny_free.c', 'debug');
    assert.equal(rel.finalMacros.get('HAK_LOG_IMPL')?.body, '((void)0)');
    assert.match(dbg.finalMacros.get('HAK_LOG_IMPL')?.body ?? '', /^fprintf\(stderr, "\[hakmem\] " fmt "\\n", ##__VA_ARGS__\)$/);
    assert.equal(dbg.finalMacros.get('HAK_CHECKS')?.body, '1', '#ifndef NDEBUG in the header is taken in debug only');
    assert.equal(rel.finalMacros.has('HAK_CHECKS'), false);
  });

  it('honours include guards and #pragma once: a header is entered once', () => {
    const { resolve } = fixtureResolver();
    const src = [
      '#include "hak_stats.h"',
      '#undef HAK_STATS_MODE',
      '#define HAK_STATS_MODE 2',
      '#undef HAK_STATS',
      '#include "hak_stats.h"',
      '#include "hak_config.h"',
      '#undef HAKMEM_TINY_FAST_PATH',
      '#include "hak_config.h"',
      '#include "unguarded_counter.h"',
      '#include "unguarded_counter.h"',
    ].join('\n');
    const r = evaluatePreprocessor(src, { defines: MacroTable.from({}), resolveInclude: resolve });
    // Guarded: the second inclusion changes nothing (entering it would define HAK_STATS and reset the mode).
    assert.equal(r.finalMacros.get('HAK_STATS_MODE')?.body, '2');
    assert.equal(r.finalMacros.has('HAK_STATS'), false);
    // #pragma once: the second include does not bring HAKMEM_TINY_FAST_PATH back.
    assert.equal(r.finalMacros.has('HAKMEM_TINY_FAST_PATH'), false);
    // Unguarded: each inclusion runs again (the definition changes at each #include line).
    assert.equal(r.macroAt('COUNTER_SEEN', 9)?.line, 2);
    assert.deepEqual(r.problems, []);
  });

  it('stops a header that includes itself at the depth limit with a problem', () => {
    const { resolve, lookups } = fixtureResolver();
    const r = evaluatePreprocessor('#include "self_include.h"\nafter;', {
      defines: MacroTable.from({}),
      resolveInclude: resolve,
      maxIncludeDepth: 5,
    });
    assert.equal(lookups.get('self_include.h'), 6);
    assert.equal(r.finalMacros.get('SELF_INCLUDE_DEPTH_REACHED')?.body, '1');
    assert.deepEqual(
      r.problems.map((p) => p.line),
      [0],
    );
    assert.match(r.problems[0]!.message, /nested more than 5 levels/);
    assert.equal(r.active[1], 1);
  });

  it('__has_include asks the resolver; a computed #include expands macros', () => {
    const { resolve } = fixtureResolver();
    const src = [
      '#define CONFIG_HEADER "hak_config.h"',
      '#if __has_include("hak_log.h") && !__has_include(<no_such_header.h>)',
      '#include CONFIG_HEADER',
      '#endif',
      '#ifdef HAK_HEADER_SIZE',
      'ok;',
      '#endif',
    ].join('\n');
    const r = evaluatePreprocessor(src, { defines: MacroTable.from(buildDefines('release')), resolveInclude: resolve });
    assert.equal(r.active[5], 1);
    assert.equal(r.includes[0]?.name, 'hak_config.h');
    assert.deepEqual(r.problems, []);
  });

  it('reports a malformed #include and a resolver that throws, and carries on', () => {
    const r = evaluatePreprocessor('#include\n#include nothing_here\n#include "x.h"\nok;', {
      defines: MacroTable.from({}),
      resolveInclude: () => {
        throw new Error('disk on fire');
      },
    });
    assert.deepEqual(
      r.problems.map((p) => p.line),
      [0, 1, 2],
    );
    assert.match(r.problems[2]!.message, /disk on fire/);
    assert.equal(r.active[3], 1);
  });
});

describe('preproc: macroAt within a file', () => {
  const src = [
    'a;', //                          0
    '#define HAK_HDR 16', //          1
    'b;', //                          2
    '#undef HAK_HDR', //              3
    'c;', //                          4
    '#define HAK_HDR(x) ((x) + 1)', // 5
    'd;', //                          6
    '#if 0', //                       7
    '#define HAK_HDR 99', //          8
    '#endif', //                      9
    'e;', //                          10
  ].join('\n');
  const r = evaluatePreprocessor(src, { fileName: 'hdr.c', defines: MacroTable.from({ HAK_HDR: '8' }) });

  it('sees the configured value before the first #define and the #define after it', () => {
    assert.equal(r.macroAt('HAK_HDR', 0)?.body, '8');
    assert.equal(r.macroAt('HAK_HDR', 1)?.body, '8', 'a #define takes effect on the following line');
    assert.equal(r.macroAt('HAK_HDR', 2)?.body, '16');
    assert.equal(r.macroAt('HAK_HDR', 2)?.line, 1);
    assert.equal(r.macroAt('HAK_HDR', 2)?.file, 'hdr.c');
  });

  it('sees nothing after #undef and the function-like redefinition later', () => {
    assert.equal(r.macroAt('HAK_HDR', 4), undefined);
    const d = r.macroAt('HAK_HDR', 6);
    assert.deepEqual(d?.params, ['x']);
    assert.equal(d?.body, '((x) + 1)');
  });

  it('ignores #define in a false branch, and the input table is not modified', () => {
    assert.equal(r.macroAt('HAK_HDR', 10)?.line, 5);
    assert.equal(r.finalMacros.get('HAK_HDR')?.line, 5);
    assert.equal(r.macroAt('NEVER', 10), undefined);
  });
});

describe('preproc: MacroTable', () => {
  it('clone is copy-on-write in both directions', () => {
    const a = MacroTable.from({ X: '1', 'F(a, ...)': 'g(a, __VA_ARGS__)' });
    const b = a.clone();
    b.define({ name: 'Y', body: '2', line: 0 });
    a.undef('X');
    assert.equal(a.has('Y'), false);
    assert.equal(b.get('X')?.body, '1');
    assert.equal(a.has('X'), false);
    assert.deepEqual(a.get('F')?.params, ['a', '__VA_ARGS__']);
    assert.equal(a.get('F')?.variadic, true);
    assert.deepEqual([...b.names()].sort(), ['F', 'X', 'Y']);
  });

  it('evaluatePreprocessor never changes the table it is given', () => {
    const t = MacroTable.from({ KEEP: '1' });
    evaluatePreprocessor('#undef KEEP\n#define NEW 1', { defines: t });
    assert.equal(t.has('KEEP'), true);
    assert.equal(t.has('NEW'), false);
  });
});

describe('preproc: what macros call', () => {
  const dbg = evaluateFixture('tiny_free.c', 'debug');
  const rel = evaluateFixture('tiny_free.c', 'release');
  const lookupDbg = (n: string) => dbg.finalMacros.get(n);
  const lookupRel = (n: string) => rel.finalMacros.get(n);

  it('macroCalls follows two levels: LOG -> HAK_LOG_IMPL -> fprintf', () => {
    assert.deepEqual([...macroCalls(lookupDbg, 'LOG')], ['fprintf']);
    assert.deepEqual([...macroCalls(lookupDbg, 'HAK_LOG_IMPL')], ['fprintf']);
  });

  it('expandMacros shows what a use expands to in each build', () => {
    assert.deepEqual(expandMacros('LOG("x %d", n);', lookupDbg), { text: 'fprintf(stderr, "[hakmem] " "x %d" "\\n", n);' });
    assert.deepEqual(expandMacros('LOG("x %d", n);', lookupRel), { text: '((void)0);' });
    assert.deepEqual(expandMacros('LOG("unclosed"', lookupRel), { error: 'unterminated argument list invoking macro "LOG"' });
  });

  it('the release definition calls nothing and is a no-op', () => {
    assert.deepEqual([...macroCalls(lookupRel, 'LOG')], []);
    assert.equal(macroIsNoOp(lookupRel, 'LOG'), true);
    assert.equal(macroIsNoOp(lookupRel, 'HAK_LOG_IMPL'), true);
    assert.equal(macroIsNoOp(lookupDbg, 'LOG'), false);
  });

  it('macroAt at a line gives the lookup for that point of the file', () => {
    const line = lineOf('tiny_free.c', 'LOG("fast path');
    const at = (n: string) => dbg.macroAt(n, line);
    assert.deepEqual([...macroCalls(at, 'LOG')], ['fprintf']);
    assert.deepEqual([...macroCalls((n) => dbg.macroAt(n, 0), 'LOG')], [], 'LOG is not defined before the #include');
  });

  const table = MacroTable.from({
    'TRACE(fmt, ...)': 'do { if (0) fprintf(stderr, fmt, __VA_ARGS__); } while (0)',
    'CHECK(x)': 'do { if (!(x)) { hak_panic(#x); abort(); } } while (0)',
    LOGF: 'fprintf',
    'CALL_IT(f)': 'f()',
    'REC(x)': 'REC(x) + helper(x)',
    PING: 'PONG()',
    'PONG()': 'PING + pong_impl()',
    'STAT_INC(c)': 'atomic_fetch_add_explicit(&(c), 1, memory_order_relaxed)',
    'SIZE(x)': 'sizeof(x) + _Alignof(int)',
    'NOP1(...)': '',
    'NOP2(x)': '(void)(x)',
    'NOP3(x)': '((void)sizeof(x))',
    'NOP4()': 'do { } while (0)',
    'NOP5(x)': 'do { (void)(x); } while (0)',
    NOP6: '((void)0)',
    'BUSY(x)': '(void)(x = 1)',
    'BUSY2(x)': '(void)do_work(x)',
    'BUSY3()': 'do { } while (1)',
  });
  const look = (n: string) => table.get(n);

  it('skips dead if (0) code, keeps real calls, and ignores parameters and keywords', () => {
    assert.deepEqual([...macroCalls(look, 'TRACE')], []);
    assert.deepEqual([...macroCalls(look, 'CHECK')].sort(), ['abort', 'hak_panic']);
    assert.deepEqual([...macroCalls(look, 'LOGF')], ['fprintf'], 'an object-like macro used in call position');
    assert.deepEqual([...macroCalls(look, 'CALL_IT')], [], 'the callee is an unknown argument');
    assert.deepEqual([...macroCalls(look, 'REC')].sort(), ['REC', 'helper'], 'self-reference is a real function call');
    assert.deepEqual([...macroCalls(look, 'PING')].sort(), ['pong_impl'], 'mutual recursion terminates');
    assert.deepEqual([...macroCalls(look, 'STAT_INC')], ['atomic_fetch_add_explicit']);
    assert.deepEqual([...macroCalls(look, 'SIZE')], []);
    assert.deepEqual([...macroCalls(look, 'NOT_A_MACRO')], []);
  });

  it('recognises no-op expansions and rejects ones with effects', () => {
    for (const n of ['NOP1', 'NOP2', 'NOP3', 'NOP4', 'NOP5', 'NOP6', 'TRACE']) assert.equal(macroIsNoOp(look, n), true, n);
    for (const n of ['BUSY', 'BUSY2', 'BUSY3', 'CHECK', 'STAT_INC', 'LOGF', 'NOT_A_MACRO']) assert.equal(macroIsNoOp(look, n), false, n);
  });
});

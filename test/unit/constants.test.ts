import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { branchHint, constantArguments, isErrorPath, objectPath, readPaths } from '../../server/src/facts/branches';
import { constantFalse, constantValue, withConstants } from '../../server/src/facts/constant';
import type { MacroDef } from '../../server/src/preproc';
import { parseDefine } from '../../server/src/preproc';

function macros(...defines: string[]): (name: string) => MacroDef | undefined {
  const table = new Map<string, MacroDef>();
  for (const d of defines) {
    const def = parseDefine(d, undefined, 0);
    if ('name' in def) table.set(def.name, def);
  }
  return (name) => table.get(name);
}

describe('runtime conditions: only integer constant expressions decide', () => {
  it('a macro that expands to true (a macro or not) is 1, never 0', () => {
    assert.equal(constantValue('isthreaded', macros('isthreaded true')), 1n);
    assert.equal(constantValue('isthreaded', macros('isthreaded true', 'true 1')), 1n);
    assert.equal(constantValue('!isthreaded', macros('isthreaded true')), 0n);
  });

  it('a macro that expands to a variable decides nothing', () => {
    assert.equal(constantValue('opt_junk', macros('opt_junk junk_enabled')), undefined);
    assert.equal(constantValue('size > 0', macros()), undefined);
    assert.equal(constantValue('sizeof(long) == 8', macros()), undefined);
  });

  it('__builtin_expect has the value of its first argument', () => {
    assert.equal(constantValue('mi_unlikely(0)', macros('mi_unlikely(x) (__builtin_expect(!!(x), false))')), 0n);
  });

  it('0 && getenv() is dead from the getenv on; getenv() && 0 evaluates the getenv', () => {
    const dead = constantFalse('(0 && getenv("X"))', macros());
    assert.ok(dead && dead.deadFrom !== undefined);
    assert.equal('(0 && getenv("X"))'.slice(dead.deadFrom).trim(), '&& getenv("X"))');
    const late = constantFalse('(getenv("X") && 0)', macros());
    assert.ok(late);
    assert.equal('(getenv("X") && 0)'.slice(late.deadFrom), ')');
    assert.equal(constantFalse('(flag && getenv("X"))', macros()), undefined);
  });

  it('static-const config values decide like constants', () => {
    const lookup = withConstants(macros(), new Map([['config_debug', 0n]]));
    assert.ok(constantFalse('(config_debug)', lookup));
    assert.equal(constantFalse('(config_debug || size > 8)', lookup), undefined);
  });
});

describe('branch hints', () => {
  const lookup = macros(
    'mi_unlikely(x) (__builtin_expect(!!(x), false))',
    'mi_likely(x) (__builtin_expect(!!(x), true))',
    'EXPECT_FALSE(x) __builtin_expect((x), 0)',
  );

  it('reads __builtin_expect directly and through macros of any name', () => {
    assert.equal(branchHint('(__builtin_expect(p == NULL, 0))', lookup), 'unlikely');
    assert.equal(branchHint('(mi_unlikely(p == NULL))', lookup), 'unlikely');
    assert.equal(branchHint('(EXPECT_FALSE(p == NULL))', lookup), 'unlikely');
    assert.equal(branchHint('(mi_likely(p != NULL))', lookup), 'likely');
    assert.equal(branchHint('(!mi_likely(p != NULL))', lookup), 'unlikely');
    assert.equal(branchHint('(p == NULL)', lookup), undefined);
  });

  it('an unknown macro named *unlikely counts; && and || combine', () => {
    assert.equal(branchHint('(UNLIKELY(x))', macros()), 'unlikely');
    assert.equal(branchHint('(mi_unlikely(a) && b)', lookup), 'unlikely');
    assert.equal(branchHint('(mi_unlikely(a) || b)', lookup), undefined);
    assert.equal(branchHint('(mi_unlikely(a) || mi_unlikely(b))', lookup), 'unlikely');
  });

  it('an error path reports and leaves', () => {
    assert.equal(isErrorPath('{ errno = ENOMEM; return NULL; }'), true);
    assert.equal(isErrorPath('{ _mi_error_message(EINVAL, "bad"); return; }'), true);
    assert.equal(isErrorPath('{ page = refill(); }'), false);
    assert.equal(isErrorPath('{ return NULL; }'), false);
  });
});

describe('facts for state and constant arguments', () => {
  it('object paths drop indices, address-of and spaces', () => {
    assert.equal(objectPath('&g_stats . frees'), 'g_stats.frees');
    assert.equal(objectPath('g_class_hits[size & 7]'), 'g_class_hits');
    assert.deepEqual(readPaths('(global_huge_cache.committed > limit)'), ['global_huge_cache.committed', 'limit']);
  });

  it('constant arguments are read from the call text', () => {
    assert.deepEqual(constantArguments('arena_get(0, false)', macros()), ['0', '0']);
    assert.deepEqual(constantArguments('arena_get(ind, NO_CREATE)', macros('NO_CREATE false')), [null, '0']);
    assert.equal(constantArguments('arena_get(ind, create)', macros()), undefined);
  });
});

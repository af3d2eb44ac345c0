// hakmem init proposes the project's own guard for messages and the wrap fix.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findGuardMacros, proposeGuard } from '../../server/src/init/guards';

describe('the guard hakmem init proposes', () => {
  it('a release switch opens with #if !NAME', () => {
    const src = '#if !HAKMEM_BUILD_RELEASE\nx\n#endif\n#if !HAKMEM_BUILD_RELEASE\ny\n#endif\n#ifndef NDEBUG\nz\n#endif\n';
    assert.equal(proposeGuard(findGuardMacros([src])), '#if !HAKMEM_BUILD_RELEASE');
  });

  it('a numeric debug level opens with #if NAME, counters get the statistics switch', () => {
    const src = '#if MI_DEBUG > 1\na\n#endif\n#if MI_DEBUG\nb\n#endif\n#if (MI_STAT>1)\nc\n#endif\n#ifdef MI_TRACE\nd\n#endif\n';
    assert.deepEqual(proposeGuard(findGuardMacros([src])), { default: '#if MI_DEBUG', 'hot-path-counter': '#if MI_STAT' });
  });

  it('a debug switch tested with #ifdef opens with #ifdef, and NDEBUG alone with #ifndef', () => {
    assert.equal(
      proposeGuard(findGuardMacros(['#ifdef JEMALLOC_DEBUG\n#endif\n#ifdef JEMALLOC_DEBUG\n#endif\n'])),
      '#ifdef JEMALLOC_DEBUG',
    );
    assert.equal(proposeGuard(findGuardMacros(['#ifndef NDEBUG\n#endif\n'])), '#ifndef NDEBUG');
    assert.equal(proposeGuard(findGuardMacros(['int x;\n'])), '#ifndef NDEBUG');
  });
});

import type { IncrementTargetKind } from '../facts/types';
import { buildPhrase, hotPhrase, type FunctionRule } from './rule';

/** Globals, thread-locals and statics are statistics; fields reached through a pointer are allocator state. */
const COUNTER_KINDS: ReadonlySet<IncrementTargetKind> = new Set(['global', 'thread-local', 'static-local', 'global-field', 'global-stat-array']);

const KIND_WORDS: Record<string, string> = {
  global: 'global counter',
  'thread-local': 'thread-local counter',
  'static-local': 'static counter',
  'global-field': 'field of a global',
  'global-stat-array': 'global statistics array',
};

/** Statistics counters cost a store (or an atomic) per operation in the release build. */
export const hotPathCounter: FunctionRule = {
  code: 'hot-path-counter',
  check(ctx) {
    if (!ctx.hot) return [];
    const hot = ctx.hot;
    return ctx.fn.increments
      .filter((inc) => !inc.dead && COUNTER_KINDS.has(inc.kind))
      .map((inc) => ({
        code: 'hot-path-counter',
        span: inc.span,
        reach: hot,
        message: `statistics update of ${inc.target} (${KIND_WORDS[inc.kind]}) ${hotPhrase(hot)} of ${ctx.fn.name} (${buildPhrase(ctx)}); keep counters out of release builds`,
      }));
  },
};

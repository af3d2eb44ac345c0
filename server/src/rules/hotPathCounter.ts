import { objectPath } from '../facts/branches';
import type { IncrementTargetKind } from '../facts/types';
import { placeFields, placeOf, placePhrase, type FunctionRule } from './rule';

/** Globals, thread-locals and statics are statistics; fields reached through a pointer are allocator state. */
const COUNTER_KINDS: ReadonlySet<IncrementTargetKind> = new Set([
  'global',
  'thread-local',
  'static-local',
  'global-field',
  'global-stat-array',
]);

const KIND_WORDS: Record<string, string> = {
  global: 'global counter',
  'thread-local': 'thread-local counter',
  'static-local': 'static counter',
  'global-field': 'field of a global',
  'global-stat-array': 'global statistics array',
};

/**
 * Statistics counters cost a store (or an atomic) per operation in the release
 * build. A value the hot path itself reads to decide (a budget compared with a
 * limit, a thread count that is tested) is state, not a statistic.
 */
export const hotPathCounter: FunctionRule<'hot-path-counter'> = {
  code: 'hot-path-counter',
  defaultSeverity: 'information',
  description:
    'statistics counters (atomic_fetch_add, __atomic_*, ++ on a global or thread-local) on the hot path in the release build, that the hot path never reads to decide',
  check(ctx) {
    if (!ctx.hot) return [];
    const out = [];
    for (const inc of ctx.fn.increments) {
      if (inc.dead || !COUNTER_KINDS.has(inc.kind) || ctx.hotReads.has(objectPath(inc.target))) continue;
      const place = placeOf(ctx, inc);
      if (!place) continue;
      out.push({
        code: 'hot-path-counter' as const,
        span: inc.span,
        ...placeFields(place),
        message: `statistics update of ${inc.target} (${KIND_WORDS[inc.kind]}) ${placePhrase(ctx, place)}; nothing on the hot path reads it, so keep it out of release builds with ${ctx.guard('hot-path-counter').text}`,
      });
    }
    return out;
  },
};

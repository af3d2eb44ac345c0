import { liveAt } from '../hotpath/graph';
import { calledAs, type FunctionRule } from './rule';

/** libc calls that allocate with malloc internally (stdio buffers, string copies, locale, thread creation). */
const ALLOCATING_LIBC = new Set([
  'malloc',
  'calloc',
  'realloc',
  'reallocarray',
  'free',
  'strdup',
  'strndup',
  'asprintf',
  'vasprintf',
  'fopen',
  'fdopen',
  'freopen',
  'fclose',
  'opendir',
  'getline',
  'getdelim',
  'setenv',
  'putenv',
  'localtime',
  'gmtime',
  'tmpfile',
  'popen',
  'printf',
  'vprintf',
  'puts',
  'scanf',
  'fscanf',
  'sscanf',
  'backtrace',
  'backtrace_symbols',
  'dlopen',
  'dlerror',
  'pthread_create',
  'qsort',
  'open_memstream',
  'strerror',
  'setlocale',
  'atexit',
]);

/** Buffered stdout output allocates its buffer on first use; on the hot path hot-path-io reports it already. */
const STDOUT_OUTPUT = new Set(['printf', 'vprintf', 'puts']);
const MALLOC_FAMILY = new Set(['malloc', 'calloc', 'realloc', 'reallocarray', 'free']);

/** An allocator calling malloc-backed libc re-enters itself (the seeds' realloc → hak_alloc → init → realloc loop). */
export const allocatorReentrancy: FunctionRule<'allocator-reentrancy'> = {
  code: 'allocator-reentrancy',
  defaultSeverity: 'error',
  description: 'allocating libc calls (realloc, strdup, fopen, printf …) inside allocator internals, which recurse into malloc',
  check(ctx) {
    const internal = ctx.internal;
    if (!internal) return [];
    // An entry point may build on its siblings (calloc → malloc); anything deeper that calls them re-enters.
    const isEntryPoint = internal.chain.length === 0;
    const out = [];
    for (const call of ctx.fn.calls) {
      if (call.dead || !liveAt(internal.liveBefore, call.span)) continue;
      const target = call.targets.find(
        (t) => ALLOCATING_LIBC.has(t) && !(isEntryPoint && MALLOC_FAMILY.has(t)) && !(ctx.hot && STDOUT_OUTPUT.has(t)),
      );
      if (!target) continue;
      out.push({
        code: 'allocator-reentrancy' as const,
        span: call.span,
        reach: internal,
        message: `${calledAs(call, target)} allocates through malloc; inside the allocator (${ctx.fn.name}) it re-enters the allocator — use mmap, a static buffer or the allocator's internal API`,
      });
    }
    return out;
  },
};

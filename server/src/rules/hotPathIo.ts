import { buildPhrase, calledAs, callsTo, hotPhrase, type FunctionRule } from './rule';

const STDIO_OUTPUT = new Set([
  'printf', 'fprintf', 'vprintf', 'vfprintf', 'dprintf', 'vdprintf', 'puts', 'fputs', 'fputc', 'putc', 'putchar',
  'fwrite', 'perror', 'fflush', 'syslog', 'vsyslog',
]);

/** Debug output left on a fast path: formatting, locking the stream and a write syscall per call. */
export const hotPathIo: FunctionRule = {
  code: 'hot-path-io',
  check(ctx) {
    if (!ctx.hot) return [];
    const hot = ctx.hot;
    return [...callsTo(ctx.fn, STDIO_OUTPUT)].map(({ call, target }) => ({
      code: 'hot-path-io',
      span: call.span,
      reach: hot,
      message: `${calledAs(call, target)} writes output ${hotPhrase(hot)} of ${ctx.fn.name} (${buildPhrase(ctx)}); guard it with #if !HAKMEM_BUILD_RELEASE or move it to a cold path`,
    }));
  },
};

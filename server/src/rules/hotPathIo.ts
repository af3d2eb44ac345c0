import { hotCallRule } from './callRule';
import type { FunctionRule } from './rule';

const STDIO_OUTPUT = new Set([
  'printf',
  'fprintf',
  'vprintf',
  'vfprintf',
  'dprintf',
  'vdprintf',
  'puts',
  'fputs',
  'fputc',
  'putc',
  'putchar',
  'fwrite',
  'perror',
  'fflush',
  'syslog',
  'vsyslog',
]);

/** Debug output left on a fast path: formatting, locking the stream and a write syscall per call. */
export const hotPathIo: FunctionRule<'hot-path-io'> = hotCallRule(
  {
    code: 'hot-path-io',
    defaultSeverity: 'warning',
    description:
      'printf/fprintf/puts/fwrite/perror/fflush/syslog (directly or through a macro) on the hot path, compiled in the release build',
  },
  STDIO_OUTPUT,
  'writes output',
  (ctx) => `guard it with ${ctx.guard('hot-path-io').text} or move it to a cold path`,
);

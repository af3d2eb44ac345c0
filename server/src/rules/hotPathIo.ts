import { hotCallRule } from './callRule';

const STDIO_OUTPUT = new Set([
  'printf', 'fprintf', 'vprintf', 'vfprintf', 'dprintf', 'vdprintf', 'puts', 'fputs', 'fputc', 'putc', 'putchar',
  'fwrite', 'perror', 'fflush', 'syslog', 'vsyslog',
]);

/** Debug output left on a fast path: formatting, locking the stream and a write syscall per call. */
export const hotPathIo = hotCallRule('hot-path-io', STDIO_OUTPUT, 'writes output', (ctx) => `guard it with ${ctx.guard('hot-path-io').text} or move it to a cold path`);

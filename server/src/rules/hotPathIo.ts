import { hotCallRule } from './callRule';

const STDIO_OUTPUT = new Set([
  'printf', 'fprintf', 'vprintf', 'vfprintf', 'dprintf', 'vdprintf', 'puts', 'fputs', 'fputc', 'putc', 'putchar',
  'fwrite', 'perror', 'fflush', 'syslog', 'vsyslog',
]);

/** Debug output left on a fast path: formatting, locking the stream and a write syscall per call. */
export const hotPathIo = hotCallRule('hot-path-io', STDIO_OUTPUT, 'writes output', 'guard it with #if !HAKMEM_BUILD_RELEASE or move it to a cold path');

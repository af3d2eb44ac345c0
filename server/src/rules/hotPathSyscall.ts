import { buildPhrase, calledAs, callsTo, hotPhrase, type FunctionRule } from './rule';

const SYSCALLS = new Set([
  'mincore', 'mmap', 'mmap64', 'munmap', 'mremap', 'madvise', 'posix_madvise', 'mprotect', 'getrlimit', 'setrlimit',
  'prlimit', 'sched_yield', 'syscall', 'sysconf', 'sbrk', 'brk', 'usleep', 'nanosleep', 'sleep', 'getpid', 'gettid',
]);

/** A kernel round trip per operation (the seeds' mincore on every free). */
export const hotPathSyscall: FunctionRule = {
  code: 'hot-path-syscall',
  check(ctx) {
    if (!ctx.hot) return [];
    const hot = ctx.hot;
    return [...callsTo(ctx.fn, SYSCALLS)].map(({ call, target }) => ({
      code: 'hot-path-syscall',
      span: call.span,
      reach: hot,
      message: `${calledAs(call, target)} enters the kernel ${hotPhrase(hot)} of ${ctx.fn.name} (${buildPhrase(ctx)}); batch it or move it to a function marked __attribute__((cold))`,
    }));
  },
};

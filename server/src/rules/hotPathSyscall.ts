import { hotCallRule } from './callRule';

const SYSCALLS = new Set([
  'mincore', 'mmap', 'mmap64', 'munmap', 'mremap', 'madvise', 'posix_madvise', 'mprotect', 'getrlimit', 'setrlimit',
  'prlimit', 'sched_yield', 'syscall', 'sysconf', 'sbrk', 'brk', 'usleep', 'nanosleep', 'sleep', 'getpid', 'gettid',
]);

/** A kernel round trip per operation (the seeds' mincore on every free). */
export const hotPathSyscall = hotCallRule('hot-path-syscall', SYSCALLS, 'enters the kernel', 'batch it or move it to a function marked __attribute__((cold))');

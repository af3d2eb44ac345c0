import { hotCallRule } from './callRule';
import type { FunctionRule } from './rule';

/** OS calls an allocator makes: mapping, advice, protection, limits, scheduling, memory policy, randomness. */
const SYSCALLS = new Set([
  'mincore',
  'mmap',
  'mmap64',
  'munmap',
  'mremap',
  'madvise',
  'posix_madvise',
  'process_madvise',
  'mprotect',
  'pkey_mprotect',
  'mlock',
  'mlock2',
  'munlock',
  'mlockall',
  'munlockall',
  'msync',
  'remap_file_pages',
  'membarrier',
  'prctl',
  'set_mempolicy',
  'get_mempolicy',
  'mbind',
  'move_pages',
  'getrandom',
  'getentropy',
  'getrlimit',
  'setrlimit',
  'prlimit',
  'getrusage',
  'sched_yield',
  'sched_getaffinity',
  'sched_setaffinity',
  'syscall',
  'sysconf',
  'sbrk',
  'brk',
  'usleep',
  'nanosleep',
  'sleep',
  'getpid',
  'gettid',
  'sigprocmask',
  'pthread_sigmask',
]);

/** A kernel round trip per operation (the seeds' mincore on every free); on a refill or purge path it is expected. */
export const hotPathSyscall: FunctionRule<'hot-path-syscall'> = hotCallRule(
  {
    code: 'hot-path-syscall',
    defaultSeverity: 'warning',
    description:
      'syscalls such as mincore, mmap, munmap, madvise, mprotect, prctl, getrlimit, sched_yield on the hot path (information when only its slow path reaches them)',
  },
  SYSCALLS,
  'enters the kernel',
  (_ctx, fastPath) =>
    fastPath
      ? 'batch it or move it to a function marked __attribute__((cold))'
      : 'fine while that branch is rare; batch it if it is taken often',
  { slowPathCap: 'information' },
);

import type { RuleCode } from './codes';

/** One line per rule, for SARIF rule metadata, hovers and the README. */
export const RULE_DESCRIPTIONS: Record<RuleCode, string> = {
  'hot-path-io': 'printf/fprintf/puts/fwrite/perror/fflush/syslog (directly or through a macro) on the hot path, compiled in the release build',
  'hot-path-getenv': 'getenv/secure_getenv on the hot path that is not a cached one-time read',
  'hot-path-lock': 'blocking locks (pthread_mutex_lock, pthread_rwlock_*lock, sem_wait …) on the hot path',
  'hot-path-syscall': 'syscalls such as mincore, mmap, munmap, madvise, mprotect, prctl, getrlimit, sched_yield on the hot path (information when only its slow path reaches them)',
  'hot-path-counter': 'statistics counters (atomic_fetch_add, __atomic_*, ++ on a global or thread-local) on the hot path in the release build, that the hot path never reads to decide',
  'user-base-mismatch': 'a USER pointer where a BASE pointer is expected, or the reverse',
  'double-conversion': 'BASE→USER (or USER→BASE) applied to a pointer already of the target kind',
  'raw-next-access': 'freelist links read or written with *(void**)p outside the designated link API',
  'allocator-reentrancy': 'allocating libc calls (realloc, strdup, fopen, printf …) inside allocator internals, which recurse into malloc',
};

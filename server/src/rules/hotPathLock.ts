import { hotCallRule } from './callRule';
import type { FunctionRule } from './rule';

const BLOCKING_LOCKS = new Set([
  'pthread_mutex_lock',
  'pthread_mutex_timedlock',
  'pthread_mutex_clocklock',
  'pthread_rwlock_rdlock',
  'pthread_rwlock_wrlock',
  'pthread_rwlock_timedrdlock',
  'pthread_rwlock_timedwrlock',
  'pthread_rwlock_clockrdlock',
  'pthread_rwlock_clockwrlock',
  'pthread_cond_wait',
  'pthread_cond_timedwait',
  'pthread_cond_clockwait',
  'sem_wait',
  'sem_timedwait',
  'sem_clockwait',
  'mtx_lock',
  'mtx_timedlock',
  'cnd_wait',
  'flock',
  'lockf',
]);

/** A blocking lock serialises every thread through the fast path (the seeds' pool mutex). */
export const hotPathLock: FunctionRule<'hot-path-lock'> = hotCallRule(
  {
    code: 'hot-path-lock',
    defaultSeverity: 'warning',
    description: 'blocking locks (pthread_mutex_lock, pthread_rwlock_*lock, sem_wait …) on the hot path',
  },
  BLOCKING_LOCKS,
  'blocks',
  'use per-thread caches or lock-free structures, or move the locked part to a cold slow path',
);

/*
 * hakmem_cache: mappings kept for reuse instead of being returned to the OS
 * at once. Two process-wide caches share one lock:
 *  - empty page segments (HAK_KIND_SMALL, no owner, every slice free);
 *  - freed large blocks' mappings (HAK_KIND_HUGE), reused for the next large
 *    request that fits their reservation (best fit).
 *
 * Purge delay: a cached mapping keeps its memory resident for
 * HAKMEM_PURGE_DELAY milliseconds, so a free followed soon by an allocation
 * of a similar size costs no system call and no page fault. After the delay
 * its memory is dropped with madvise(MADV_DONTNEED) (the mapping stays, so
 * reuse still costs no mmap). The delay is checked lazily, by time, on the
 * cold paths that already take the cache lock (segment acquire/release,
 * large alloc/free) and by hak_thread_flush: no background thread.
 * A cache that is full evicts (unmaps) its least useful entry.
 */
#ifndef HAKMEM_CACHE_H
#define HAKMEM_CACHE_H

#include "hakmem_internal.h"

/* An empty segment to reuse, or NULL. Its memory may or may not be resident. */
HAK_INTERNAL hak_segment_t *hak_cache_take_segment(void) HAK_COLD;

/* Caches an empty, ownerless segment. Returns what the caller must unmap
 * (munmap(ret->map_base, ret->map_size)): NULL, `seg` itself when caching
 * is off, or an evicted entry. */
HAK_INTERNAL hak_segment_t *hak_cache_put_segment(hak_segment_t *seg) HAK_COLD;

/* A freed large mapping whose reservation holds `length` bytes from its
 * map_base (best fit), or NULL. The caller sets it up as a new block. */
HAK_INTERNAL hak_segment_t *hak_cache_take_huge(size_t length) HAK_COLD;

/* The cached large mapping with the largest reservation, or NULL: what a
 * request that fits none is best served from, by moving its pages (mremap)
 * onto a larger reservation. */
HAK_INTERNAL hak_segment_t *hak_cache_take_largest_huge(void) HAK_COLD;

/* Caches a freed large block's mapping; same return contract as
 * hak_cache_put_segment. */
HAK_INTERNAL hak_segment_t *hak_cache_put_huge(hak_segment_t *seg) HAK_COLD;

/* Drops the memory of entries cached longer than the purge delay. */
HAK_INTERNAL void hak_cache_purge_expired(void) HAK_COLD;

/* Drops the resident tail of a large mapping beyond `keep` bytes from its
 * map_base, keeping the mapping, unless the tail is too small to be worth a
 * system call or fits the slack budget: the resident tails of all live
 * large blocks may add up to half their live bytes (a tail kept saves the
 * page faults of the next, larger block that reuses the mapping). Updates
 * seg->dirty_size. */
HAK_INTERNAL void hak_huge_trim(hak_segment_t *seg, size_t keep) HAK_COLD;

/* Adds (live) or removes (!live) a large block's bytes and resident tail
 * to the totals the slack budget is computed from; called once a block is set
 * up, and before its free or a change of its sizes. */
HAK_INTERNAL void hak_huge_account(const hak_segment_t *seg, bool live);

/* Monotonic milliseconds (vDSO clock: no system call). */
HAK_INTERNAL uint64_t hak_now_ms(void);

HAK_INTERNAL void hak_cache_fork_prepare(void);
HAK_INTERNAL void hak_cache_fork_parent(void);
HAK_INTERNAL void hak_cache_fork_child(void);

#if HAK_ASSERT_ON
/* Every cached entry is of its cache's kind, ownerless, and counted. */
HAK_INTERNAL bool hak_cache_is_valid(void);
#endif

#endif /* HAKMEM_CACHE_H */

/*
 * Caches of empty segments and freed large mappings, with a purge delay
 * (see hakmem_cache.h). Entries live in two small arrays, oldest first, so
 * nothing here allocates. Everything runs under hak_cache_lock on cold
 * paths; madvise runs under it too (other threads wanting the cache wait,
 * the fast paths never come here).
 *
 * Invariants (hak_cache_is_valid checks them):
 *  - a cached segment is HAK_KIND_SMALL, has no owner (heap == NULL) and no
 *    page in use; a cached large mapping is HAK_KIND_HUGE with its header
 *    marked freed; neither is on any heap's list (next == prev == NULL);
 *  - cached_at is the time an entry entered the cache, never in the future;
 *  - dirty_size (bytes from map_base that may be resident) is at least the
 *    first OS page (the header, always kept) and at most map_size;
 *  - counts never exceed HAK_CACHE_MAX nor the configured limits.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <pthread.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "hakmem_cache.h"

/* Hard bound of each cache (the settings may ask for fewer). */
#define HAK_CACHE_MAX 64
/* A resident tail smaller than this is not worth a madvise. */
#define HAK_TRIM_MIN ((size_t)1 << 20)
/* The resident tails of live large blocks may add up to 1/HAK_SLACK_SHARE
 * of their live bytes (see hak_huge_trim). */
#define HAK_SLACK_SHARE 2
/* Cached large mappings may keep at most this many bytes resident before
 * the delay runs out; beyond it the oldest are purged at once, so a burst of
 * frees cannot raise the peak RSS without bound. */
#define HAK_HUGE_RESIDENT_MAX ((size_t)64 << 20)

static pthread_mutex_t hak_cache_lock = PTHREAD_MUTEX_INITIALIZER;
static hak_segment_t *hak_seg_cache[HAK_CACHE_MAX]; /* oldest first */
static size_t hak_seg_count;
static hak_segment_t *hak_huge_cache[HAK_CACHE_MAX]; /* oldest first */
static size_t hak_huge_count;

uint64_t hak_now_ms(void) {
  struct timespec ts;
  /* CLOCK_MONOTONIC_COARSE is read from the vDSO: no system call. */
  clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
  return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static size_t limit(size_t wanted) { return wanted < HAK_CACHE_MAX ? wanted : HAK_CACHE_MAX; }

/* Drops an entry's memory but its first OS page (the segment header). */
static void purge(hak_segment_t *seg) {
  size_t page = hak_os_page_size();
  HAK_ASSERT(seg->dirty_size >= page && seg->dirty_size <= seg->map_size);
  if (seg->dirty_size > page && hak_settings.purge) {
    madvise(seg->map_base + page, seg->dirty_size - page, MADV_DONTNEED);
    seg->dirty_size = page;
  }
}

static void remove_at(hak_segment_t **array, size_t *count, size_t index) {
  HAK_ASSERT(index < *count);
  memmove(&array[index], &array[index + 1], (*count - index - 1) * sizeof array[0]);
  (*count)--;
}

static void purge_expired_locked(uint64_t now) {
  uint64_t delay = hak_settings.purge_delay_ms;
  for (size_t i = 0; i < hak_seg_count; i++)
    if (now - hak_seg_cache[i]->cached_at >= delay) purge(hak_seg_cache[i]);
  size_t resident = 0;
  for (size_t i = hak_huge_count; i-- > 0;) { /* newest first: the oldest go over the bound */
    hak_segment_t *seg = hak_huge_cache[i];
    if (now - seg->cached_at >= delay || resident + seg->dirty_size > HAK_HUGE_RESIDENT_MAX) purge(seg);
    resident += seg->dirty_size;
  }
}

HAK_COLD void hak_cache_purge_expired(void) {
  uint64_t now = hak_now_ms();
  pthread_mutex_lock(&hak_cache_lock);
  purge_expired_locked(now);
  pthread_mutex_unlock(&hak_cache_lock);
}

HAK_COLD hak_segment_t *hak_cache_take_segment(void) {
  uint64_t now = hak_now_ms();
  pthread_mutex_lock(&hak_cache_lock);
  purge_expired_locked(now);
  hak_segment_t *seg = NULL;
  if (hak_seg_count > 0) seg = hak_seg_cache[--hak_seg_count]; /* the newest: most likely resident */
  pthread_mutex_unlock(&hak_cache_lock);
  /* A cached segment is empty and has no owner (hak_cache_put_segment). */
  HAK_ASSERT(seg == NULL || (seg->kind == HAK_KIND_SMALL && seg->pages_used == 0 && seg->heap == NULL));
  return seg;
}

/* Puts `seg` at the end (newest) of `array`; when full, the entry chosen by
 * `evict_smallest` (smallest reservation) or the oldest is returned to be
 * unmapped. A limit of 0 turns the cache off: `seg` itself is returned. */
static hak_segment_t *put_locked(hak_segment_t **array, size_t *count, size_t max, hak_segment_t *seg,
                                 bool evict_smallest) {
  if (max == 0) return seg;
  hak_segment_t *victim = NULL;
  if (*count >= max) {
    size_t index = 0;
    if (evict_smallest)
      for (size_t i = 1; i < *count; i++)
        if (array[i]->map_size < array[index]->map_size) index = i;
    victim = array[index];
    if (evict_smallest && victim->map_size > seg->map_size) return seg; /* the newcomer is the least useful */
    remove_at(array, count, index);
  }
  array[(*count)++] = seg;
  /* Counts stay within the configured limit and the arrays. */
  HAK_ASSERT(*count <= max && *count <= HAK_CACHE_MAX);
  return victim;
}

HAK_COLD hak_segment_t *hak_cache_put_segment(hak_segment_t *seg) {
  /* Only empty page segments come here: every page freed, unlinked from its heap. */
  HAK_ASSERT(seg->kind == HAK_KIND_SMALL && seg->pages_used == 0 && seg->free_slices == ~(uint64_t)1);
  HAK_ASSERT(seg->next == NULL && seg->prev == NULL);
  uint64_t now = hak_now_ms();
  seg->heap = NULL;
  seg->cached_at = now;
  seg->dirty_size = seg->map_size; /* its pages may all have been touched */
  pthread_mutex_lock(&hak_cache_lock);
  purge_expired_locked(now);
  hak_segment_t *out = put_locked(hak_seg_cache, &hak_seg_count, limit(hak_settings.segment_cache), seg, false);
  if (hak_settings.purge_delay_ms == 0 && out != seg) purge(seg);
  pthread_mutex_unlock(&hak_cache_lock);
  return out;
}

HAK_COLD hak_segment_t *hak_cache_take_huge(size_t length) {
  uint64_t now = hak_now_ms();
  pthread_mutex_lock(&hak_cache_lock);
  purge_expired_locked(now);
  /* Among the mappings that fit, the one whose resident memory covers most
   * of the request (fewest page faults), then the smallest reservation. */
  size_t best = HAK_CACHE_MAX, best_faults = 0;
  for (size_t i = hak_huge_count; i-- > 0;) { /* newest first among equals */
    hak_segment_t *seg = hak_huge_cache[i];
    if (seg->map_size < length) continue;
    size_t faults = length > seg->dirty_size ? length - seg->dirty_size : 0;
    if (best == HAK_CACHE_MAX || faults < best_faults ||
        (faults == best_faults && seg->map_size < hak_huge_cache[best]->map_size)) {
      best = i;
      best_faults = faults;
    }
  }
  hak_segment_t *seg = NULL;
  if (best != HAK_CACHE_MAX) {
    seg = hak_huge_cache[best];
    remove_at(hak_huge_cache, &hak_huge_count, best);
  }
  pthread_mutex_unlock(&hak_cache_lock);
  HAK_ASSERT(seg == NULL || (seg->kind == HAK_KIND_HUGE && seg->map_size >= length));
  return seg;
}

HAK_COLD hak_segment_t *hak_cache_take_largest_huge(void) {
  pthread_mutex_lock(&hak_cache_lock);
  size_t best = HAK_CACHE_MAX;
  for (size_t i = 0; i < hak_huge_count; i++)
    if (best == HAK_CACHE_MAX || hak_huge_cache[i]->map_size > hak_huge_cache[best]->map_size) best = i;
  hak_segment_t *seg = NULL;
  if (best != HAK_CACHE_MAX) {
    seg = hak_huge_cache[best];
    remove_at(hak_huge_cache, &hak_huge_count, best);
  }
  pthread_mutex_unlock(&hak_cache_lock);
  HAK_ASSERT(seg == NULL || seg->kind == HAK_KIND_HUGE);
  return seg;
}

HAK_COLD hak_segment_t *hak_cache_put_huge(hak_segment_t *seg) {
  HAK_ASSERT(seg->kind == HAK_KIND_HUGE && seg->map_base == (char *)seg);
  HAK_ASSERT(seg->dirty_size >= hak_os_page_size() && seg->dirty_size <= seg->map_size);
  uint64_t now = hak_now_ms();
  seg->cached_at = now;
  seg->next = seg->prev = NULL;
  pthread_mutex_lock(&hak_cache_lock);
  hak_segment_t *out = put_locked(hak_huge_cache, &hak_huge_count, limit(hak_settings.huge_cache), seg, true);
  if (hak_settings.purge_delay_ms == 0 && out != seg) purge(seg);
  purge_expired_locked(now);
  pthread_mutex_unlock(&hak_cache_lock);
  return out;
}

/* Bytes handed out in live large blocks, and their resident tails beyond
 * that (dirty_size - used_size), for the slack budget of hak_huge_trim. */
static _Atomic size_t hak_huge_live, hak_huge_slack;

void hak_huge_account(const hak_segment_t *seg, bool live) {
  /* A block never uses more than it may have touched. */
  HAK_ASSERT(seg->dirty_size >= seg->used_size || seg->used_size - seg->dirty_size < hak_os_page_size());
  size_t slack = seg->dirty_size > seg->used_size ? seg->dirty_size - seg->used_size : 0;
  if (live) {
    atomic_fetch_add_explicit(&hak_huge_live, seg->used_size, memory_order_relaxed);
    atomic_fetch_add_explicit(&hak_huge_slack, slack, memory_order_relaxed);
  } else {
    atomic_fetch_sub_explicit(&hak_huge_live, seg->used_size, memory_order_relaxed);
    atomic_fetch_sub_explicit(&hak_huge_slack, slack, memory_order_relaxed);
  }
}

HAK_COLD void hak_huge_trim(hak_segment_t *seg, size_t keep) {
  size_t page = hak_os_page_size();
  keep = (keep + page - 1) & ~(page - 1);
  /* Never drop the header page; nothing beyond the mapping is resident. */
  HAK_ASSERT(keep >= page && seg->dirty_size <= seg->map_size);
  if (seg->dirty_size <= keep) return;
  size_t tail = seg->dirty_size - keep;
  size_t budget = (atomic_load_explicit(&hak_huge_live, memory_order_relaxed) + keep) / HAK_SLACK_SHARE;
  if (atomic_load_explicit(&hak_huge_slack, memory_order_relaxed) + tail <= budget) return; /* worth keeping */
  if (tail >= HAK_TRIM_MIN && hak_settings.purge) {
    madvise(seg->map_base + keep, seg->dirty_size - keep, MADV_DONTNEED);
    seg->dirty_size = keep;
  }
}

HAK_COLD void hak_cache_fork_prepare(void) { pthread_mutex_lock(&hak_cache_lock); }
HAK_COLD void hak_cache_fork_parent(void) { pthread_mutex_unlock(&hak_cache_lock); }
HAK_COLD void hak_cache_fork_child(void) { pthread_mutex_init(&hak_cache_lock, NULL); }

#if HAK_ASSERT_ON
static bool cache_invalid(const char *line) {
  ssize_t ignored = write(2, line, strlen(line));
  (void)ignored;
  return false;
}

bool hak_cache_is_valid(void) {
  bool valid = true;
  uint64_t now = hak_now_ms();
  size_t page = hak_os_page_size();
  pthread_mutex_lock(&hak_cache_lock);
  if (hak_seg_count > HAK_CACHE_MAX || hak_huge_count > HAK_CACHE_MAX)
    valid = cache_invalid("hakmem: invalid cache: count beyond its bound\n");
  for (size_t i = 0; valid && i < hak_seg_count; i++) {
    const hak_segment_t *seg = hak_seg_cache[i];
    if (seg->kind != HAK_KIND_SMALL || seg->heap != NULL || seg->pages_used != 0 || seg->next != NULL)
      valid = cache_invalid("hakmem: invalid cache: a cached segment is owned, in use or linked\n");
    else if (seg->cached_at > now || seg->dirty_size < page || seg->dirty_size > seg->map_size)
      valid = cache_invalid("hakmem: invalid cache: a cached segment's time or resident size is wrong\n");
  }
  for (size_t i = 0; valid && i < hak_huge_count; i++) {
    const hak_segment_t *seg = hak_huge_cache[i];
    if (seg->kind != HAK_KIND_HUGE || seg->map_base != (const char *)seg || seg->next != NULL)
      valid = cache_invalid("hakmem: invalid cache: a cached large mapping is of another kind or linked\n");
    else if (seg->cached_at > now || seg->dirty_size < page || seg->dirty_size > seg->map_size)
      valid = cache_invalid("hakmem: invalid cache: a cached large mapping's time or resident size is wrong\n");
  }
  pthread_mutex_unlock(&hak_cache_lock);
  return valid;
}
#endif

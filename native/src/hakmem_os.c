/*
 * Memory from the OS: segments (mapped aligned to HAK_SEG_SIZE, cached when
 * empty), large blocks with their own mapping, and heap structures. Every
 * function that maps, unmaps or locks is cold: the fast paths reach here only
 * when a heap needs a fresh segment or a block is too large for the pools.
 *
 * A large block's mapping: [segment header ... BASE | header | USER ...]
 * with the segment header at hak_seg_of(USER), so free() finds it with the
 * same O(1) rounding as for small blocks.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "hakmem_internal.h"

/* Bytes before a large block's BASE: the fields of hak_segment_t a large
 * segment uses (kind .. map_base), rounded to 64. */
#define HAK_HUGE_PREFIX ((size_t)64)
/* Larger sizes or alignments fail with ENOMEM: they cannot fit the 48-bit
 * address space (and the bounds keep the size arithmetic from overflowing). */
#define HAK_HUGE_MAX_SIZE ((size_t)1 << 46)
#define HAK_HUGE_MAX_ALIGN ((size_t)1 << 40)
_Static_assert(offsetof(hak_segment_t, free_slices) <= HAK_HUGE_PREFIX, "large prefix holds the used fields");

static pthread_mutex_t hak_os_lock = PTHREAD_MUTEX_INITIALIZER;
static hak_segment_t *hak_segment_cache; /* empty segments, linked by next */
static size_t hak_segment_cache_count;
static char *hak_heap_chunk;             /* unused tail of the last heap chunk */
static size_t hak_heap_chunk_left;

static size_t round_up(size_t n, size_t to) { return (n + to - 1) & ~(to - 1); }

/* Used only if sysconf cannot tell (it always can on Linux). */
#define HAK_OS_PAGE_DEFAULT ((size_t)4096)
/* Heap structures are carved from chunks of this size. */
#define HAK_HEAP_CHUNK ((size_t)64 << 10)

/* The OS page size, 0 until queried: at start (hak_os_init), or by the
 * first large block if one is allocated before start-up ran. */
static _Atomic size_t hak_os_page;

static size_t os_page_query(void) {
  long page = sysconf(_SC_PAGESIZE);
  /* The layout needs a power of two that divides a slice (see HAK_OS_PAGE_MAX). */
  HAK_ASSERT(page > 0 && ((size_t)page & ((size_t)page - 1)) == 0 && (size_t)page <= HAK_OS_PAGE_MAX);
  size_t size = page > 0 ? (size_t)page : HAK_OS_PAGE_DEFAULT;
  atomic_store_explicit(&hak_os_page, size, memory_order_relaxed);
  return size;
}

size_t hak_os_page_size(void) {
  size_t page = atomic_load_explicit(&hak_os_page, memory_order_relaxed);
  return HAK_LIKELY(page != 0) ? page : os_page_query();
}

HAK_COLD void hak_os_init(void) { (void)os_page_query(); }

static void *os_map(size_t size) {
  void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  return p == MAP_FAILED ? NULL : p;
}

/* Maps `size` bytes at an address that is a multiple of `align` (both
 * multiples of the OS page); the slack around it is unmapped. */
static char *os_map_aligned(size_t size, size_t align) {
  char *raw = os_map(size + align);
  if (raw == NULL) return NULL;
  char *start = (char *)round_up((uintptr_t)raw, align);
  if (start > raw) munmap(raw, (size_t)(start - raw));
  size_t tail = (size_t)((raw + size + align) - (start + size));
  if (tail > 0) munmap(start + size, tail);
  return start;
}

HAK_COLD hak_segment_t *hak_segment_acquire(hak_heap_t *heap) {
  pthread_mutex_lock(&hak_os_lock);
  hak_segment_t *seg = hak_segment_cache;
  if (seg != NULL) {
    hak_segment_cache = seg->next;
    hak_segment_cache_count--;
  }
  pthread_mutex_unlock(&hak_os_lock);
  if (seg == NULL) {
    /* Parked heaps may hold empty segments: recycle before mapping more. */
    hak_pool_collect();
    pthread_mutex_lock(&hak_os_lock);
    seg = hak_segment_cache;
    if (seg != NULL) {
      hak_segment_cache = seg->next;
      hak_segment_cache_count--;
    }
    pthread_mutex_unlock(&hak_os_lock);
  }
  if (seg == NULL) {
    seg = (hak_segment_t *)os_map_aligned(HAK_SEG_SIZE, HAK_SEG_SIZE);
    if (seg == NULL) return NULL;
    HAK_DEBUG_SEGMAP_SET(seg, true);
  } else {
    /* A cached segment is empty and has no owner (hak_segment_release). */
    HAK_ASSERT(seg->kind == HAK_KIND_SMALL && seg->pages_used == 0 && seg->heap == NULL);
  }
  /* Segments are HAK_SEG_SIZE-aligned: hak_seg_of finds them by rounding. */
  HAK_ASSERT(((uintptr_t)seg & HAK_SEG_MASK) == 0);
  seg->kind = HAK_KIND_SMALL;
  seg->pages_used = 0;
  seg->heap = heap;
  seg->map_size = HAK_SEG_SIZE;
  seg->map_base = (char *)seg;
  seg->free_slices = ~(uint64_t)1; /* every slice but the header's */
  seg->next = seg->prev = NULL;
  for (unsigned i = 0; i < HAK_SLICES; i++) seg->pages[i].kind = 0;
  return seg;
}

/* An empty segment goes to the process cache, or back to the OS when the
 * cache is full (HAKMEM_SEGMENT_CACHE), so a steady-state loop stays bounded. */
HAK_COLD void hak_segment_release(hak_segment_t *seg) {
  /* Only empty page segments come here: every page freed, unlinked from its heap. */
  HAK_ASSERT(seg->kind == HAK_KIND_SMALL && seg->pages_used == 0 && seg->free_slices == ~(uint64_t)1);
  HAK_ASSERT(seg->next == NULL && seg->prev == NULL);
  pthread_mutex_lock(&hak_os_lock);
  if (hak_segment_cache_count < hak_settings.segment_cache) {
    /* Cached segments keep their mapping but not their memory. */
    if (hak_settings.purge) madvise((char *)seg + HAK_SLICE_SIZE, HAK_SEG_SIZE - HAK_SLICE_SIZE, MADV_DONTNEED);
    seg->heap = NULL;
    seg->next = hak_segment_cache;
    hak_segment_cache = seg;
    hak_segment_cache_count++;
    seg = NULL;
  }
  pthread_mutex_unlock(&hak_os_lock);
  if (seg != NULL) {
    HAK_DEBUG_SEGMAP_SET(seg, false);
    munmap(seg, HAK_SEG_SIZE);
  }
}

HAK_COLD void *hak_huge_alloc(size_t size, size_t alignment, bool zero) {
  (void)zero; /* fresh mappings are zero-filled */
  if (alignment < HAK_ALIGN) alignment = HAK_ALIGN;
  if (size > HAK_HUGE_MAX_SIZE || alignment > HAK_HUGE_MAX_ALIGN) {
    errno = ENOMEM;
    return NULL;
  }
  char *seg;
  char *user;
  size_t length;
  if (alignment < HAK_SEG_SIZE) {
    /* Segment-aligned mapping; USER right after prefix + header. */
    size_t offset = round_up(HAK_HUGE_PREFIX + HAK_HEADER_SIZE, alignment);
    length = round_up(offset + size, hak_os_page_size());
    seg = os_map_aligned(length, HAK_SEG_SIZE);
    if (seg == NULL) goto oom;
    user = seg + offset;
  } else {
    /* USER is itself segment-aligned: the segment header goes one segment
     * below it (hak_seg_of rounds USER - 1 down). */
    size_t body = round_up(size, hak_os_page_size());
    size_t raw_length = alignment + HAK_SEG_SIZE + body;
    char *raw = os_map(raw_length);
    if (raw == NULL) goto oom;
    user = (char *)round_up((uintptr_t)raw + HAK_SEG_SIZE, alignment);
    seg = user - HAK_SEG_SIZE;
    length = HAK_SEG_SIZE + body;
    if (seg > raw) munmap(raw, (size_t)(seg - raw));
    if (raw + raw_length > seg + length) munmap(seg + length, (size_t)((raw + raw_length) - (seg + length)));
  }
  hak_segment_t *s = (hak_segment_t *)seg;
  s->kind = HAK_KIND_HUGE;
  s->pages_used = 0;
  s->heap = NULL;
  s->map_size = length;
  s->map_base = seg;
  hak_base_t base = hak_user_to_base(hak_user_from(user));
  hak_header_t *hdr = hak_base_header(base);
  hdr->kind = HAK_KIND_HUGE;
  hdr->cls = 0;
  hdr->check = HAK_HDR_LIVE ^ (uint64_t)(uintptr_t)hdr;
  /* USER has the alignment asked for, and free finds the segment header
   * with the same O(1) rounding as for pages. */
  HAK_ASSERT(((uintptr_t)user & (alignment - 1)) == 0 && hak_seg_of(user) == s);
  HAK_DEBUG_SEGMAP_SET(seg, true);
  return user;
oom:
  errno = ENOMEM;
  return NULL;
}

HAK_COLD void hak_huge_free(hak_segment_t *seg, hak_user_t user) {
  (void)user;
  /* A large block has a segment of its own, of kind HAK_KIND_HUGE. */
  HAK_ASSERT(seg->kind == HAK_KIND_HUGE && hak_seg_of(hak_user_ptr(user)) == seg);
  HAK_DEBUG_SEGMAP_SET(seg, false);
  munmap(seg->map_base, seg->map_size);
}

size_t hak_huge_usable(hak_segment_t *seg, hak_user_t user) {
  HAK_ASSERT(seg->kind == HAK_KIND_HUGE && (char *)hak_user_ptr(user) < seg->map_base + seg->map_size);
  return (size_t)((seg->map_base + seg->map_size) - (char *)hak_user_ptr(user));
}

/* Grows in place when the pages after the mapping are free (mremap without
 * moving keeps the segment alignment), otherwise moves the data. */
HAK_COLD void *hak_huge_realloc(hak_segment_t *seg, hak_user_t user, size_t size) {
  char *p = hak_user_ptr(user);
  HAK_ASSERT(seg->kind == HAK_KIND_HUGE && hak_seg_of(p) == seg);
  size_t usable = hak_huge_usable(seg, user);
  if (size <= usable) {
    size_t keep = round_up((size_t)(p - seg->map_base) + size, hak_os_page_size());
    if (usable >= 2 * size && keep < seg->map_size) { /* give back the unused tail */
      munmap(seg->map_base + keep, seg->map_size - keep);
      seg->map_size = keep;
    }
    return p;
  }
  if (size > HAK_HUGE_MAX_SIZE) {
    errno = ENOMEM;
    return NULL;
  }
  size_t grown = round_up((size_t)(p - seg->map_base) + size, hak_os_page_size());
  if (mremap(seg->map_base, seg->map_size, grown, 0) != MAP_FAILED) {
    seg->map_size = grown;
    return p;
  }
  void *q = hak_huge_alloc(size + size / 4, HAK_ALIGN, false); /* headroom for repeated growth */
  if (q == NULL) return NULL;
  memcpy(q, p, usable);
  hak_huge_free(seg, user);
  return q;
}

/* Heap structures come from 64 KiB chunks and are never unmapped (a remote
 * free may push onto any heap at any time). */
HAK_COLD hak_heap_t *hak_heap_map(void) {
  size_t need = round_up(sizeof(hak_heap_t), 64);
  pthread_mutex_lock(&hak_os_lock);
  if (hak_heap_chunk_left < need) {
    size_t chunk = round_up(need * 16, HAK_HEAP_CHUNK);
    hak_heap_chunk = os_map(chunk);
    hak_heap_chunk_left = hak_heap_chunk != NULL ? chunk : 0;
  }
  hak_heap_t *heap = NULL;
  if (hak_heap_chunk_left >= need) {
    heap = (hak_heap_t *)hak_heap_chunk;
    hak_heap_chunk += need;
    hak_heap_chunk_left -= need;
  }
  /* Heaps are cache-line aligned: chunks are page-aligned, each heap takes a multiple of 64 bytes. */
  HAK_ASSERT(((uintptr_t)heap & 63) == 0);
  pthread_mutex_unlock(&hak_os_lock);
  return heap;
}

HAK_COLD void hak_os_fork_prepare(void) { pthread_mutex_lock(&hak_os_lock); }
HAK_COLD void hak_os_fork_parent(void) { pthread_mutex_unlock(&hak_os_lock); }
HAK_COLD void hak_os_fork_child(void) { pthread_mutex_init(&hak_os_lock, NULL); }

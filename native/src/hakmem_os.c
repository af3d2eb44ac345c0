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

#include "hakmem_cache.h"
#include "hakmem_internal.h"

/* Bytes before a large block's BASE: the fields of hak_segment_t a large
 * segment uses (kind .. cached_at), rounded to 64. */
#define HAK_HUGE_PREFIX ((size_t)128)
/* Larger sizes or alignments fail with ENOMEM: they cannot fit the 48-bit
 * address space (and the bounds keep the size arithmetic from overflowing). */
#define HAK_HUGE_MAX_SIZE ((size_t)1 << 46)
#define HAK_HUGE_MAX_ALIGN ((size_t)1 << 40)
_Static_assert(sizeof(((hak_segment_t *)0)->cached_at) + offsetof(hak_segment_t, cached_at) <= HAK_HUGE_PREFIX, "large prefix holds the used fields");

static pthread_mutex_t hak_os_lock = PTHREAD_MUTEX_INITIALIZER;
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

/* Where the next aligned mapping is asked for: a region of its own, from
 * 2 TiB up (far from the heap near the program and from the libraries and
 * thread stacks the kernel places top-down), so a hint the kernel honours
 * gives an aligned mapping in one mmap instead of mmap + two munmaps. The
 * start is shifted by a few segments taken from this library's ASLR offset.
 * 0 until the first aligned mapping; then the end of the last one. */
#define HAK_HINT_BASE ((uintptr_t)2 << 40)
#define HAK_HINT_LIMIT ((uintptr_t)64 << 40)
static _Atomic uintptr_t hak_os_hint;

/* Claims [hint, hint + size) of the hint region; 0 when it is used up. */
static uintptr_t hint_claim(size_t size) {
  uintptr_t hint = atomic_load_explicit(&hak_os_hint, memory_order_relaxed);
  for (;;) {
    uintptr_t start = hint != 0 ? hint : HAK_HINT_BASE + ((((uintptr_t)&hak_os_hint) >> 12) % 256) * HAK_SEG_SIZE;
    if (start + size > HAK_HINT_LIMIT) return 0;
    if (atomic_compare_exchange_weak_explicit(&hak_os_hint, &hint, start + size, memory_order_relaxed, memory_order_relaxed))
      return start;
  }
}

/* One aligned mapping: in the hint region when it is free there (one mmap),
 * else over-mapped and trimmed (mmap + up to two munmaps). */
static char *os_map_aligned_once(size_t size, size_t align) {
  /* The hint region holds segment-aligned mappings of whole segments. */
  if (align == HAK_SEG_SIZE && (size & HAK_SEG_MASK) == 0) {
    uintptr_t hint = hint_claim(size);
    if (hint != 0) {
      char *p = mmap((void *)hint, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
      if (p != MAP_FAILED && ((uintptr_t)p & (align - 1)) == 0) return p;
      if (p != MAP_FAILED) munmap(p, size);
    }
  }
  char *raw = os_map(size + align);
  if (raw == NULL) return NULL;
  char *start = (char *)round_up((uintptr_t)raw, align);
  if (start > raw) munmap(raw, (size_t)(start - raw));
  size_t tail = (size_t)((raw + size + align) - (start + size));
  if (tail > 0) munmap(start + size, tail);
  return start;
}

/* Segments and large reservations are carved from batches mapped at once
 * (address space only: NORESERVE pages cost nothing until touched), so a
 * program that needs many pays one mmap per batch, not one per mapping:
 * single segments from 32 MiB batches, reservations up to 128 MiB from
 * 1 GiB batches (larger ones get their own mapping). A batch's rest is
 * [next, next + left), under hak_os_lock. */
typedef struct {
  char *next;
  size_t left;
  size_t size; /* of a new batch */
} hak_batch_t;
static hak_batch_t hak_batches[2] = {{NULL, 0, (size_t)32 << 20}, {NULL, 0, (size_t)1 << 30}};
#define HAK_BATCH_MAX ((size_t)128 << 20)

/* Maps `size` bytes at an address that is a multiple of `align` (both
 * multiples of the OS page). */
static char *os_map_aligned(size_t size, size_t align) {
  if (align != HAK_SEG_SIZE || (size & HAK_SEG_MASK) != 0 || size > HAK_BATCH_MAX) return os_map_aligned_once(size, align);
  hak_batch_t *batch = &hak_batches[size == HAK_SEG_SIZE ? 0 : 1];
  pthread_mutex_lock(&hak_os_lock);
  if (batch->left < size) {
    /* The rest of the old batch is too small: give it back, map a new one. */
    if (batch->left > 0) munmap(batch->next, batch->left);
    batch->next = os_map_aligned_once(batch->size, HAK_SEG_SIZE);
    batch->left = batch->next != NULL ? batch->size : 0;
  }
  char *p = NULL;
  if (batch->left >= size) {
    p = batch->next;
    batch->next += size;
    batch->left -= size;
  }
  /* A batch starts segment-aligned and hands out whole segments. */
  HAK_ASSERT(p == NULL || ((uintptr_t)p & HAK_SEG_MASK) == 0);
  pthread_mutex_unlock(&hak_os_lock);
  return p != NULL ? p : os_map_aligned_once(size, align);
}

/* A fresh segment, or a cached one (hakmem_cache.c). */
HAK_COLD hak_segment_t *hak_segment_acquire(hak_heap_t *heap) {
  hak_segment_t *seg = hak_cache_take_segment();
  if (seg == NULL) {
    /* Parked heaps may hold empty segments: recycle before mapping more. */
    hak_pool_collect();
    seg = hak_cache_take_segment();
  }
  if (seg == NULL) {
    seg = (hak_segment_t *)os_map_aligned(HAK_SEG_SIZE, HAK_SEG_SIZE);
    if (seg == NULL) return NULL;
    HAK_DEBUG_SEGMAP_SET(seg, true);
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
  seg->used_size = seg->dirty_size = HAK_SEG_SIZE;
  seg->cached_at = 0;
  for (unsigned i = 0; i < HAK_SLICES; i++) seg->pages[i].kind = 0;
  return seg;
}

/* Unmaps what a cache handed back (an evicted entry, or the newcomer when
 * caching is off), so a steady-state loop stays bounded. */
static void os_unmap_evicted(hak_segment_t *seg) {
  if (seg == NULL) return;
  HAK_DEBUG_SEGMAP_SET(seg, false);
  munmap(seg->map_base, seg->map_size);
}

/* An empty segment goes to the process cache (its memory dropped after the
 * purge delay), or back to the OS when the cache is full. */
HAK_COLD void hak_segment_release(hak_segment_t *seg) {
  os_unmap_evicted(hak_cache_put_segment(seg));
}

/* Virtual bytes reserved for a large block needing `used` bytes: room to
 * grow (realloc) and to be reused by a larger request later without a
 * system call. Reserved pages cost no memory until touched (NORESERVE). */
static size_t huge_reserve(size_t used) {
  if (used <= HAK_SEG_SIZE) return HAK_SEG_SIZE;
  if (used <= ((size_t)64 << 20)) return round_up(4 * used, HAK_SEG_SIZE);
  if (used <= ((size_t)256 << 20)) return round_up(2 * used, HAK_SEG_SIZE);
  return round_up(used + used / 8, HAK_SEG_SIZE);
}

/* Writes the header fields of a large block at `user` in mapping `s`. */
static void *huge_setup(hak_segment_t *s, char *user, size_t used, size_t alignment) {
  s->kind = HAK_KIND_HUGE;
  s->pages_used = 0;
  s->heap = NULL;
  s->map_base = (char *)s;
  s->next = s->prev = NULL;
  s->used_size = used;
  if (s->dirty_size < used) s->dirty_size = used; /* what is handed out may be touched */
  hak_base_t base = hak_user_to_base(hak_user_from(user));
  hak_header_t *hdr = hak_base_header(base);
  hdr->kind = HAK_KIND_HUGE;
  hdr->cls = 0;
  hdr->check = HAK_HDR_LIVE ^ (uint64_t)(uintptr_t)hdr;
  /* USER has the alignment asked for, free finds the segment header with
   * the same O(1) rounding as for pages, and the block fits the mapping. */
  HAK_ASSERT(((uintptr_t)user & (alignment - 1)) == 0 && hak_seg_of(user) == s);
  HAK_ASSERT(used <= s->map_size && s->dirty_size <= s->map_size);
  (void)alignment;
  hak_huge_account(s, true);
  return user;
}

/* USER itself segment-aligned (alignment >= HAK_SEG_SIZE): the segment
 * header goes one segment below it (hak_seg_of rounds USER - 1 down). */
static void *huge_alloc_segment_aligned(size_t size, size_t alignment) {
  size_t body = round_up(size, hak_os_page_size());
  size_t raw_length = alignment + HAK_SEG_SIZE + body;
  char *raw = os_map(raw_length);
  if (raw == NULL) return NULL;
  char *user = (char *)round_up((uintptr_t)raw + HAK_SEG_SIZE, alignment);
  char *seg = user - HAK_SEG_SIZE;
  size_t length = HAK_SEG_SIZE + body;
  if (seg > raw) munmap(raw, (size_t)(seg - raw));
  if (raw + raw_length > seg + length) munmap(seg + length, (size_t)((raw + raw_length) - (seg + length)));
  hak_segment_t *s = (hak_segment_t *)seg;
  s->map_size = length;
  s->dirty_size = hak_os_page_size();
  HAK_DEBUG_SEGMAP_SET(seg, true);
  return huge_setup(s, user, length, alignment);
}

HAK_COLD void *hak_huge_alloc(size_t size, size_t alignment, bool zero) {
  if (alignment < HAK_ALIGN) alignment = HAK_ALIGN;
  if (size > HAK_HUGE_MAX_SIZE || alignment > HAK_HUGE_MAX_ALIGN) {
    errno = ENOMEM;
    return NULL;
  }
  void *user;
  if (alignment >= HAK_SEG_SIZE) {
    user = huge_alloc_segment_aligned(size, alignment); /* fresh mappings are zero-filled */
    if (user == NULL) errno = ENOMEM;
    return user;
  }
  /* Segment-aligned mapping; USER right after prefix + header. */
  size_t page = hak_os_page_size();
  size_t offset = round_up(HAK_HUGE_PREFIX + HAK_HEADER_SIZE, alignment);
  size_t used = round_up(offset + size, page);
  hak_segment_t *s = hak_cache_take_huge(used);
  if (s != NULL) {
    HAK_DEBUG_SEGMAP_SET(s, true);
    /* Pages past dirty_size are zero (fresh or purged); only the rest may hold old data. */
    if (zero && s->dirty_size > offset) memset((char *)s + offset, 0, s->dirty_size - offset < size ? s->dirty_size - offset : size);
    hak_huge_trim(s, used); /* a smaller block than the last one: drop the resident rest */
  } else {
    size_t reserve = huge_reserve(used);
    char *fresh = os_map_aligned(reserve, HAK_SEG_SIZE);
    if (fresh == NULL && reserve > used) fresh = os_map_aligned(reserve = used, HAK_SEG_SIZE);
    if (fresh == NULL) {
      errno = ENOMEM;
      return NULL;
    }
    /* No cached mapping is large enough: move the pages of the largest one
     * onto the fresh reservation (still resident: no faults for them), which
     * unmaps its old range in the same call. */
    hak_segment_t *old = hak_cache_take_largest_huge();
    if (old != NULL && mremap(old->map_base, old->map_size, old->map_size, MREMAP_MAYMOVE | MREMAP_FIXED, fresh) != MAP_FAILED) {
      s = (hak_segment_t *)fresh; /* its header moved with it */
      if (zero && s->dirty_size > offset) memset(fresh + offset, 0, s->dirty_size - offset < size ? s->dirty_size - offset : size);
    } else {
      if (old != NULL) os_unmap_evicted(hak_cache_put_huge(old)); /* not moved: back to the cache */
      s = (hak_segment_t *)fresh;
      s->dirty_size = page; /* the header page */
    }
    s->map_size = reserve;
    HAK_DEBUG_SEGMAP_SET(s, true);
  }
  return huge_setup(s, (char *)s + offset, used, alignment);
}

/* The mapping goes to the large-block cache; an entry it evicts (or the
 * mapping itself when the cache is off) is unmapped. */
HAK_COLD void hak_huge_free(hak_segment_t *seg, hak_user_t user) {
  /* A large block has a segment of its own, of kind HAK_KIND_HUGE. */
  HAK_ASSERT(seg->kind == HAK_KIND_HUGE && hak_seg_of(hak_user_ptr(user)) == seg);
  (void)user;
  hak_huge_account(seg, false);
#if !HAKMEM_BUILD_RELEASE
  /* A second free of a cached block is then reported as already freed. */
  hak_header_t *hdr = hak_base_header(hak_user_to_base(user));
  hdr->check = HAK_FREED_MARK ^ (uint64_t)(uintptr_t)hdr;
#endif
  HAK_DEBUG_SEGMAP_SET(seg, false);
  hak_segment_t *out = hak_cache_put_huge(seg);
  if (out != NULL) munmap(out->map_base, out->map_size);
}

size_t hak_huge_usable(hak_segment_t *seg, hak_user_t user) {
  HAK_ASSERT(seg->kind == HAK_KIND_HUGE && (char *)hak_user_ptr(user) < seg->map_base + seg->used_size);
  return (size_t)((seg->map_base + seg->used_size) - (char *)hak_user_ptr(user));
}

/* Within the reservation a block grows or shrinks with no system call (a
 * large shrink drops the resident tail). Beyond it: mremap in place when the
 * pages after the mapping are free, else mremap moves the pages onto a fresh
 * aligned reservation (no copy, no fault); memcpy only if both fail. */
HAK_COLD void *hak_huge_realloc(hak_segment_t *seg, hak_user_t user, size_t size) {
  char *p = hak_user_ptr(user);
  HAK_ASSERT(seg->kind == HAK_KIND_HUGE && hak_seg_of(p) == seg);
  if (size > HAK_HUGE_MAX_SIZE) {
    errno = ENOMEM;
    return NULL;
  }
  size_t offset = (size_t)(p - seg->map_base);
  size_t used = round_up(offset + size, hak_os_page_size());
  hak_huge_account(seg, false);
  if (used <= seg->map_size) {
    if (used < seg->used_size) hak_huge_trim(seg, used);
    seg->used_size = used;
    if (seg->dirty_size < used) seg->dirty_size = used;
    hak_huge_account(seg, true);
    return p;
  }
  size_t reserve = huge_reserve(used);
  if (mremap(seg->map_base, seg->map_size, reserve, 0) != MAP_FAILED) {
    seg->map_size = reserve;
    seg->used_size = seg->dirty_size = used;
    hak_huge_account(seg, true);
    return p;
  }
  char *fresh = os_map_aligned(reserve, HAK_SEG_SIZE);
  if (fresh != NULL) {
    size_t old = seg->map_size;
    HAK_DEBUG_SEGMAP_SET(seg, false);
    if (mremap(seg->map_base, old, old, MREMAP_MAYMOVE | MREMAP_FIXED, fresh) != MAP_FAILED) {
      hak_segment_t *s = (hak_segment_t *)fresh; /* the header moved with the pages */
      s->map_base = fresh;
      s->map_size = reserve;
      s->used_size = s->dirty_size = used;
      /* The header's check word is tied to its address. */
      hak_header_t *hdr = hak_base_header(hak_user_to_base(hak_user_from(fresh + offset)));
      hdr->check = HAK_HDR_LIVE ^ (uint64_t)(uintptr_t)hdr;
      HAK_DEBUG_SEGMAP_SET(s, true);
      HAK_ASSERT(hak_seg_of(fresh + offset) == s);
      hak_huge_account(s, true);
      return fresh + offset;
    }
    HAK_DEBUG_SEGMAP_SET(seg, true);
    munmap(fresh, reserve);
  }
  hak_huge_account(seg, true); /* unchanged: the copy below frees it */
  size_t usable = hak_huge_usable(seg, user);
  void *q = hak_huge_alloc(size, HAK_ALIGN, false);
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

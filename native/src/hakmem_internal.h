/*
 * hakmem internals: segments, pages, heaps and size classes.
 *
 * Memory comes in segments: HAK_SEG_SIZE-aligned regions of HAK_SEG_SIZE
 * bytes split into 64 KiB slices. Slice 0 holds the segment header (one
 * hak_page_t per slice); a page is a run of slices serving one size class.
 * Any block pointer p maps to its segment in O(1): hak_seg_of(p) rounds
 * (p - 1) down to the segment alignment (p - 1 so that a large block whose
 * USER pointer is itself segment-aligned finds the header placed just below
 * it). Large blocks get a segment of their own (kind HAK_KIND_HUGE).
 *
 * Ownership: a segment belongs to one heap; a heap is used by one thread at a
 * time (heaps of exited threads wait in a pool for the next new thread).
 * Only the owning thread touches a page's free list and counters. Another
 * thread frees by pushing the block onto the owner heap's lock-free remote
 * stack; the owner drains that stack into the page free lists before it
 * looks for a new page, so a block is never on a free list and the remote
 * stack at the same time.
 */
#ifndef HAKMEM_INTERNAL_H
#define HAKMEM_INTERNAL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hakmem.h"
#include "hakmem_ptr.h"

#ifndef HAKMEM_BUILD_RELEASE
#define HAKMEM_BUILD_RELEASE 0
#endif
#ifndef HAKMEM_NO_INTERPOSE
#define HAKMEM_NO_INTERPOSE 0
#endif

#define HAK_COLD __attribute__((cold, noinline))
#define HAK_NOINLINE __attribute__((noinline))
#define HAK_INLINE static inline __attribute__((always_inline))
#define HAK_LIKELY(x) __builtin_expect(!!(x), 1)
#define HAK_UNLIKELY(x) __builtin_expect(!!(x), 0)
#define HAK_INTERNAL __attribute__((visibility("hidden")))

/* HAK_ASSERT(cond): an invariant the comments state, checked in the debug
 * build only (HAKMEM_BUILD_RELEASE=0 without NDEBUG); a failure writes
 * "hakmem: assertion failed: cond (file:line)" to stderr and aborts. In the
 * release build it compiles to nothing and `cond` is not evaluated, so a
 * condition must have no side effect. */
#if !HAKMEM_BUILD_RELEASE && !defined(NDEBUG)
#define HAK_ASSERT_ON 1
#define HAK_ASSERT(cond) (HAK_LIKELY(cond) ? (void)0 : hak_assert_fail(#cond, __FILE__, __LINE__))
#else
#define HAK_ASSERT_ON 0
#define HAK_ASSERT(cond) ((void)0)
#endif

#define HAK_SEG_SHIFT 22
#define HAK_SEG_SIZE ((size_t)1 << HAK_SEG_SHIFT)
#define HAK_SEG_MASK (HAK_SEG_SIZE - 1)
#define HAK_SLICE_SHIFT 16
#define HAK_SLICE_SIZE ((size_t)1 << HAK_SLICE_SHIFT)
#define HAK_SLICES (HAK_SEG_SIZE / HAK_SLICE_SIZE) /* 64; slice 0 is the header */

/* Every pointer returned is aligned to at least this (slot strides and the
 * header size are multiples of it). */
#define HAK_ALIGN 16

/* Size classes: 16-byte steps up to 256 bytes (classes 0..15; class 0
 * serves malloc(0) to malloc(16)), then four classes per power of two up to
 * HAK_MID_MAX (slack at most 25%, 12.5% on average). Classes up to
 * HAK_SMALL_MAX are headerless; the mid pool adds a header. */
#define HAK_CLASS_SMALL_LAST 35 /* 8192 */
#define HAK_CLASSES 56          /* last mid class: 262144 */

/* How many bytes of fresh slots one page extension carves (keeps RSS close
 * to what is used). A tuning step, not the OS page size: any value works. */
#define HAK_EXTEND_BYTES 4096

/* OS page size: queried once at start (hak_os_page_size()). The layout
 * needs only that it divides a slice: segments and pages are slice-aligned
 * and cached segments drop their memory slice by slice (madvise); start-up
 * asserts it. HAK_OS_PAGE_MAX is that bound; nothing else assumes a size. */
#define HAK_OS_PAGE_MAX HAK_SLICE_SIZE

enum { HAK_KIND_SMALL = 1, HAK_KIND_MID = 2, HAK_KIND_HUGE = 3 };

struct hak_heap;

/* A page: a run of slices carved into equal slots of one size class. */
typedef struct __attribute__((aligned(64))) hak_page {
  void *free;             /* local free list of slots (owner thread only) */
  uint32_t used;          /* slots handed out and not yet freed back locally */
  uint32_t capacity;      /* slots carved so far (<= reserved) */
  uint32_t reserved;      /* slots that fit in the page */
  uint32_t block_size;    /* slot stride in bytes (payload + header for mid) */
  uint8_t cls;            /* size class */
  uint8_t kind;           /* HAK_KIND_SMALL or HAK_KIND_MID; 0 when the slice is unused */
  uint8_t in_full;        /* on the heap's full list, not the class list */
  uint8_t slices;         /* slices this page spans */
  uint32_t reserved_pad;
  char *start;            /* first slot */
  struct hak_page *next;  /* class list or full list */
  struct hak_page *prev;
} hak_page_t;

/* The header at the start of every segment. */
typedef struct hak_segment {
  uint32_t kind;               /* HAK_KIND_SMALL (pages) or HAK_KIND_HUGE */
  uint32_t pages_used;         /* pages carved from this segment and not yet freed */
  struct hak_heap *heap;       /* owner; written before any block of it is handed out */
  size_t map_size;             /* bytes mapped (HUGE: whole mapping) */
  char *map_base;              /* start of the mapping (HUGE: may precede the segment) */
  uint64_t free_slices;        /* bit i set: slice i is free (bit 0 never) */
  struct hak_segment *next;    /* heap's segment list; NULL while cached */
  struct hak_segment *prev;
  /* Bookkeeping of the caches (hakmem_cache.c) and of large blocks. */
  size_t used_size;            /* HUGE: bytes from map_base handed out (header + block, page-rounded) */
  size_t dirty_size;           /* bytes from map_base that may be resident (>= the first OS page) */
  uint64_t cached_at;          /* hak_now_ms() when the mapping entered a cache */
  /* Second cache line: read by every free. */
  uint8_t head_of[HAK_SLICES] __attribute__((aligned(64))); /* slice -> index of the first slice of its page */
  hak_page_t pages[HAK_SLICES];
} hak_segment_t;

_Static_assert(sizeof(hak_segment_t) <= HAK_SLICE_SIZE, "segment header must fit slice 0");

/* A thread's allocation state. Heaps are never unmapped, so a remote free
 * may always push onto seg->heap->remote. */
typedef struct hak_heap {
  hak_page_t *pages[HAK_CLASSES]; /* first page of each class list, or &hak_empty_page */
  hak_page_t *tails[HAK_CLASSES];
  void *_Atomic remote;            /* slots freed by other threads (Treiber stack, push-only) */
  hak_page_t *full;               /* pages with no free slot */
  hak_segment_t *segments;        /* segments owned, most recent first */
  hak_segment_t *spare;           /* one empty segment kept to avoid map/unmap churn */
  struct hak_heap *pool_next;     /* link in the pool of heaps without a thread */
} hak_heap_t;

/* Settings, read once from HAKMEM_* variables at start. */
typedef struct hak_settings {
  size_t segment_cache; /* HAKMEM_SEGMENT_CACHE: empty segments kept process-wide */
  size_t huge_cache;    /* HAKMEM_LARGE_CACHE: freed large mappings kept for reuse */
  uint64_t purge_delay_ms; /* HAKMEM_PURGE_DELAY: how long a cached mapping stays resident */
  int verbose;          /* HAKMEM_VERBOSE: debug build prints a summary at exit */
  int purge;            /* HAKMEM_PURGE: cached segments give their memory back (madvise) */
} hak_settings_t;

extern HAK_INTERNAL hak_settings_t hak_settings;
extern HAK_INTERNAL hak_page_t hak_empty_page;
extern HAK_INTERNAL const uint32_t hak_class_size[HAK_CLASSES];
extern HAK_INTERNAL const uint8_t hak_class_slices[HAK_CLASSES];
extern HAK_INTERNAL const uint8_t hak_class_of16[65];
extern HAK_INTERNAL __thread hak_heap_t *hak_tls_heap __attribute__((tls_model("initial-exec")));

/* hakmem_debug.c: assertion failures (debug build). */
#if HAK_ASSERT_ON
HAK_INTERNAL void hak_assert_fail(const char *cond, const char *file, int line) __attribute__((cold, noreturn));
#endif

/* Size -> class; valid for size <= HAK_MID_MAX. */
HAK_INLINE unsigned hak_size_class(size_t size) {
  HAK_ASSERT(size <= HAK_MID_MAX);
  if (HAK_LIKELY(size <= 1024)) return hak_class_of16[(size + 15) >> 4];
  size_t m = size - 1;
  unsigned b = 63u - (unsigned)__builtin_clzl(m); /* 2^b <= m < 2^(b+1), b >= 10 */
  return 24u + (b - 10u) * 4u + (unsigned)((m >> (b - 2u)) & 3u); /* class 24 is 1280 */
}

HAK_INLINE hak_segment_t *hak_seg_of(const void *p) {
  return (hak_segment_t *)(((uintptr_t)p - 1) & ~(uintptr_t)HAK_SEG_MASK);
}

HAK_INLINE hak_page_t *hak_page_of(hak_segment_t *seg, const void *p) {
  size_t slice = ((uintptr_t)p - (uintptr_t)seg) >> HAK_SLICE_SHIFT;
  /* Slice 0 is the segment header: no block lives there. */
  HAK_ASSERT(slice >= 1 && slice < HAK_SLICES);
  return &seg->pages[seg->head_of[slice]];
}

/* `slot` is the start of a carved slot of `page` (what a free list or a
 * remote stack may hold): inside the page, on a slot boundary, below
 * capacity. Used by assertions. */
HAK_INLINE bool hak_page_has_slot(const hak_page_t *page, const void *slot) {
  uintptr_t offset = (uintptr_t)slot - (uintptr_t)page->start;
  return (uintptr_t)slot >= (uintptr_t)page->start && offset % page->block_size == 0 &&
         offset / page->block_size < page->capacity;
}

/* hakmem_os.c: memory from the OS (cold paths). */
HAK_INTERNAL hak_segment_t *hak_segment_acquire(hak_heap_t *heap) HAK_COLD;
HAK_INTERNAL void hak_segment_release(hak_segment_t *seg) HAK_COLD;
HAK_INTERNAL void *hak_huge_alloc(size_t size, size_t alignment, bool zero) HAK_COLD;
HAK_INTERNAL void hak_huge_free(hak_segment_t *seg, hak_user_t user) HAK_COLD;
HAK_INTERNAL void *hak_huge_realloc(hak_segment_t *seg, hak_user_t user, size_t size) HAK_COLD;
HAK_INTERNAL size_t hak_huge_usable(hak_segment_t *seg, hak_user_t user);
HAK_INTERNAL hak_heap_t *hak_heap_map(void) HAK_COLD;
HAK_INTERNAL void hak_os_init(void) HAK_COLD;
HAK_INTERNAL size_t hak_os_page_size(void);
HAK_INTERNAL void hak_os_fork_prepare(void);
HAK_INTERNAL void hak_os_fork_parent(void);
HAK_INTERNAL void hak_os_fork_child(void);

/* hakmem_heap.c: pages and heaps. */
HAK_INTERNAL void *hak_alloc_generic(hak_heap_t *heap, unsigned cls);
HAK_INTERNAL void hak_page_free_slow(hak_heap_t *heap, hak_page_t *page);
HAK_INTERNAL void hak_remote_free(hak_segment_t *seg, void *slot);
HAK_INTERNAL hak_heap_t *hak_heap_attach_init(void) HAK_COLD;
HAK_INTERNAL void hak_heap_detach_shutdown(hak_heap_t *heap) HAK_COLD;
HAK_INTERNAL void hak_pool_collect(void) HAK_COLD;
HAK_INTERNAL void hak_heap_fork_prepare(void);
HAK_INTERNAL void hak_heap_fork_parent(void);
HAK_INTERNAL void hak_heap_fork_child(void);

/* hakmem_config.c */
HAK_INTERNAL void hak_core_init(void) HAK_COLD;
HAK_INTERNAL void hak_thread_register_init(hak_heap_t *heap) HAK_COLD;

/* hakmem_debug.c: checks of the debug build. The hooks below are what the
 * allocator calls; in the release build they compile to nothing and their
 * arguments are not evaluated. */
#if !HAKMEM_BUILD_RELEASE
#define HAK_FREED_MARK ((uint64_t)0x6672656564626c6bull)
HAK_INTERNAL void hak_debug_check_free(const void *p);
HAK_INTERNAL void hak_debug_mark_alloc(void *slot);
HAK_INTERNAL void hak_debug_segmap_set(const void *seg, bool present);
HAK_INTERNAL void hak_debug_init(void) HAK_COLD;
HAK_INTERNAL void hak_debug_fail(const char *what, const void *p, const char *detail) __attribute__((noreturn));
/* A pointer passed to free: from hakmem, a block start, not freed twice, header intact. */
#define HAK_DEBUG_CHECK_FREE(p) hak_debug_check_free(p)
/* A small slot (or NULL) about to be returned by malloc: clear its freed mark. */
#define HAK_DEBUG_MARK_ALLOC(slot) hak_debug_mark_alloc(slot)
/* A segment (or large block's mapping) was mapped / is about to be unmapped. */
#define HAK_DEBUG_SEGMAP_SET(seg, present) hak_debug_segmap_set(seg, present)
/* Start-up of the debug checks (HAKMEM_VERBOSE summary, table checks). */
#define HAK_DEBUG_INIT() hak_debug_init()
#else
#define HAK_DEBUG_CHECK_FREE(p) ((void)0)
#define HAK_DEBUG_MARK_ALLOC(slot) ((void)0)
#define HAK_DEBUG_SEGMAP_SET(seg, present) ((void)0)
#define HAK_DEBUG_INIT() ((void)0)
#endif

/* Validity checks of the debug build: each walks one structure and checks
 * every invariant its comments state; on the first broken one it writes
 * "hakmem: invalid <structure> <address>: <what>" to stderr and returns
 * false (so HAK_ASSERT(hak_heap_is_valid(heap)) then aborts). They read
 * only, and only the thread holding the heap may call them (invariant 2).
 * Pages are checked through their heap: a page's owner is its segment's. */
#if HAK_ASSERT_ON
HAK_INTERNAL bool hak_page_is_valid(const hak_page_t *page);
HAK_INTERNAL bool hak_segment_is_valid(const hak_segment_t *seg, const hak_heap_t *heap);
HAK_INTERNAL bool hak_heap_is_valid(const hak_heap_t *heap);
HAK_INTERNAL bool hak_pool_is_valid(void); /* every heap parked in the pool (takes the pool lock) */
HAK_INTERNAL bool hak_class_tables_are_valid(void);
#endif

#endif /* HAKMEM_INTERNAL_H */

/*
 * The allocation entry points: hak_* and, unless HAKMEM_NO_INTERPOSE, the
 * libc names. The fast paths pop from / push to the calling thread's page
 * free lists and take no lock; everything else is in hak_alloc_generic
 * (hakmem_heap.c) or in the cold large-block code (hakmem_os.c).
 */
#include <errno.h>
#include <malloc.h> /* declarations of the libc names defined below */
#include <stdlib.h>
#include <string.h>

#include "hakmem_internal.h"

#define HAK_EXPORT __attribute__((visibility("default")))

/* Pops a slot of class `cls` for the calling thread. */
HAK_INLINE void *hak_class_pop(unsigned cls) {
  hak_heap_t *heap = hak_tls_heap;
  if (HAK_LIKELY(heap != NULL)) {
    hak_page_t *page = heap->pages[cls];
    void *slot = page->free;
    if (HAK_LIKELY(slot != NULL)) {
      /* A free list holds only carved slots of its page. */
      HAK_ASSERT(hak_page_has_slot(page, slot));
      page->free = hak_link_get(slot);
      page->used++;
      /* used counts slots handed out: at most the slots carved. */
      HAK_ASSERT(page->used <= page->capacity);
      return slot;
    }
  }
  return hak_alloc_generic(heap, cls);
}

/* A small block: the slot is the pointer returned. */
HAK_INLINE void *hak_small_alloc(unsigned cls) {
  void *slot = hak_class_pop(cls);
  /* Headerless: the slot is the pointer returned, aligned like every result. */
  HAK_ASSERT(((uintptr_t)slot & (HAK_ALIGN - 1)) == 0);
  HAK_DEBUG_MARK_ALLOC(slot);
  return slot;
}

/* A mid-pool block: the slot is BASE; write the header, return USER. */
static HAK_NOINLINE void *hak_mid_alloc(size_t size) {
  unsigned cls = hak_size_class(size);
  void *slot = hak_class_pop(cls);
  if (slot == NULL) return NULL;
  /* The slot is BASE, 16-aligned, so USER = BASE + 16 is 16-aligned too. */
  HAK_ASSERT(((uintptr_t)slot & (HAK_ALIGN - 1)) == 0);
  hak_base_t base = hak_slot_base(slot);
  hak_header_t *hdr = hak_base_header(base);
  hdr->kind = HAK_KIND_MID;
  hdr->cls = cls;
  hdr->check = HAK_HDR_LIVE ^ (uint64_t)(uintptr_t)hdr;
  return hak_user_ptr(hak_base_to_user(base));
}

void *hak_alloc(size_t size) {
  if (HAK_LIKELY(size <= HAK_SMALL_MAX)) return hak_small_alloc(hak_size_class(size));
  if (size <= HAK_MID_MAX) return hak_mid_alloc(size);
  return hak_huge_alloc(size, HAK_ALIGN, false);
}

void hak_free(void *ptr) {
  if (HAK_UNLIKELY(ptr == NULL)) return;
  HAK_DEBUG_CHECK_FREE(ptr);
  hak_segment_t *seg = hak_seg_of(ptr);
  if (HAK_UNLIKELY(seg->kind != HAK_KIND_SMALL)) {
    hak_huge_free(seg, hak_user_from(ptr));
    return;
  }
  hak_page_t *page = hak_page_of(seg, ptr);
  void *slot = ptr;
  /* A pointer into a page segment is a small or mid block of a page in use. */
  HAK_ASSERT(page->kind == HAK_KIND_SMALL || page->kind == HAK_KIND_MID);
  if (page->kind == HAK_KIND_MID) slot = hak_base_slot(hak_user_to_base(hak_user_from(ptr)));
  HAK_ASSERT(hak_page_has_slot(page, slot));
  hak_heap_t *heap = seg->heap;
  /* A segment's owner is written before any block of it is handed out. */
  HAK_ASSERT(heap != NULL);
  if (HAK_LIKELY(heap == hak_tls_heap)) {
    /* Owner: push on the page's local free list. used counts this block. */
    HAK_ASSERT(page->used > 0);
    hak_link_set(slot, page->free);
    page->free = slot;
    page->used--;
    if (HAK_UNLIKELY(page->used == 0 || page->in_full)) hak_page_free_slow(heap, page);
  } else {
    hak_remote_free(seg, slot);
  }
}

size_t hak_usable_size(const void *ptr) {
  if (ptr == NULL) return 0;
  hak_segment_t *seg = hak_seg_of(ptr);
  if (seg->kind != HAK_KIND_SMALL) return hak_huge_usable(seg, hak_user_from(ptr));
  HAK_ASSERT(hak_page_of(seg, ptr)->kind != 0);
  return hak_class_size[hak_page_of(seg, ptr)->cls];
}

void *hak_alloc_zeroed(size_t count, size_t size) {
  size_t total;
  if (__builtin_mul_overflow(count, size, &total)) {
    errno = ENOMEM;
    return NULL;
  }
  if (total > HAK_MID_MAX) return hak_huge_alloc(total, HAK_ALIGN, true); /* fresh mappings are zero */
  void *p = hak_alloc(total);
  if (p != NULL) memset(p, 0, total);
  return p;
}

void *hak_realloc(void *ptr, size_t size) {
  if (ptr == NULL) return hak_alloc(size);
  if (size == 0) { /* glibc semantics: free and return NULL */
    hak_free(ptr);
    return NULL;
  }
  hak_segment_t *seg = hak_seg_of(ptr);
  if (seg->kind != HAK_KIND_SMALL && size > HAK_MID_MAX) return hak_huge_realloc(seg, hak_user_from(ptr), size);
  size_t usable = hak_usable_size(ptr);
  if (size <= usable && size >= usable / 2) return ptr; /* fits without wasting half */
  void *q = hak_alloc(size);
  if (q == NULL) return NULL; /* the old block stays valid */
  memcpy(q, ptr, size < usable ? size : usable);
  hak_free(ptr);
  return q;
}

/* Alignments up to a slice are served from a size class whose slot size is
 * a multiple of the alignment (pages start slice-aligned); larger ones, and
 * big sizes, get their own mapping. `alignment` is a power of two. */
void *hak_alloc_aligned(size_t alignment, size_t size) {
  if (alignment <= HAK_ALIGN) return hak_alloc(size);
  if ((alignment & (alignment - 1)) != 0) {
    errno = EINVAL;
    return NULL;
  }
  if (size <= HAK_SMALL_MAX && alignment <= HAK_SLICE_SIZE) {
    size_t n = (size + alignment - 1) & ~(alignment - 1);
    if (n == 0) n = alignment;
    if (n <= HAK_SMALL_MAX) {
      for (unsigned cls = hak_size_class(n); cls <= HAK_CLASS_SMALL_LAST; cls++) {
        if (hak_class_size[cls] % alignment == 0) return hak_small_alloc(cls);
      }
    }
  }
  if (size > SIZE_MAX - alignment - HAK_SEG_SIZE * 2) {
    errno = ENOMEM;
    return NULL;
  }
  return hak_huge_alloc(size, alignment, false);
}

#if !HAKMEM_NO_INTERPOSE
/* ---- libc names (the shared library interposes these through LD_PRELOAD) ---- */

HAK_EXPORT void *malloc(size_t size) { return hak_alloc(size); }

HAK_EXPORT void free(void *ptr) { hak_free(ptr); }

HAK_EXPORT void *calloc(size_t count, size_t size) { return hak_alloc_zeroed(count, size); }

HAK_EXPORT void *realloc(void *ptr, size_t size) { return hak_realloc(ptr, size); }

HAK_EXPORT void *reallocarray(void *ptr, size_t count, size_t size) {
  size_t total;
  if (__builtin_mul_overflow(count, size, &total)) {
    errno = ENOMEM;
    return NULL;
  }
  return hak_realloc(ptr, total);
}

HAK_EXPORT size_t malloc_usable_size(void *ptr) { return hak_usable_size(ptr); }

HAK_EXPORT int posix_memalign(void **out, size_t alignment, size_t size) {
  if (alignment < sizeof(void *) || (alignment & (alignment - 1)) != 0) return EINVAL;
  int saved = errno;
  void *p = hak_alloc_aligned(alignment, size);
  if (p == NULL) {
    errno = saved;
    return ENOMEM;
  }
  *out = p;
  return 0;
}

HAK_EXPORT void *aligned_alloc(size_t alignment, size_t size) {
  if (alignment == 0 || (alignment & (alignment - 1)) != 0) {
    errno = EINVAL;
    return NULL;
  }
  return hak_alloc_aligned(alignment, size);
}

HAK_EXPORT void *memalign(size_t alignment, size_t size) { return aligned_alloc(alignment, size); }

HAK_EXPORT void *valloc(size_t size) { return hak_alloc_aligned(hak_os_page_size(), size); }

HAK_EXPORT void *pvalloc(size_t size) {
  size_t page = hak_os_page_size();
  size_t rounded = (size + page - 1) & ~(page - 1);
  if (rounded < size) {
    errno = ENOMEM;
    return NULL;
  }
  return hak_alloc_aligned(page, rounded == 0 ? page : rounded);
}
#endif

/*
 * Pages and heaps: the generic allocation path (drain remote frees, extend
 * or replace the current page), page retirement, remote frees, and the
 * life cycle of a thread's heap.
 *
 * Invariants:
 *  - heap->pages[cls] lists pages of class `cls` that may have a free slot;
 *    the list is never NULL-terminated at the head: an empty list is
 *    &hak_empty_page, whose free list is always NULL (never written).
 *  - A page with in_full set is on heap->full and on no class list.
 *  - page->used counts slots handed out; slots sitting in heap->remote are
 *    still counted until drained, so a page (and its segment) is never
 *    released while another thread may still push one of its slots.
 *  - Only the thread currently holding a heap (hak_tls_heap == heap) reads
 *    or writes its pages; other threads only push onto heap->remote.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>

#include "hakmem_cache.h"
#include "hakmem_internal.h"

HAK_INTERNAL hak_page_t hak_empty_page;
HAK_INTERNAL __thread hak_heap_t *hak_tls_heap __attribute__((tls_model("initial-exec")));

/* Heaps whose thread has exited, waiting for a new thread (LIFO). */
static pthread_mutex_t hak_pool_lock = PTHREAD_MUTEX_INITIALIZER;
static hak_heap_t *hak_pool;
static _Atomic size_t hak_pool_size; /* written under the lock, read without it */

/* ---- class lists ---- */

static void class_list_remove(hak_heap_t *heap, hak_page_t *page) {
  unsigned cls = page->cls;
  /* A page with in_full set is on the full list, not on a class list. */
  HAK_ASSERT(!page->in_full && page->kind != 0);
  HAK_ASSERT(page->prev != NULL ? page->prev->next == page : heap->pages[cls] == page);
  if (page->prev != NULL) page->prev->next = page->next;
  else heap->pages[cls] = page->next != NULL ? page->next : &hak_empty_page;
  if (page->next != NULL) page->next->prev = page->prev;
  else heap->tails[cls] = page->prev;
  page->next = page->prev = NULL;
}

static void class_list_push_front(hak_heap_t *heap, hak_page_t *page) {
  unsigned cls = page->cls;
  HAK_ASSERT(!page->in_full && page->kind != 0 && cls < HAK_CLASSES);
  hak_page_t *first = heap->pages[cls];
  page->prev = NULL;
  if (first == &hak_empty_page) {
    page->next = NULL;
    heap->tails[cls] = page;
  } else {
    page->next = first;
    first->prev = page;
  }
  heap->pages[cls] = page;
}

static void class_list_push_back(hak_heap_t *heap, hak_page_t *page) {
  unsigned cls = page->cls;
  hak_page_t *last = heap->tails[cls];
  /* An empty class list (&hak_empty_page) has no tail, and only then. */
  HAK_ASSERT((last == NULL) == (heap->pages[cls] == &hak_empty_page));
  if (last == NULL) {
    class_list_push_front(heap, page);
    return;
  }
  page->prev = last;
  page->next = NULL;
  last->next = page;
  heap->tails[cls] = page;
}

static void full_list_push(hak_heap_t *heap, hak_page_t *page) {
  /* The full list holds pages with no free slot and none left to carve. */
  HAK_ASSERT(!page->in_full && page->free == NULL && page->capacity == page->reserved);
  page->in_full = 1;
  page->prev = NULL;
  page->next = heap->full;
  if (heap->full != NULL) heap->full->prev = page;
  heap->full = page;
}

static void full_list_remove(hak_heap_t *heap, hak_page_t *page) {
  HAK_ASSERT(page->in_full);
  HAK_ASSERT(page->prev != NULL ? page->prev->next == page : heap->full == page);
  if (page->prev != NULL) page->prev->next = page->next;
  else heap->full = page->next;
  if (page->next != NULL) page->next->prev = page->prev;
  page->next = page->prev = NULL;
  page->in_full = 0;
}

/* ---- segments of a heap ---- */

static void heap_segment_link(hak_heap_t *heap, hak_segment_t *seg) {
  /* A segment belongs to one heap, and is on its list once. */
  HAK_ASSERT(seg->heap == heap && seg->kind == HAK_KIND_SMALL && seg->next == NULL && seg->prev == NULL);
  seg->prev = NULL;
  seg->next = heap->segments;
  if (heap->segments != NULL) heap->segments->prev = seg;
  heap->segments = seg;
}

static void heap_segment_unlink(hak_heap_t *heap, hak_segment_t *seg) {
  HAK_ASSERT(seg->heap == heap && (seg->prev != NULL ? seg->prev->next == seg : heap->segments == seg));
  if (seg->prev != NULL) seg->prev->next = seg->next;
  else heap->segments = seg->next;
  if (seg->next != NULL) seg->next->prev = seg->prev;
  seg->next = seg->prev = NULL;
}

/* First slice of a run of `count` free slices in `mask`, or 0 (slice 0 is
 * never free, so 0 means none). */
static unsigned free_run(uint64_t mask, unsigned count) {
  uint64_t run = mask;
  for (unsigned i = 1; i < count && run != 0; i++) run &= mask >> i;
  return run != 0 ? (unsigned)__builtin_ctzll(run) : 0;
}

/* A new page of class `cls` carved from the heap's segments (a fresh
 * segment when none has room), pushed at the front of the class list. */
static hak_page_t *page_new(hak_heap_t *heap, unsigned cls) {
  unsigned count = hak_class_slices[cls];
  hak_segment_t *seg;
  unsigned first = 0;
  for (seg = heap->segments; seg != NULL; seg = seg->next) {
    first = free_run(seg->free_slices, count);
    if (first != 0) break;
  }
  if (seg == NULL) {
    seg = heap->spare;
    if (seg != NULL) heap->spare = NULL;
    else seg = hak_segment_acquire(heap);
    if (seg == NULL) return NULL;
    heap_segment_link(heap, seg);
    first = free_run(seg->free_slices, count);
    /* A fresh segment has room for the largest page (a static assertion in hakmem_class.c). */
    HAK_ASSERT(first != 0);
  }
  uint64_t bits = (count == 64 ? ~(uint64_t)0 : (((uint64_t)1 << count) - 1)) << first;
  seg->free_slices &= ~bits;
  seg->pages_used++;
  for (unsigned i = first; i < first + count; i++) seg->head_of[i] = (uint8_t)first;

  hak_page_t *page = &seg->pages[first];
  page->free = NULL;
  page->used = 0;
  page->capacity = 0;
  page->block_size = hak_class_size[cls] + (cls > HAK_CLASS_SMALL_LAST ? HAK_HEADER_SIZE : 0);
  page->reserved = (uint32_t)((count * HAK_SLICE_SIZE) / page->block_size);
  page->cls = (uint8_t)cls;
  page->kind = cls > HAK_CLASS_SMALL_LAST ? HAK_KIND_MID : HAK_KIND_SMALL;
  page->in_full = 0;
  page->slices = (uint8_t)count;
  page->start = (char *)seg + (size_t)first * HAK_SLICE_SIZE;
  class_list_push_front(heap, page);
  HAK_ASSERT(hak_page_is_valid(page));
  return page;
}

/* Returns an empty page's slices to its segment; an empty segment becomes
 * the heap's spare, or goes back to the process cache / the OS. */
static void page_release(hak_heap_t *heap, hak_page_t *page) {
  /* used counts slots handed out, remote ones included: a page is released
   * only when none is out, so no thread can still push one of its slots. */
  HAK_ASSERT(page->used == 0 && !page->in_full && page->next == NULL && page->prev == NULL);
  HAK_ASSERT(hak_page_is_valid(page));
  hak_segment_t *seg = hak_seg_of(page);
  HAK_ASSERT(seg->heap == heap && seg->pages_used > 0);
  unsigned first = (unsigned)(page - seg->pages);
  uint64_t bits = (page->slices == 64 ? ~(uint64_t)0 : (((uint64_t)1 << page->slices) - 1)) << first;
  seg->free_slices |= bits;
  page->kind = 0;
  page->free = NULL;
  seg->pages_used--;
  if (seg->pages_used == 0) {
    heap_segment_unlink(heap, seg);
    if (heap->spare == NULL) heap->spare = seg;
    else hak_segment_release(seg);
  }
}

/* Carves up to HAK_EXTEND_BYTES of fresh slots onto the (empty) free list. */
static void page_extend(hak_page_t *page) {
  /* Only an empty free list is extended, and only while slots are left. */
  HAK_ASSERT(page->free == NULL && page->capacity < page->reserved);
  uint32_t size = page->block_size;
  uint32_t n = HAK_EXTEND_BYTES / size;
  if (n == 0) n = 1;
  if (n > page->reserved - page->capacity) n = page->reserved - page->capacity;
  char *slot = page->start + (size_t)page->capacity * size;
  page->free = slot;
  for (uint32_t i = 1; i < n; i++) {
    hak_link_set(slot, slot + size);
    slot += size;
  }
  hak_link_set(slot, NULL);
  page->capacity += n;
  HAK_ASSERT(page->capacity <= page->reserved);
}

/* A slot pushed back by its owner: relink and retire pages as needed. */
static void page_push_local(hak_heap_t *heap, hak_page_t *page, void *slot) {
  /* The slot is a carved slot of the page, counted in used until now. */
  HAK_ASSERT(page->used > 0 && hak_page_has_slot(page, slot));
  hak_link_set(slot, page->free);
  page->free = slot;
  page->used--;
  if (page->used == 0 || page->in_full) hak_page_free_slow(heap, page);
}

/* Moves every slot other threads freed into the owning pages. */
static void heap_drain_remote(hak_heap_t *heap) {
  void *slot = atomic_exchange_explicit(&heap->remote, NULL, memory_order_acquire);
  while (slot != NULL) {
    void *next = hak_link_get(slot);
    hak_segment_t *seg = hak_seg_of(slot);
    /* Other threads push onto the stack of the slot's owner heap only. */
    HAK_ASSERT(seg->kind == HAK_KIND_SMALL && seg->heap == heap);
    page_push_local(heap, hak_page_of(seg, slot), slot);
    slot = next;
  }
}

/* Called after a local free left a page empty or brought it off the full list. */
void hak_page_free_slow(hak_heap_t *heap, hak_page_t *page) {
  /* Called by the heap's owner for a page in use of one of its segments. */
  HAK_ASSERT(page->kind != 0 && hak_seg_of(page)->heap == heap);
  if (page->in_full) {
    full_list_remove(heap, page);
    class_list_push_back(heap, page);
  }
  if (page->used != 0) return;
  /* Keep the only page of a class so alloc/free of one block does not churn. */
  if (heap->pages[page->cls] == page && page->next == NULL) return;
  class_list_remove(heap, page);
  page_release(heap, page);
}

void hak_remote_free(hak_segment_t *seg, void *slot) {
  hak_heap_t *owner = seg->heap;
  /* Heaps are never unmapped and the owner is set before any block is handed out. */
  HAK_ASSERT(owner != NULL && owner != hak_tls_heap);
  void *head = atomic_load_explicit(&owner->remote, memory_order_relaxed);
  do {
    hak_link_set(slot, head);
  } while (!atomic_compare_exchange_weak_explicit(&owner->remote, &head, slot, memory_order_release,
                                                  memory_order_relaxed));
}

HAK_INLINE void *page_pop(hak_page_t *page) {
  void *slot = page->free;
  HAK_ASSERT(slot != NULL && hak_page_has_slot(page, slot));
  page->free = hak_link_get(slot);
  page->used++;
  HAK_ASSERT(page->used <= page->capacity);
  return slot;
}

void *hak_alloc_generic(hak_heap_t *heap, unsigned cls) {
  if (HAK_UNLIKELY(heap == NULL)) {
    heap = hak_heap_attach_init();
    if (heap == NULL) {
      errno = ENOMEM;
      return NULL;
    }
  }
  /* Only the thread holding a heap touches its pages. */
  HAK_ASSERT(heap == hak_tls_heap && cls < HAK_CLASSES);
  /* Remote frees first: a slot must reach the free list only through here. */
  if (atomic_load_explicit(&heap->remote, memory_order_relaxed) != NULL) heap_drain_remote(heap);
  for (;;) {
    hak_page_t *page = heap->pages[cls];
    if (page == &hak_empty_page) break;
    if (page->free != NULL) return page_pop(page);
    if (page->capacity < page->reserved) {
      page_extend(page);
      return page_pop(page);
    }
    class_list_remove(heap, page);
    full_list_push(heap, page);
  }
  hak_page_t *page = page_new(heap, cls);
  if (page == NULL) {
    errno = ENOMEM;
    return NULL;
  }
  page_extend(page);
  return page_pop(page);
}

/* Releases what a heap does not need: drained remote frees, empty pages,
 * the spare segment. The heap stays usable. */
static void heap_collect(hak_heap_t *heap) {
  HAK_ASSERT(hak_heap_is_valid(heap));
  heap_drain_remote(heap);
  for (unsigned cls = 0; cls < HAK_CLASSES; cls++) {
    hak_page_t *page = heap->pages[cls];
    while (page != &hak_empty_page && page != NULL) {
      hak_page_t *next = page->next;
      if (page->used == 0) {
        class_list_remove(heap, page);
        page_release(heap, page);
      }
      page = next;
    }
  }
  if (heap->spare != NULL) {
    hak_segment_release(heap->spare);
    heap->spare = NULL;
  }
  HAK_ASSERT(hak_heap_is_valid(heap));
}

static void heap_reset_init(hak_heap_t *heap) {
  for (unsigned cls = 0; cls < HAK_CLASSES; cls++) {
    heap->pages[cls] = &hak_empty_page;
    heap->tails[cls] = NULL;
  }
}

/* Recycles memory of heaps parked in the pool: blocks their former threads'
 * successors freed sit in their remote stacks; draining them empties pages
 * and segments, which go back to the process cache or the OS. Pooled heaps
 * have no thread, so holding the pool lock makes us their only user. */
static void pool_collect_locked(void) {
  for (hak_heap_t *heap = hak_pool; heap != NULL; heap = heap->pool_next) heap_collect(heap);
}

/* Before mapping a fresh segment: recycle what parked heaps no longer use. */
HAK_COLD void hak_pool_collect(void) {
  if (atomic_load_explicit(&hak_pool_size, memory_order_relaxed) == 0) return;
  if (pthread_mutex_trylock(&hak_pool_lock) != 0) return;
  pool_collect_locked();
  pthread_mutex_unlock(&hak_pool_lock);
}

/* Gives the calling thread a heap: one left by an exited thread, or a new one. */
HAK_COLD hak_heap_t *hak_heap_attach_init(void) {
  pthread_mutex_lock(&hak_pool_lock);
  hak_heap_t *heap = hak_pool;
  if (heap != NULL) {
    hak_pool = heap->pool_next;
    atomic_store_explicit(&hak_pool_size, atomic_load_explicit(&hak_pool_size, memory_order_relaxed) - 1,
                          memory_order_relaxed);
    pool_collect_locked();
  }
  pthread_mutex_unlock(&hak_pool_lock);
  if (heap == NULL) {
    heap = hak_heap_map();
    if (heap == NULL) return NULL;
    heap_reset_init(heap);
  }
  heap->pool_next = NULL;
  hak_tls_heap = heap;
  /* After hak_tls_heap is set: initialisation may itself allocate. */
  hak_core_init();
  hak_thread_register_init(heap);
  return heap;
}

/* Detaches the heap from its exiting thread and parks it in the pool. */
HAK_COLD void hak_heap_detach_shutdown(hak_heap_t *heap) {
  if (heap == NULL) return;
  HAK_ASSERT(heap == hak_tls_heap && heap->pool_next == NULL);
  heap_collect(heap);
  hak_tls_heap = NULL;
  pthread_mutex_lock(&hak_pool_lock);
  heap->pool_next = hak_pool;
  hak_pool = heap;
  atomic_store_explicit(&hak_pool_size, atomic_load_explicit(&hak_pool_size, memory_order_relaxed) + 1,
                        memory_order_relaxed);
  pthread_mutex_unlock(&hak_pool_lock);
}

void hak_thread_flush(void) {
  hak_heap_t *heap = hak_tls_heap;
  if (heap != NULL) heap_collect(heap);
  hak_cache_purge_expired(); /* a chance to return cached memory after its delay */
}

#if HAK_ASSERT_ON
/* Every heap parked in the pool is valid, and hak_pool_size counts them.
 * Parked heaps have no thread: holding the pool lock makes us their user. */
bool hak_pool_is_valid(void) {
  bool valid = true;
  size_t count = 0;
  pthread_mutex_lock(&hak_pool_lock);
  for (hak_heap_t *heap = hak_pool; heap != NULL && valid; heap = heap->pool_next) {
    valid = hak_heap_is_valid(heap);
    count++;
  }
  if (valid && count != atomic_load_explicit(&hak_pool_size, memory_order_relaxed)) {
    static const char line[] = "hakmem: invalid pool: hak_pool_size does not count the parked heaps\n";
    ssize_t ignored = write(2, line, sizeof line - 1);
    (void)ignored;
    valid = false;
  }
  pthread_mutex_unlock(&hak_pool_lock);
  return valid;
}
#endif

HAK_COLD void hak_heap_fork_prepare(void) { pthread_mutex_lock(&hak_pool_lock); }
HAK_COLD void hak_heap_fork_parent(void) { pthread_mutex_unlock(&hak_pool_lock); }
HAK_COLD void hak_heap_fork_child(void) { pthread_mutex_init(&hak_pool_lock, NULL); }

/*
 * Checks of the debug build (HAKMEM_BUILD_RELEASE=0): invalid free, double
 * free and header corruption are reported with the pointer, then abort();
 * so are failed HAK_ASSERTs. The validity checks (hak_page_is_valid,
 * hak_segment_is_valid, hak_heap_is_valid) walk a structure and report the
 * first invariant it breaks. Messages are written with write(2): no stdio,
 * no allocation.
 *
 * Which segments exist is tracked in a byte map indexed by address >>
 * HAK_SEG_SHIFT (reserved lazily, NORESERVE), so a foreign pointer is
 * recognised without touching memory that may not be mapped.
 * A freed small block carries HAK_FREED_MARK ^ address in its second word;
 * a freed mid block carries it in its header's check word.
 */
#include "hakmem_internal.h"

#if !HAKMEM_BUILD_RELEASE
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define HAK_ADDR_BITS 48
#define HAK_SEGMAP_LEN ((size_t)1 << (HAK_ADDR_BITS - HAK_SEG_SHIFT))

static _Atomic uint8_t *_Atomic hak_segmap;

static _Atomic uint8_t *segmap_get_init(void) {
  _Atomic uint8_t *map = atomic_load_explicit(&hak_segmap, memory_order_acquire);
  if (map != NULL) return map;
  void *fresh = mmap(NULL, HAK_SEGMAP_LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (fresh == MAP_FAILED) hak_debug_fail("segment map", NULL, "cannot reserve the debug segment map");
  _Atomic uint8_t *expected = NULL;
  if (!atomic_compare_exchange_strong(&hak_segmap, &expected, (_Atomic uint8_t *)fresh)) {
    munmap(fresh, HAK_SEGMAP_LEN);
    return expected;
  }
  return (_Atomic uint8_t *)fresh;
}

void hak_debug_segmap_set(const void *seg, bool present) {
  uintptr_t index = (uintptr_t)seg >> HAK_SEG_SHIFT;
  if (index >= HAK_SEGMAP_LEN) hak_debug_fail("segment map", seg, "address outside the 48-bit user space");
  atomic_store_explicit(&segmap_get_init()[index], present ? 1 : 0, memory_order_release);
}

static bool segmap_has(const void *seg) {
  uintptr_t index = (uintptr_t)seg >> HAK_SEG_SHIFT;
  _Atomic uint8_t *map = atomic_load_explicit(&hak_segmap, memory_order_acquire);
  return map != NULL && index < HAK_SEGMAP_LEN && atomic_load_explicit(&map[index], memory_order_acquire) != 0;
}

static size_t put_str(char *out, size_t at, const char *s) {
  while (*s != '\0' && at < 255) out[at++] = *s++;
  return at;
}

static size_t put_hex(char *out, size_t at, uintptr_t v) {
  char digits[2 + 16];
  size_t n = 0;
  do {
    digits[n++] = "0123456789abcdef"[v & 15];
    v >>= 4;
  } while (v != 0);
  at = put_str(out, at, "0x");
  while (n > 0 && at < 255) out[at++] = digits[--n];
  return at;
}

static size_t put_dec(char *out, size_t at, unsigned long v) {
  char digits[20];
  size_t n = 0;
  do {
    digits[n++] = (char)('0' + v % 10);
    v /= 10;
  } while (v != 0);
  while (n > 0 && at < 255) out[at++] = digits[--n];
  return at;
}

/* Writes "hakmem: <what><joiner><p>: <detail>" as one line. */
static void report(const char *what, const char *joiner, const void *p, const char *detail) {
  char line[256];
  size_t at = put_str(line, 0, "hakmem: ");
  at = put_str(line, at, what);
  at = put_str(line, at, joiner);
  at = put_hex(line, at, (uintptr_t)p);
  at = put_str(line, at, ": ");
  at = put_str(line, at, detail);
  line[at++] = '\n';
  ssize_t ignored = write(2, line, at);
  (void)ignored;
}

void hak_debug_fail(const char *what, const void *p, const char *detail) {
  report(what, " of pointer ", p, detail);
  abort();
}

#if HAK_ASSERT_ON
void hak_assert_fail(const char *cond, const char *file, int line_no) {
  char line[256];
  size_t at = put_str(line, 0, "hakmem: assertion failed: ");
  at = put_str(line, at, cond);
  at = put_str(line, at, " (");
  at = put_str(line, at, file);
  at = put_str(line, at, ":");
  at = put_dec(line, at, (unsigned long)line_no);
  at = put_str(line, at, ")");
  line[at++] = '\n';
  ssize_t ignored = write(2, line, at);
  (void)ignored;
  abort();
}
#endif

static uint64_t load_word(const void *at) {
  uint64_t v;
  memcpy(&v, at, sizeof v);
  return v;
}

static void store_word(void *at, uint64_t v) { memcpy(at, &v, sizeof v); }

/* Validates a pointer passed to free and marks the block freed. */
void hak_debug_check_free(const void *p) {
  if (((uintptr_t)p & (HAK_ALIGN - 1)) != 0) hak_debug_fail("invalid free", p, "not a block start (not 16-byte aligned)");
  hak_segment_t *seg = hak_seg_of(p);
  if (!segmap_has(seg)) hak_debug_fail("invalid free", p, "not allocated by hakmem (or already freed and unmapped)");
  if (seg->kind == HAK_KIND_HUGE) {
    hak_base_t base = hak_user_to_base(hak_user_from(p));
    hak_header_t *hdr = hak_base_header(base);
    if ((char *)hdr < seg->map_base || (char *)p >= seg->map_base + seg->map_size)
      hak_debug_fail("invalid free", p, "not the start of a large block");
    if (hdr->check != (HAK_HDR_LIVE ^ (uint64_t)(uintptr_t)hdr) || hdr->kind != HAK_KIND_HUGE)
      hak_debug_fail("header corruption", p, "large block header overwritten (write before the block start?)");
    return;
  }
  if (seg->kind != HAK_KIND_SMALL) hak_debug_fail("header corruption", p, "segment header overwritten");
  size_t slice = ((uintptr_t)p - (uintptr_t)seg) >> HAK_SLICE_SHIFT;
  if (slice == 0) hak_debug_fail("invalid free", p, "points into allocator metadata");
  hak_page_t *page = hak_page_of(seg, p);
  if (page->kind == 0) hak_debug_fail("invalid free", p, "page is not in use (double free after the page was released?)");
  if (page->kind == HAK_KIND_MID) {
    hak_base_t base = hak_user_to_base(hak_user_from(p));
    char *slot = hak_base_slot(base);
    size_t offset = (size_t)(slot - page->start);
    if (slot < page->start || offset % page->block_size != 0 || offset / page->block_size >= page->capacity)
      hak_debug_fail("invalid free", p, "not the start of a block");
    hak_header_t *hdr = hak_base_header(base);
    uint64_t live = HAK_HDR_LIVE ^ (uint64_t)(uintptr_t)hdr;
    if (hdr->check == (HAK_FREED_MARK ^ (uint64_t)(uintptr_t)hdr)) hak_debug_fail("double free", p, "block already freed");
    if (hdr->check != live || hdr->kind != HAK_KIND_MID || hdr->cls != page->cls)
      hak_debug_fail("header corruption", p, "mid block header overwritten (write before the block start?)");
    hdr->check = HAK_FREED_MARK ^ (uint64_t)(uintptr_t)hdr;
    return;
  }
  size_t offset = (size_t)((const char *)p - page->start);
  if ((const char *)p < page->start || offset % page->block_size != 0 || offset / page->block_size >= page->capacity)
    hak_debug_fail("invalid free", p, "not the start of a block");
  char *word = (char *)p + 8;
  if (load_word(word) == (HAK_FREED_MARK ^ (uint64_t)(uintptr_t)p)) hak_debug_fail("double free", p, "block already freed");
  store_word(word, HAK_FREED_MARK ^ (uint64_t)(uintptr_t)p);
}

void hak_debug_mark_alloc(void *slot) {
  if (slot != NULL) store_word((char *)slot + 8, 0);
}

static void report_exit(void) {
  static const char line[] = "hakmem: debug build (checks for invalid free, double free, header corruption)\n";
  ssize_t ignored = write(2, line, sizeof line - 1);
  (void)ignored;
}

void hak_debug_init(void) {
  /* The hand-derived size -> class formula must agree with the tables. */
  HAK_ASSERT(hak_class_tables_are_valid());
  if (hak_settings.verbose) atexit(report_exit);
}

#if HAK_ASSERT_ON
/* ---- validity checks ---- */

/* Reports a broken invariant of the structure at `p` and returns false. */
static bool invalid(const char *what, const void *p, const char *detail) {
  report(what, " ", p, detail);
  return false;
}

#define PAGE_CHECK(cond, detail) \
  do { \
    if (!(cond)) return invalid("invalid page", page, detail); \
  } while (0)

static uint64_t slice_bits(unsigned first, unsigned count) {
  return (count == 64 ? ~(uint64_t)0 : (((uint64_t)1 << count) - 1)) << first;
}

/* A page in use, on its own: its fields agree with its class and its place
 * in the segment, and its free list holds exactly its free carved slots. */
bool hak_page_is_valid(const hak_page_t *page) {
  /* kind: HAK_KIND_SMALL or HAK_KIND_MID; 0 only when the slice is unused. */
  PAGE_CHECK(page->kind == HAK_KIND_SMALL || page->kind == HAK_KIND_MID, "kind is neither small nor mid (page not in use?)");
  PAGE_CHECK(page->cls < HAK_CLASSES, "size class out of range");
  /* Classes up to HAK_CLASS_SMALL_LAST are headerless; the mid pool adds a header. */
  PAGE_CHECK(page->kind == (page->cls > HAK_CLASS_SMALL_LAST ? HAK_KIND_MID : HAK_KIND_SMALL), "kind does not match the class");
  PAGE_CHECK(page->block_size == hak_class_size[page->cls] + (page->kind == HAK_KIND_MID ? HAK_HEADER_SIZE : 0u),
             "slot stride is not the class size (plus the header for mid)");
  /* Slot strides are multiples of 16 and pages start slice-aligned, so
   * every slot (and USER = BASE + 16) is 16-aligned. */
  PAGE_CHECK(page->block_size % HAK_ALIGN == 0, "slot stride not a multiple of HAK_ALIGN");
  PAGE_CHECK(page->slices == hak_class_slices[page->cls], "slice count does not match the class");

  /* The page header lives in its segment's header: seg->pages[first slice]. */
  const hak_segment_t *seg = hak_seg_of(page);
  size_t first = (size_t)(page - seg->pages);
  PAGE_CHECK(first >= 1 && first + page->slices <= HAK_SLICES, "slices outside the segment (slice 0 is the header)");
  PAGE_CHECK(page->start == (const char *)seg + first * HAK_SLICE_SIZE, "start is not its first slice");
  PAGE_CHECK((seg->free_slices & slice_bits((unsigned)first, page->slices)) == 0, "a slice of the page is marked free");
  for (size_t i = first; i < first + page->slices; i++)
    PAGE_CHECK(seg->head_of[i] == first, "head_of of a slice does not name the page's first slice");

  /* used <= capacity <= reserved, reserved = slots that fit in the page. */
  PAGE_CHECK(page->reserved == (uint32_t)((page->slices * HAK_SLICE_SIZE) / page->block_size), "reserved is not the slots that fit");
  PAGE_CHECK(page->capacity <= page->reserved, "more slots carved than fit (capacity > reserved)");
  PAGE_CHECK(page->used <= page->capacity, "more slots handed out than carved (used > capacity)");

  /* Every carved slot is handed out (counted in used, remote ones too) or
   * on the free list, once: the list holds capacity - used slots of this
   * page. A repeated slot would be a cycle, caught by the length bound. */
  uint32_t free_slots = page->capacity - page->used;
  uint32_t n = 0;
  for (const void *slot = page->free; slot != NULL; slot = hak_link_get((void *)(uintptr_t)slot)) {
    PAGE_CHECK(n < free_slots, "free list longer than capacity - used (a slot on it twice, or used too high)");
    PAGE_CHECK(hak_page_has_slot(page, slot), "free list holds a pointer that is not a carved slot of the page");
    n++;
  }
  PAGE_CHECK(n == free_slots, "free list shorter than capacity - used (a slot lost, or used too low)");
  /* The full list holds pages with no free slot and nothing left to carve. */
  if (page->in_full) PAGE_CHECK(page->free == NULL && page->capacity == page->reserved, "on the full list with slots left");
  return true;
}

#define SEG_CHECK(cond, detail) \
  do { \
    if (!(cond)) return invalid("invalid segment", seg, detail); \
  } while (0)

/* A segment of `heap`: its header fields, slice map and pages. */
bool hak_segment_is_valid(const hak_segment_t *seg, const hak_heap_t *heap) {
  SEG_CHECK(((uintptr_t)seg & HAK_SEG_MASK) == 0, "not HAK_SEG_SIZE-aligned");
  SEG_CHECK(segmap_has(seg), "not a mapped segment");
  SEG_CHECK(seg->kind == HAK_KIND_SMALL, "kind is not small (a heap owns page segments only)");
  SEG_CHECK(seg->heap == heap, "owned by another heap");
  SEG_CHECK(seg->map_size == HAK_SEG_SIZE && seg->map_base == (const char *)seg, "mapping is not the segment itself");
  SEG_CHECK((seg->free_slices & 1) == 0, "slice 0 (the header) marked free");
  /* Each slice is free or belongs to exactly one page in use; only a
   * page's first slice has a page header in use. */
  uint32_t pages = 0;
  for (unsigned i = 1; i < HAK_SLICES;) {
    const hak_page_t *page = &seg->pages[i];
    if ((seg->free_slices >> i) & 1) {
      SEG_CHECK(page->kind == 0, "a free slice has a page in use");
      i++;
      continue;
    }
    SEG_CHECK(page->kind != 0, "a used slice belongs to no page (head_of or free_slices damaged)");
    if (!hak_page_is_valid(page)) return false;
    for (unsigned j = i + 1; j < i + page->slices; j++)
      SEG_CHECK(seg->pages[j].kind == 0, "a slice inside a page has a page header in use");
    pages++;
    i += page->slices;
  }
  /* pages_used: pages carved from this segment and not yet freed. */
  SEG_CHECK(pages == seg->pages_used, "pages_used does not count the pages in use");
  return true;
}

#define HEAP_CHECK(cond, detail) \
  do { \
    if (!(cond)) return invalid("invalid heap", heap, detail); \
  } while (0)

/* The segments, page lists and remote stack of `heap`. */
bool hak_heap_is_valid(const hak_heap_t *heap) {
  HEAP_CHECK(heap != NULL, "no heap");
  /* An empty class list is &hak_empty_page, whose free list is never written. */
  HEAP_CHECK(hak_empty_page.free == NULL && hak_empty_page.kind == 0, "the shared empty page was written");

  /* Segments: a doubly linked list of valid segments, none empty (an empty
   * segment becomes the spare or leaves the heap). */
  size_t pages_in_use = 0, slots_out = 0;
  const hak_segment_t *prev_seg = NULL;
  for (const hak_segment_t *seg = heap->segments; seg != NULL; prev_seg = seg, seg = seg->next) {
    HEAP_CHECK(seg->prev == prev_seg, "segment list: prev link broken");
    HEAP_CHECK(seg != heap->spare, "the spare segment is also on the segment list");
    if (!hak_segment_is_valid(seg, heap)) return false;
    HEAP_CHECK(seg->pages_used > 0, "an empty segment is on the segment list");
    pages_in_use += seg->pages_used;
    for (unsigned i = 1; i < HAK_SLICES; i++)
      if (seg->pages[i].kind != 0) slots_out += seg->pages[i].used;
  }
  if (heap->spare != NULL) {
    const hak_segment_t *seg = heap->spare;
    if (!hak_segment_is_valid(seg, heap)) return false;
    HEAP_CHECK(seg->pages_used == 0 && seg->free_slices == ~(uint64_t)1, "the spare segment is not empty");
    HEAP_CHECK(seg->next == NULL && seg->prev == NULL, "the spare segment is linked");
  }

  /* Class lists: pages of class cls, not full, of this heap's segments. */
  size_t listed = 0;
  for (unsigned cls = 0; cls < HAK_CLASSES; cls++) {
    const hak_page_t *page = heap->pages[cls];
    HEAP_CHECK(page != NULL, "a class list is NULL instead of the empty page");
    if (page == &hak_empty_page) {
      HEAP_CHECK(heap->tails[cls] == NULL, "an empty class list has a tail");
      continue;
    }
    const hak_page_t *prev = NULL;
    for (; page != NULL; prev = page, page = page->next) {
      HEAP_CHECK(page != &hak_empty_page, "the empty page is linked inside a class list");
      HEAP_CHECK(page->prev == prev, "class list: prev link broken");
      HEAP_CHECK(page->kind != 0 && page->cls == cls, "class list holds a page of another class or not in use");
      HEAP_CHECK(!page->in_full, "a page marked full is on a class list");
      HEAP_CHECK(hak_seg_of(page)->heap == heap, "class list holds a page of another heap");
      HEAP_CHECK(++listed <= pages_in_use, "more pages listed than in use (a page on two lists, or a cycle)");
    }
    HEAP_CHECK(heap->tails[cls] == prev, "class list tail is not its last page");
  }
  /* Full list: pages marked in_full, of this heap's segments. */
  const hak_page_t *prev = NULL;
  for (const hak_page_t *page = heap->full; page != NULL; prev = page, page = page->next) {
    HEAP_CHECK(page->prev == prev, "full list: prev link broken");
    HEAP_CHECK(page->kind != 0 && page->in_full, "full list holds a page not marked full or not in use");
    HEAP_CHECK(hak_seg_of(page)->heap == heap, "full list holds a page of another heap");
    HEAP_CHECK(++listed <= pages_in_use, "more pages listed than in use (a page on two lists, or a cycle)");
  }
  /* Every page in use is on exactly one list: its class list or the full list. */
  HEAP_CHECK(listed == pages_in_use, "a page in use is on no list");

  /* Remote stack: slots of this heap's pages, freed (they went through
   * free), still counted in their page's used. Only the owner pops, and a
   * pusher writes a slot's link before publishing it, so the owner may walk
   * the stack while other threads push. */
  size_t remote = 0;
  for (void *slot = atomic_load_explicit(&((hak_heap_t *)(uintptr_t)heap)->remote, memory_order_acquire); slot != NULL;
       slot = hak_link_get(slot)) {
    HEAP_CHECK(++remote <= slots_out, "remote stack longer than the slots handed out (a cycle, or used too low)");
    hak_segment_t *seg = hak_seg_of(slot);
    HEAP_CHECK(segmap_has(seg) && seg->kind == HAK_KIND_SMALL && seg->heap == heap, "remote stack holds a slot of another heap");
    const hak_page_t *page = hak_page_of(seg, slot);
    HEAP_CHECK(page->kind != 0 && hak_page_has_slot(page, slot), "remote stack holds a pointer that is not a slot");
    uint64_t mark = page->kind == HAK_KIND_MID ? hak_base_header(hak_slot_base(slot))->check : load_word((char *)slot + 8);
    uint64_t at = page->kind == HAK_KIND_MID ? (uint64_t)(uintptr_t)hak_base_header(hak_slot_base(slot)) : (uint64_t)(uintptr_t)slot;
    HEAP_CHECK(mark == (HAK_FREED_MARK ^ at), "remote stack holds a slot that was not freed");
  }
  return true;
}
#endif /* HAK_ASSERT_ON */
#endif

/*
 * Checks of the debug build (HAKMEM_BUILD_RELEASE=0): invalid free, double
 * free and header corruption are reported with the pointer, then abort().
 * Messages are written with write(2): no stdio, no allocation.
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

void hak_debug_fail(const char *what, const void *p, const char *detail) {
  char line[256];
  size_t at = put_str(line, 0, "hakmem: ");
  at = put_str(line, at, what);
  at = put_str(line, at, " of pointer ");
  at = put_hex(line, at, (uintptr_t)p);
  at = put_str(line, at, ": ");
  at = put_str(line, at, detail);
  line[at++] = '\n';
  ssize_t ignored = write(2, line, at);
  (void)ignored;
  abort();
}

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
  if (hak_settings.verbose) atexit(report_exit);
}
#endif

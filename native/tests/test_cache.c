/*
 * Unit tests of the mapping caches and the purge delay, through the hak_*
 * API only (so they also run under the sanitizers):
 *  - a freed large block stays resident until the purge delay ran out, then
 *    its memory goes back to the OS on the next cold path (hak_thread_flush);
 *  - a freed large block is reused by the next large request (same address,
 *    old data gone for calloc);
 *  - realloc grows a large block without moving it while it fits its
 *    reservation, and keeps the data when it must move;
 *  - empty segments follow the same delay;
 *  - a storm of large malloc/free keeps the peak RSS near the live bytes.
 * The purge delay is set through HAKMEM_PURGE_DELAY: the program re-executes
 * itself with it, since settings are read once at start.
 * Residency of a freed block is read with mincore on its own pages (a
 * sanitizer's shadow memory does not count); RSS is read with open/read (no allocation, so no allocator path runs
 * between a free and the reading: "not purged before the delay" holds on any
 * machine load).
 */
#include <fcntl.h>
#include <sys/mman.h>
#include <time.h>

#include "hakmem.h"
#include "test_common.h"

#define MIB ((size_t)1 << 20)
#define DELAY_MS 1000

static long status_kb(const char *field) {
  char buf[4096];
  int fd = open("/proc/self/status", O_RDONLY);
  if (fd < 0) return -1;
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0) return -1;
  buf[n] = '\0';
  const char *at = strstr(buf, field);
  return at != NULL ? strtol(at + strlen(field), NULL, 10) : -1;
}

static long rss_kb(void) { return status_kb("VmRSS:"); }

/* KiB of [p, p + n) resident in memory; 0 once unmapped. */
static long resident_kb(const void *p, size_t n) {
  static unsigned char vec[(64 << 20) / 4096];
  uintptr_t start = (uintptr_t)p & ~(uintptr_t)4095;
  size_t pages = ((uintptr_t)p + n - start + 4095) / 4096;
  if (pages > sizeof vec) pages = sizeof vec;
  if (mincore((void *)start, pages * 4096, vec) != 0) return 0;
  long kb = 0;
  for (size_t i = 0; i < pages; i++) kb += (vec[i] & 1) ? 4 : 0;
  return kb;
}

/* The peak-RSS bound holds for the allocator, not for ThreadSanitizer's
 * shadow memory, which madvise does not give back. */
#if defined(__SANITIZE_THREAD__)
#define RSS_BOUNDS 0
#else
#define RSS_BOUNDS 1
#endif

static void sleep_ms(long ms) {
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  while (nanosleep(&ts, &ts) != 0) {
  }
}

static void touch(unsigned char *p, size_t n, unsigned char v) {
  for (size_t i = 0; i < n; i += 4096) p[i] = v;
  p[n - 1] = v;
}

static void test_purge_delay(void) {
  size_t size = 48 * MIB;
  unsigned char *p = hak_alloc(size);
  CHECK(p != NULL);
  touch(p, size, 1);
  long live = resident_kb(p, size);
  CHECKF(live >= 47 * 1024, "touched 48 MiB, %ld KiB resident", live);
  hak_free(p);
  long freed = resident_kb(p, size);
  /* Not before the delay: the mapping is cached with its memory. */
  CHECKF(freed >= live - 64, "memory returned at once after free: %ld -> %ld KiB", live, freed);
  sleep_ms(DELAY_MS + 300);
  hak_thread_flush(); /* a cold path: checks the delay */
  long purged = resident_kb(p, size);
  /* After the delay: given back (the header page may stay). */
  CHECKF(purged <= 64, "memory not returned after the delay: %ld KiB resident", purged);
  printf("ok purge delay (%ld KiB resident, %ld after free, %ld after %d ms)\n", live, freed, purged, DELAY_MS);
}

static void test_reuse(void) {
  size_t size = 20 * MIB;
  unsigned char *p = hak_alloc(size);
  CHECK(p != NULL);
  memset(p, 0xab, size);
  hak_free(p);
  unsigned char *q = hak_alloc_zeroed(1, size - 4096);
  /* The cached mapping serves the next request that fits. */
  CHECKF(q == p, "large block not reused: %p then %p", (void *)p, (void *)q);
  for (size_t i = 0; i < size - 4096; i += 509) CHECKF(q[i] == 0, "calloc of a reused block: byte %zu is %d", i, q[i]);
  memset(q, 0x5c, size - 4096);
  /* Growing within the reservation keeps the address and the data. */
  unsigned char *r = hak_realloc(q, size + 4 * MIB);
  CHECK(r == q);
  CHECK(r[0] == 0x5c && r[size - 4097] == 0x5c);
  CHECK(hak_usable_size(r) >= size + 4 * MIB);
  /* Far beyond it: moved (pages remapped or copied), data kept. */
  unsigned char *s = hak_realloc(r, 200 * MIB);
  CHECK(s != NULL && ((uintptr_t)s & 15) == 0);
  for (size_t i = 0; i < size - 4096; i += 4093) CHECKF(s[i] == 0x5c, "data lost by realloc at %zu", i);
  s[200 * MIB - 1] = 1;
  /* Shrinking keeps it in place. */
  unsigned char *t = hak_realloc(s, 6 * MIB);
  CHECK(t == s && t[0] == 0x5c);
  hak_free(t);
  printf("ok large mapping reuse and realloc\n");
}

static void test_segment_delay(void) {
  enum { N = 6000 };
  static void *blocks[N];
  long live = 0, freed = 0, purged = 0;
  for (int i = 0; i < N; i++) {
    blocks[i] = hak_alloc(4000);
    CHECK(blocks[i] != NULL);
    memset(blocks[i], i, 4000);
  }
  for (int i = 0; i < N; i++) live += resident_kb(blocks[i], 4000);
  for (int i = 0; i < N; i++) hak_free(blocks[i]);
  hak_thread_flush(); /* empty pages and segments go to the cache */
  for (int i = 0; i < N; i++) freed += resident_kb(blocks[i], 4000);
  sleep_ms(DELAY_MS + 300);
  hak_thread_flush();
  for (int i = 0; i < N; i++) purged += resident_kb(blocks[i], 4000);
  /* Blocks straddle pages, so each counts one or two; most segments are
   * cached, so most stay resident until the delay; then nearly none (the
   * one segment that also holds other live blocks keeps its free pages). */
  CHECKF(live >= N * 4, "small blocks resident: %ld KiB", live);
  CHECKF(freed >= live / 2, "empty segments returned at once: %ld -> %ld KiB", live, freed);
  CHECKF(purged <= 4096 + live / 10, "empty segments not purged after the delay: %ld of %ld KiB", purged, live);
  printf("ok segment purge delay (%ld KiB resident, %ld after free, %ld after the delay)\n", live, freed, purged);
}

static void test_storm(void) {
  enum { SLOTS = 8, ROUNDS = 400 };
  unsigned char *slot[SLOTS] = {0};
  size_t size[SLOTS] = {0};
  uint64_t rng = 7;
  long base = status_kb("VmRSS:");
  size_t live_max = 0;
  for (int i = 0; i < ROUNDS; i++) {
    unsigned k = (unsigned)(test_rand(&rng) % SLOTS);
    size_t n = 5 * MIB + (size_t)(test_rand(&rng) % (20 * MIB));
    unsigned char *p = hak_alloc(n);
    CHECK(p != NULL);
    touch(p, n, (unsigned char)i);
    if (slot[k] != NULL) {
      CHECK(slot[k][0] == slot[k][size[k] - 1]);
      hak_free(slot[k]);
    }
    slot[k] = p;
    size[k] = n;
    size_t live = 0;
    for (int j = 0; j < SLOTS; j++) live += size[j];
    if (live > live_max) live_max = live;
  }
  long hwm = status_kb("VmHWM:");
  for (int j = 0; j < SLOTS; j++) hak_free(slot[j]);
  /* Peak: the live blocks, the one allocated before its predecessor is
   * freed, and the cache's resident bound; not every block ever touched. */
  long bound = base + (long)((live_max + 25 * MIB + 64 * MIB) / 1024);
  CHECKF(!RSS_BOUNDS || hwm <= bound, "peak rss %ld KiB above %ld KiB (live max %zu KiB)", hwm, bound, live_max / 1024);
  sleep_ms(DELAY_MS + 300);
  hak_thread_flush();
  long end = rss_kb();
  CHECKF(!RSS_BOUNDS || end <= base + 8 * 1024, "rss after the storm and the delay: %ld KiB (base %ld)", end, base);
  printf("ok large-block storm (peak %ld KiB, live max %zu KiB, end %ld KiB)\n", hwm, live_max / 1024, end);
}

int main(int argc, char **argv) {
  (void)argc;
  if (getenv("HAKMEM_PURGE_DELAY") == NULL) {
    setenv("HAKMEM_PURGE_DELAY", "1000", 1);
    execv("/proc/self/exe", argv);
    perror("execv");
    return 1;
  }
  test_purge_delay();
  test_reuse();
  test_segment_delay();
  test_storm();
  printf("cache: all %llu checks passed\n", test_checks);
  return 0;
}

/*
 * Unit tests of the allocator through the hak_* API (and, when the build
 * interposes them, the libc names): size classes, alignment, realloc and
 * calloc edge cases, usable size, large blocks, errno values, memory going
 * back to the OS, thread exit and fork.
 */
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <sys/wait.h>

#include "hakmem.h"
#include "test_common.h"

#define MIB ((size_t)1 << 20)

static void fill(unsigned char *p, size_t n, unsigned seed) {
  for (size_t i = 0; i < n; i++) p[i] = (unsigned char)(seed + i * 7);
}

static int same(const unsigned char *p, size_t n, unsigned seed) {
  for (size_t i = 0; i < n; i++)
    if (p[i] != (unsigned char)(seed + i * 7)) return 0;
  return 1;
}

static void test_size_classes(void) {
  /* Every size up to 4 KiB, then a spread up to beyond the mid pool. */
  for (size_t n = 0; n <= 300000; n += (n < 4096 ? 1 : n < 70000 ? 61 : 997)) {
    unsigned char *p = hak_alloc(n);
    CHECKF(p != NULL, "size %zu", n);
    CHECKF(((uintptr_t)p & 15) == 0, "size %zu: %p not 16-aligned", n, (void *)p);
    size_t usable = hak_usable_size(p);
    CHECKF(usable >= n, "size %zu: usable %zu", n, usable);
    /* Classes are 16 bytes apart up to 256 bytes, then 4 per power of two (<= 25% slack),
     * large blocks are rounded to the page. */
    size_t slack = n <= 256 ? 16 : n <= HAK_MID_MAX ? n / 4 + 16 : 4096 + 80;
    CHECKF(usable <= (n == 0 ? 16 : n + slack), "size %zu: usable %zu", n, usable);
    fill(p, usable, (unsigned)n);
    CHECK(same(p, usable, (unsigned)n));
    hak_free(p);
  }
  printf("ok size classes\n");
}

static int cmp_ptr(const void *a, const void *b) {
  uintptr_t x = *(const uintptr_t *)a, y = *(const uintptr_t *)b;
  return x < y ? -1 : x > y;
}

static void test_distinct_blocks(void) {
  enum { N = 20000 };
  static uintptr_t ptrs[N];
  static const size_t sizes[] = {1, 24, 100, 1000, 5000, 20000};
  for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
    size_t count = sizes[s] >= 5000 ? N / 10 : N;
    for (size_t i = 0; i < count; i++) {
      ptrs[i] = (uintptr_t)hak_alloc(sizes[s]);
      CHECK(ptrs[i] != 0);
      memset((void *)ptrs[i], (int)i, sizes[s]);
    }
    qsort(ptrs, count, sizeof ptrs[0], cmp_ptr);
    for (size_t i = 1; i < count; i++)
      CHECKF(ptrs[i] - ptrs[i - 1] >= sizes[s], "blocks of %zu overlap: %#lx %#lx", sizes[s], (unsigned long)ptrs[i - 1],
             (unsigned long)ptrs[i]);
    for (size_t i = 0; i < count; i++) hak_free((void *)ptrs[i]);
  }
  printf("ok distinct blocks\n");
}

static void test_alignment(void) {
  static const size_t sizes[] = {1, 16, 100, 4096, 9000, 70000, 3 * MIB};
  for (size_t align = 1; align <= 16 * MIB; align <<= 1) {
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
      unsigned char *p = hak_alloc_aligned(align, sizes[s]);
      CHECKF(p != NULL, "align %zu size %zu", align, sizes[s]);
      CHECKF(((uintptr_t)p & (align - 1)) == 0 && ((uintptr_t)p & 15) == 0, "align %zu size %zu: %p", align, sizes[s],
             (void *)p);
      CHECK(hak_usable_size(p) >= sizes[s]);
      fill(p, sizes[s], 3);
      CHECK(same(p, sizes[s], 3));
      hak_free(p);
    }
  }
  errno = 0;
  CHECK(hak_alloc_aligned(48, 10) == NULL && errno == EINVAL);
#if !HAKMEM_NO_INTERPOSE
  void *out = NULL;
  CHECK(posix_memalign(&out, 3, 10) == EINVAL);
  CHECK(posix_memalign(&out, 4, 10) == EINVAL); /* < sizeof(void *) */
  CHECK(posix_memalign(&out, 0, 10) == EINVAL);
  CHECK(posix_memalign(&out, 64, 10) == 0 && ((uintptr_t)out & 63) == 0);
  free(out);
  CHECK(posix_memalign(&out, 64, SIZE_MAX - 10) == ENOMEM);
  errno = 0;
  CHECK(aligned_alloc(3, 10) == NULL && errno == EINVAL);
  errno = 0;
  CHECK(aligned_alloc(0, 10) == NULL && errno == EINVAL);
  errno = 0;
  CHECK(memalign(24, 10) == NULL && errno == EINVAL);
  void *m = memalign(256, 1000);
  CHECK(m != NULL && ((uintptr_t)m & 255) == 0);
  free(m);
  void *v = valloc(10);
  CHECK(v != NULL && ((uintptr_t)v & 4095) == 0);
  free(v);
  void *pv = pvalloc(5000);
  CHECK(pv != NULL && ((uintptr_t)pv & 4095) == 0 && malloc_usable_size(pv) >= 8192);
  free(pv);
  void *a = aligned_alloc(4096, 8192);
  CHECK(a != NULL && ((uintptr_t)a & 4095) == 0);
  free(a);
#endif
  printf("ok alignment\n");
}

static void test_calloc(void) {
  errno = 0;
  CHECK(hak_alloc_zeroed(SIZE_MAX / 2, 3) == NULL && errno == ENOMEM);
  errno = 0;
  CHECK(hak_alloc_zeroed((size_t)1 << 33, (size_t)1 << 33) == NULL && errno == ENOMEM);
  static const size_t sizes[] = {1, 48, 1000, 8192, 12000, 200000, 2 * MIB};
  for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
    /* Dirty a block of the same size first so calloc must clear reused memory. */
    unsigned char *d = hak_alloc(sizes[s]);
    memset(d, 0xAA, sizes[s]);
    hak_free(d);
    unsigned char *p = hak_alloc_zeroed(sizes[s], 1);
    CHECK(p != NULL);
    for (size_t i = 0; i < sizes[s]; i++) CHECKF(p[i] == 0, "calloc(%zu) byte %zu not zero", sizes[s], i);
    hak_free(p);
  }
  unsigned char *z = hak_alloc_zeroed(0, 10);
  CHECK(z != NULL);
  hak_free(z);
#if !HAKMEM_NO_INTERPOSE
  errno = 0;
  CHECK(calloc(SIZE_MAX / 4, 5) == NULL && errno == ENOMEM);
#endif
  printf("ok calloc\n");
}

static void test_realloc(void) {
  /* realloc(NULL, n) allocates; realloc(p, 0) frees and returns NULL. */
  unsigned char *p = hak_realloc(NULL, 40);
  CHECK(p != NULL);
  fill(p, 40, 9);
  CHECK(hak_realloc(p, 0) == NULL);
  /* Growth across every kind keeps the contents. */
  static const size_t steps[] = {1, 17, 100, 1024, 1500, 8192, 8193, 40000, 262144, 262145, MIB, 5 * MIB, 40 * MIB};
  size_t prev = 0;
  p = NULL;
  for (size_t s = 0; s < sizeof steps / sizeof steps[0]; s++) {
    p = hak_realloc(p, steps[s]);
    CHECKF(p != NULL, "grow to %zu", steps[s]);
    CHECK(((uintptr_t)p & 15) == 0);
    CHECKF(same(p, prev, 5), "contents lost growing to %zu", steps[s]);
    fill(p, steps[s], 5);
    prev = steps[s];
  }
  for (size_t s = sizeof steps / sizeof steps[0]; s-- > 0;) {
    p = hak_realloc(p, steps[s]);
    CHECKF(p != NULL && same(p, steps[s], 5), "contents lost shrinking to %zu", steps[s]);
    CHECK(hak_usable_size(p) >= steps[s]);
  }
  hak_free(p);
  /* A failed realloc leaves the block intact. */
  p = hak_alloc(100);
  fill(p, 100, 1);
  errno = 0;
  CHECK(hak_realloc(p, SIZE_MAX - 4096) == NULL && errno == ENOMEM);
  CHECK(same(p, 100, 1));
#if !HAKMEM_NO_INTERPOSE
  errno = 0;
  CHECK(reallocarray(p, SIZE_MAX / 2, 4) == NULL && errno == ENOMEM);
  CHECK(same(p, 100, 1));
  p = reallocarray(p, 50, 4);
  CHECK(p != NULL && same(p, 100, 1));
#endif
  hak_free(p);
  printf("ok realloc\n");
}

static void test_large_and_errno(void) {
  errno = 0;
  CHECK(hak_alloc(SIZE_MAX) == NULL && errno == ENOMEM);
  errno = 0;
  CHECK(hak_alloc(SIZE_MAX / 2) == NULL && errno == ENOMEM);
  CHECK(hak_usable_size(NULL) == 0);
  hak_free(NULL);
  static const size_t sizes[] = {262145, MIB, 3 * MIB + 1, 64 * MIB};
  for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
    unsigned char *p = hak_alloc(sizes[s]);
    CHECK(p != NULL && ((uintptr_t)p & 15) == 0);
    CHECK(hak_usable_size(p) >= sizes[s] && hak_usable_size(p) < sizes[s] + 8192);
    p[0] = 1;
    p[sizes[s] / 2] = 2;
    p[sizes[s] - 1] = 3;
    hak_free(p);
  }
#if !HAKMEM_NO_INTERPOSE
  free(NULL);
  CHECK(malloc_usable_size(NULL) == 0);
  errno = 0;
  CHECK(malloc(SIZE_MAX) == NULL && errno == ENOMEM);
#endif
  printf("ok large blocks and errno\n");
}

/* A steady-state loop must not grow: empty pages and segments are reused or unmapped. */
static void test_steady_state(void) {
  enum { N = 50000 };
  static void *blocks[N];
  long after_first = 0;
  for (int round = 0; round < 30; round++) {
    size_t size = (size_t)(16 + (round % 7) * 150);
    for (size_t i = 0; i < N; i++) blocks[i] = hak_alloc(size + (i % 5) * 16);
    for (size_t i = 0; i < N; i++) hak_free(blocks[i]);
    void *big = hak_alloc(32 * MIB);
    memset(big, 1, 32 * MIB);
    hak_free(big);
    if (round == 6) after_first = test_rss_kb();
  }
  hak_thread_flush();
  /* Cached segments keep their memory for the purge delay (default 50 ms):
   * wait past it, and let the next cold path give it back. */
  usleep(200000);
  hak_thread_flush();
  long end = test_rss_kb();
  CHECKF(end <= after_first + 4096, "RSS grew from %ld KiB to %ld KiB", after_first, end);
  printf("ok steady state (rss %ld -> %ld KiB)\n", after_first, end);
}

static void *thread_alloc(void *arg) {
  void **out = arg;
  for (int i = 0; i < 1000; i++) out[i] = hak_alloc((size_t)(i % 300) + 1);
  return NULL; /* the heap goes back to the pool at exit; main frees the blocks */
}

static void test_thread_exit(void) {
  static void *blocks[1000];
  long start = 0;
  for (int round = 0; round < 200; round++) {
    pthread_t t;
    CHECK(pthread_create(&t, NULL, thread_alloc, blocks) == 0);
    CHECK(pthread_join(t, NULL) == 0);
    for (int i = 0; i < 1000; i++) {
      CHECK(blocks[i] != NULL);
      hak_free(blocks[i]); /* remote free into a heap without a thread */
    }
    if (round == 20) start = test_rss_kb();
  }
  long end = test_rss_kb();
  CHECKF(end <= start + 2048, "RSS grew from %ld KiB to %ld KiB over 180 thread lifetimes", start, end);
  printf("ok thread exit (rss %ld -> %ld KiB)\n", start, end);
}

static void test_fork(void) {
  void *before = hak_alloc(100);
  pid_t pid = fork();
  CHECK(pid >= 0);
  if (pid == 0) {
    void *blocks[1000];
    for (int i = 0; i < 1000; i++) blocks[i] = hak_alloc((size_t)i + 1);
    for (int i = 0; i < 1000; i++) hak_free(blocks[i]);
    hak_free(before);
    _exit(0);
  }
  int status = 0;
  CHECK(waitpid(pid, &status, 0) == pid);
  CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  hak_free(before);
  printf("ok fork\n");
}

int main(void) {
  test_size_classes();
  test_distinct_blocks();
  test_alignment();
  test_calloc();
  test_realloc();
  test_large_and_errno();
  test_steady_state();
  test_thread_exit();
  test_fork();
  printf("unit: all %llu checks passed\n", test_checks);
  return 0;
}

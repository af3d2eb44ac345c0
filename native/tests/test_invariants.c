/*
 * The debug build's validity checks (hak_page_is_valid, hak_segment_is_valid,
 * hak_heap_is_valid, hak_pool_is_valid; hakmem_internal.h), white-box:
 *   valid    after a workload (mixed sizes, cross-thread frees, realloc,
 *            aligned and large blocks, thread exit) every check passes, with
 *            blocks live, remote stacks pending, and after a flush;
 *   corrupt  an invariant broken on purpose in a forked child is reported on
 *            stderr by the allocator's own HAK_ASSERT, which aborts.
 * Debug configurations only (HAKMEM_BUILD_RELEASE=0): the checks do not
 * exist in the release build.   usage: test_invariants valid|corrupt
 */
#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>

#include "../src/hakmem_internal.h"
#include "test_common.h"

#if !HAK_ASSERT_ON
/* A release configuration has no checks to test: say so instead of failing
 * to compile (editors evaluate this file for the release build too). */
#include <stdio.h>
int main(void) {
  fputs("test_invariants needs the debug build (HAKMEM_BUILD_RELEASE=0, no NDEBUG)\n", stderr);
  return 2;
}
#else

static unsigned long long heap_checks, page_checks;

/* Every page in use of the calling thread's heap, one by one, then the heap
 * as a whole (which checks its segments, their pages and its lists). */
static void check_own_heap(void) {
  hak_heap_t *heap = hak_tls_heap;
  CHECK(heap != NULL);
  for (hak_segment_t *seg = heap->segments; seg != NULL; seg = seg->next) {
    CHECK(hak_segment_is_valid(seg, heap));
    for (unsigned i = 1; i < HAK_SLICES; i++) {
      if (seg->pages[i].kind == 0) continue;
      CHECK(hak_page_is_valid(&seg->pages[i]));
      page_checks++;
    }
  }
  CHECK(hak_heap_is_valid(heap));
  heap_checks++;
}

static size_t pick_size(uint64_t *rng) {
  uint64_t r = test_rand(rng) % 100;
  if (r < 70) return (size_t)(test_rand(rng) % 1025);              /* small, 16-byte steps */
  if (r < 90) return 1025 + (size_t)(test_rand(rng) % 7168);       /* small, up to HAK_SMALL_MAX */
  if (r < 99) return 8193 + (size_t)(test_rand(rng) % 100000);     /* mid pool */
  return HAK_MID_MAX + 1 + (size_t)(test_rand(rng) % (1u << 20));  /* large */
}

enum { THREADS = 4, BLOCKS = 4000, ROUNDS = 6 };

/* Blocks a thread hands to the next one, which frees them (cross-thread). */
static void *handoff[THREADS][BLOCKS];
static pthread_barrier_t barrier;

static void *worker(void *arg) {
  unsigned id = (unsigned)(uintptr_t)arg;
  uint64_t rng = 1234 + id;
  static _Thread_local void *mine[BLOCKS];
  for (int round = 0; round < ROUNDS; round++) {
    for (size_t i = 0; i < BLOCKS; i++) {
      mine[i] = hak_alloc(pick_size(&rng));
      CHECK(mine[i] != NULL);
      handoff[id][i] = (i % 2 == 0) ? hak_alloc(pick_size(&rng)) : NULL;
    }
    for (size_t i = 0; i < BLOCKS; i += 3) mine[i] = hak_realloc(mine[i], pick_size(&rng) + 1);
    for (size_t i = 0; i < BLOCKS; i += 5) {
      hak_free(mine[i]);
      mine[i] = hak_alloc_aligned((size_t)64 << (i % 8), 100);
      CHECK(mine[i] != NULL);
    }
    check_own_heap();
    pthread_barrier_wait(&barrier);
    /* Free the previous thread's hand-off: these go onto its remote stack. */
    unsigned from = (id + THREADS - 1) % THREADS;
    for (size_t i = 0; i < BLOCKS; i++) hak_free(handoff[from][i]);
    pthread_barrier_wait(&barrier);
    /* Now this heap's remote stack holds what the next thread freed. */
    check_own_heap();
    for (size_t i = 0; i < BLOCKS; i += 2) hak_free(mine[i]);
    check_own_heap();
    for (size_t i = 1; i < BLOCKS; i += 2) hak_free(mine[i]);
    hak_thread_flush(); /* drains the remote stack, releases empty pages */
    check_own_heap();
    pthread_barrier_wait(&barrier);
  }
  return NULL; /* the heap is parked in the pool */
}

static void test_valid(void) {
  CHECK(hak_class_tables_are_valid());
  CHECK(pthread_barrier_init(&barrier, NULL, THREADS) == 0);
  for (int generation = 0; generation < 3; generation++) {
    pthread_t t[THREADS];
    for (unsigned i = 0; i < THREADS; i++) CHECK(pthread_create(&t[i], NULL, worker, (void *)(uintptr_t)i) == 0);
    for (unsigned i = 0; i < THREADS; i++) CHECK(pthread_join(t[i], NULL) == 0);
    /* Parked heaps of the exited threads, adopted by the next generation. */
    CHECK(hak_pool_is_valid());
  }
  CHECK(pthread_barrier_destroy(&barrier) == 0);
  /* The main thread's heap with blocks live, then after freeing them. */
  uint64_t rng = 99;
  static void *blocks[20000];
  for (size_t i = 0; i < 20000; i++) blocks[i] = hak_alloc(pick_size(&rng));
  for (size_t i = 0; i < 20000; i += 2) hak_free(blocks[i]);
  check_own_heap();
  for (size_t i = 1; i < 20000; i += 2) hak_free(blocks[i]);
  check_own_heap();
  hak_thread_flush();
  check_own_heap();
  printf("ok valid after workload (%llu heap checks, %llu page checks)\n", heap_checks, page_checks);
}

/* ---- deliberate corruption, one per child ---- */

static void *keep[64];

static hak_page_t *page_of(void *p) { return hak_page_of(hak_seg_of(p), p); }

/* A use-after-free write: a freed slot's free-list link made to point
 * inside another block; the second allocation pops it. */
static void corrupt_free_list_link(void) {
  char *p = hak_alloc(48);
  char *q = hak_alloc(48);
  keep[0] = p;
  hak_free(q);
  void *inside = p + 24; /* not a slot boundary */
  memcpy(q, &inside, sizeof inside);
  keep[1] = hak_alloc(48);
  keep[2] = hak_alloc(48);
}

/* page->used one too high: a carved slot is neither on the free list nor handed out. */
static void corrupt_page_used(void) {
  keep[0] = hak_alloc(64);
  page_of(keep[0])->used++;
  hak_thread_flush();
}

/* pages_used of a segment no longer counts its pages in use. */
static void corrupt_segment_pages_used(void) {
  keep[0] = hak_alloc(200);
  hak_seg_of(keep[0])->pages_used++;
  hak_thread_flush();
}

/* A class list whose tail is not its last page. */
static void corrupt_class_list_tail(void) {
  keep[0] = hak_alloc(300);
  unsigned cls = hak_size_class(300);
  keep[1] = hak_alloc(20000); /* another class's page to point at */
  hak_tls_heap->tails[cls] = page_of(keep[1]);
  hak_thread_flush();
}

/* A segment on this heap's list that claims another owner. */
static void corrupt_segment_owner(void) {
  static hak_heap_t other;
  keep[0] = hak_alloc(500);
  hak_seg_of(keep[0])->heap = &other;
  hak_thread_flush();
}

typedef struct corruption {
  const char *name;
  void (*commit)(void);
  const char *report;    /* what the validity check or assertion says */
  const char *assertion; /* the failed HAK_ASSERT */
} corruption_t;

static const corruption_t corruptions[] = {
    {"free list link", corrupt_free_list_link, NULL, "assertion failed: hak_page_has_slot(page, slot)"},
    {"page used count", corrupt_page_used, "invalid page 0x", "assertion failed: hak_heap_is_valid(heap)"},
    {"segment pages_used", corrupt_segment_pages_used, "invalid segment 0x", "assertion failed: hak_heap_is_valid(heap)"},
    {"class list tail", corrupt_class_list_tail, "class list tail is not its last page", "assertion failed: hak_heap_is_valid(heap)"},
    {"segment owner", corrupt_segment_owner, "owned by another heap", "assertion failed: hak_heap_is_valid(heap)"},
};

/* Runs `c` in a child with stderr captured; it must abort with the report. */
static void expect_abort(const corruption_t *c) {
  int fds[2];
  CHECK(pipe(fds) == 0);
  fflush(stdout);
  pid_t pid = fork();
  CHECK(pid >= 0);
  if (pid == 0) {
    close(fds[0]);
    dup2(fds[1], 2);
    c->commit();
    _exit(0); /* not detected */
  }
  close(fds[1]);
  char out[4096];
  size_t len = 0;
  ssize_t n;
  while (len < sizeof out - 1 && (n = read(fds[0], out + len, sizeof out - 1 - len)) > 0) len += (size_t)n;
  out[len] = '\0';
  close(fds[0]);
  int status = 0;
  CHECK(waitpid(pid, &status, 0) == pid);
  CHECKF(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT, "%s: child was not aborted (status %#x), stderr: %s", c->name,
         (unsigned)status, out);
  CHECKF(strncmp(out, "hakmem: ", 8) == 0, "%s: no hakmem report on stderr: %s", c->name, out);
  if (c->report != NULL) CHECKF(strstr(out, c->report) != NULL, "%s: report lacks \"%s\": %s", c->name, c->report, out);
  CHECKF(strstr(out, c->assertion) != NULL, "%s: report lacks \"%s\": %s", c->name, c->assertion, out);
  char *eol = strchr(out, '\n');
  if (eol != NULL) *eol = '\0';
  printf("ok detects %s: %s\n", c->name, out);
}

static void test_corrupt(void) {
  for (size_t i = 0; i < sizeof corruptions / sizeof corruptions[0]; i++) expect_abort(&corruptions[i]);
}

int main(int argc, char **argv) {
  if (argc != 2 || (strcmp(argv[1], "valid") != 0 && strcmp(argv[1], "corrupt") != 0)) {
    fprintf(stderr, "usage: test_invariants valid|corrupt\n");
    return 2;
  }
  if (strcmp(argv[1], "valid") == 0) test_valid();
  else test_corrupt();
  printf("invariants: all %llu checks passed\n", test_checks);
  return 0;
}

#endif /* HAK_ASSERT_ON */

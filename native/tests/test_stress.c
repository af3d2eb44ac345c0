/*
 * Multi-threaded stress test: `threads` threads allocate blocks of mixed
 * sizes (small, mid-pool, occasionally large), write a pattern after
 * malloc and verify it before free; a shared mailbox array hands blocks to
 * other threads, so many frees are cross-thread. Some blocks are resized with
 * realloc (content must survive). Runs for `seconds`; exit 0 when every
 * check passed. Debug builds also run the allocator's validity checks on
 * each thread's heap while other threads keep freeing into it, and on the
 * pool of parked heaps at the end.   usage: test_stress [seconds] [threads]
 */
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include "hakmem.h"
#include "test_common.h"

#ifndef HAKMEM_TEST_DEBUG
#define HAKMEM_TEST_DEBUG 0
#endif
#if HAKMEM_TEST_DEBUG
#include "../src/hakmem_internal.h"
/* The calling thread's heap (its segments, pages, lists, remote stack). */
#define CHECK_OWN_HEAP() CHECK(hak_tls_heap == NULL || hak_heap_is_valid(hak_tls_heap))
#define CHECK_POOL() CHECK(hak_pool_is_valid())
#else
#define CHECK_OWN_HEAP() ((void)0)
#define CHECK_POOL() ((void)0)
#endif

enum { LOCAL_SLOTS = 2048, MAILBOX = 4096 };

typedef struct block_head {
  uint64_t size;
  uint64_t seed;
} block_head_t;

static _Atomic(unsigned char *) mailbox[MAILBOX];
static atomic_int stop_flag;
static atomic_ullong total_ops, total_remote, total_checks;

static size_t pick_size(uint64_t *rng) {
  uint64_t r = test_rand(rng) % 1000;
  if (r < 700) return 16 + (size_t)(test_rand(rng) % 1009);      /* small */
  if (r < 950) return 1024 + (size_t)(test_rand(rng) % 7169);    /* larger small classes */
  if (r < 998) return 8193 + (size_t)(test_rand(rng) % 120000);  /* mid pool */
  return 262145 + (size_t)(test_rand(rng) % (2u << 20));        /* large */
}

static unsigned char pattern(uint64_t seed, size_t i) { return (unsigned char)((seed >> (i % 7)) + i * 31); }

/* Writes the header and the pattern: whole block up to 512 bytes, then the
 * last 256 bytes and one byte every 4 KiB. */
static void stamp(unsigned char *p, size_t size, uint64_t seed) {
  block_head_t head = {size, seed};
  memcpy(p, &head, sizeof head);
  size_t end = size < 512 ? size : 512;
  for (size_t i = sizeof head; i < end; i++) p[i] = pattern(seed, i);
  if (size > 512) {
    for (size_t i = 4096; i < size; i += 4096) p[i] = pattern(seed, i);
    for (size_t i = size - 256; i < size; i++) p[i] = pattern(seed, i);
  }
}

static void verify(const unsigned char *p) {
  block_head_t head;
  memcpy(&head, p, sizeof head);
  CHECKF(head.size >= 16 && head.size < (64u << 20), "corrupt header %p: size %llu", (const void *)p,
         (unsigned long long)head.size);
  size_t size = (size_t)head.size;
  CHECKF(hak_usable_size(p) >= size, "usable size %zu < %zu", hak_usable_size(p), size);
  size_t end = size < 512 ? size : 512;
  for (size_t i = sizeof head; i < end; i++) CHECKF(p[i] == pattern(head.seed, i), "%p byte %zu of %zu", (const void *)p, i, size);
  if (size > 512) {
    for (size_t i = 4096; i < size; i += 4096) CHECKF(p[i] == pattern(head.seed, i), "%p byte %zu of %zu", (const void *)p, i, size);
    for (size_t i = size - 256; i < size; i++) CHECKF(p[i] == pattern(head.seed, i), "%p byte %zu of %zu", (const void *)p, i, size);
  }
}

static unsigned char *make_block(uint64_t *rng) {
  size_t size = pick_size(rng);
  unsigned char *p = hak_alloc(size);
  CHECKF(p != NULL, "alloc %zu", size);
  CHECK(((uintptr_t)p & 15) == 0);
  stamp(p, size, test_rand(rng));
  return p;
}

static void *worker(void *arg) {
  uint64_t rng = (uint64_t)(uintptr_t)arg * 0x9e3779b97f4a7c15ull + 1;
  unsigned char *slots[LOCAL_SLOTS] = {0};
  unsigned long long ops = 0, remote = 0;
  for (unsigned round = 0; !atomic_load_explicit(&stop_flag, memory_order_relaxed); round++) {
    if (round % 512 == 511) CHECK_OWN_HEAP();
    for (int burst = 0; burst < 256; burst++, ops++) {
      size_t i = (size_t)(test_rand(&rng) % LOCAL_SLOTS);
      uint64_t action = test_rand(&rng) % 100;
      if (slots[i] == NULL) {
        slots[i] = make_block(&rng);
      } else if (action < 55) {
        verify(slots[i]);
        hak_free(slots[i]);
        slots[i] = make_block(&rng);
      } else if (action < 85) {
        /* Swap with a mailbox: the block we get may come from any thread. */
        size_t m = (size_t)(test_rand(&rng) % MAILBOX);
        unsigned char *theirs = atomic_exchange_explicit(&mailbox[m], slots[i], memory_order_acq_rel);
        slots[i] = NULL;
        if (theirs != NULL) {
          verify(theirs);
          hak_free(theirs);
          remote++;
        }
      } else {
        verify(slots[i]);
        block_head_t head;
        memcpy(&head, slots[i], sizeof head);
        size_t size = pick_size(&rng);
        unsigned char *q = hak_realloc(slots[i], size);
        CHECK(q != NULL);
        size_t keep = size < head.size ? size : (size_t)head.size;
        size_t end = keep < 512 ? keep : 512;
        for (size_t k = sizeof head; k < end; k++) CHECKF(q[k] == pattern(head.seed, k), "realloc lost byte %zu", k);
        stamp(q, size, test_rand(&rng));
        slots[i] = q;
      }
    }
  }
  for (size_t i = 0; i < LOCAL_SLOTS; i++) {
    if (slots[i] != NULL) {
      verify(slots[i]);
      hak_free(slots[i]);
    }
  }
  CHECK_OWN_HEAP();
  atomic_fetch_add(&total_ops, ops);
  atomic_fetch_add(&total_remote, remote);
  atomic_fetch_add(&total_checks, test_checks);
  return NULL;
}

int main(int argc, char **argv) {
  double seconds = argc > 1 ? atof(argv[1]) : 20.0;
  int threads = argc > 2 ? atoi(argv[2]) : 4;
  if (seconds <= 0 || threads < 1 || threads > 256) {
    fprintf(stderr, "usage: test_stress [seconds>0] [threads 1..256]\n");
    return 2;
  }
  pthread_t tids[256];
  for (int t = 0; t < threads; t++) CHECK(pthread_create(&tids[t], NULL, worker, (void *)(uintptr_t)(t + 1)) == 0);
  struct timespec pause = {(time_t)seconds, (long)((seconds - (double)(time_t)seconds) * 1e9)};
  nanosleep(&pause, NULL);
  atomic_store(&stop_flag, 1);
  for (int t = 0; t < threads; t++) CHECK(pthread_join(tids[t], NULL) == 0);
  for (size_t m = 0; m < MAILBOX; m++) {
    unsigned char *p = atomic_load(&mailbox[m]);
    if (p != NULL) {
      verify(p);
      hak_free(p);
    }
  }
  CHECK_POOL();
  CHECK_OWN_HEAP();
  printf("stress: %d threads, %.1f s, %llu operations, %llu cross-thread frees, %llu checks: ok\n", threads, seconds,
         (unsigned long long)atomic_load(&total_ops), (unsigned long long)atomic_load(&total_remote),
         (unsigned long long)atomic_load(&total_checks) + test_checks);
  return 0;
}

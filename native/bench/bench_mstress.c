/*
 * mstress (after mimalloc's stress test): rounds of `threads` fresh
 * threads. Each thread keeps a set of its own blocks, mostly short-lived and
 * some retained across its whole life, and trades blocks with other threads
 * through a shared array of transfer slots (an atomic exchange: the block
 * it takes out was allocated by another thread, often of an earlier round,
 * and is freed here). Sizes are mostly small, with one in 100 up to 64 KiB
 * and one in 1000 up to 1 MiB. Threads end every round, so heaps of exited
 * threads are recycled. ops = blocks allocated.
 * Check: every block holds its tag until freed; at the end the count of
 * blocks verified and freed must equal the count allocated.
 */
#include <pthread.h>
#include <stdatomic.h>

#include "bench_check.h"
#include "bench_common.h"

static const char *usage = "bench_mstress threads rounds iterations seed";

#define TRANSFERS 1000
#define KEEP 512

typedef struct {
  unsigned char *p;
  size_t size;
  uint64_t id;
} block_t;

/* A transfer slot holds a block_t allocated with malloc, or NULL. */
static block_t *_Atomic transfer[TRANSFERS];
static unsigned long long iterations, seed;
static atomic_ullong next_id, freed_ok;

static block_t *block_new(uint64_t *rng) {
  uint64_t r = bench_rand(rng) % 1000;
  size_t size = r == 0 ? bench_size(rng, 65536, 1 << 20) : r < 10 ? bench_size(rng, 1024, 65536) : bench_size(rng, 8, 256);
  block_t *b = malloc(sizeof *b);
  if (b == NULL) bench_check_fail("mstress", "malloc returned NULL");
  b->p = malloc(size);
  if (b->p == NULL) bench_check_fail("mstress", "malloc returned NULL");
  b->size = size;
  b->id = atomic_fetch_add_explicit(&next_id, 1, memory_order_relaxed);
  bench_tag_write(b->p, size, bench_tag(b->id));
  return b;
}

static void block_free(block_t *b) {
  if (b == NULL) return;
  if (!bench_tag_ok(b->p, b->size, bench_tag(b->id))) bench_check_fail("mstress", "a block lost its contents");
  free(b->p);
  free(b);
  atomic_fetch_add_explicit(&freed_ok, 1, memory_order_relaxed);
}

static void *work(void *arg) {
  uint64_t rng = seed ^ ((uint64_t)(uintptr_t)arg * 0x2545f4914f6cdd1dull);
  block_t *keep[KEEP] = {0};
  for (unsigned long long i = 0; i < iterations; i++) {
    uint64_t r = bench_rand(&rng) % 100;
    size_t k = (size_t)(bench_rand(&rng) % KEEP);
    if (r < 50) { /* short-lived: replace a kept block */
      block_free(keep[k]);
      keep[k] = block_new(&rng);
    } else if (r < 80) { /* a block used and freed at once */
      block_free(block_new(&rng));
    } else { /* trade with another thread */
      block_t *mine = keep[k];
      keep[k] = NULL;
      if (mine == NULL) mine = block_new(&rng);
      block_free(atomic_exchange(&transfer[bench_rand(&rng) % TRANSFERS], mine));
    }
  }
  /* Half the kept blocks outlive the thread: handed to later rounds. */
  for (size_t k = 0; k < KEEP; k++) {
    if (keep[k] != NULL && (k & 1)) block_free(atomic_exchange(&transfer[bench_rand(&rng) % TRANSFERS], keep[k]));
    else block_free(keep[k]);
  }
  return NULL;
}

int main(int argc, char **argv) {
  if (argc != 5) bench_usage(usage);
  unsigned threads = (unsigned)bench_arg(argv, 1, 1, 256, "threads", usage);
  unsigned long long rounds = bench_arg(argv, 2, 1, 1u << 20, "rounds", usage);
  iterations = bench_arg(argv, 3, 1, 1ull << 32, "iterations", usage);
  seed = bench_arg(argv, 4, 0, ~0ull, "seed", usage);
  pthread_t tid[256];
  double start = bench_now();
  for (unsigned long long round = 0; round < rounds; round++) {
    for (unsigned i = 0; i < threads; i++)
      pthread_create(&tid[i], NULL, work, (void *)(uintptr_t)(round * threads + i + 1));
    for (unsigned i = 0; i < threads; i++) pthread_join(tid[i], NULL);
  }
  double seconds = bench_now() - start;
  for (size_t t = 0; t < TRANSFERS; t++) block_free(atomic_exchange(&transfer[t], NULL));
  unsigned long long ops = atomic_load(&next_id);
  printf("mstress: %u threads x %llu rounds, %llu blocks: %.2fM ops/s in %.3f s\n", threads, rounds, ops,
         (double)ops / seconds / 1e6, seconds);
  bench_check_line("mstress", atomic_load(&freed_ok), ops);
  bench_result("mstress", ops, seconds, (int)threads, argc, argv);
  return 0;
}

/*
 * xmalloc (after xmalloc-test's producer/consumer pattern): producer threads
 * allocate batches of small blocks (8..512 bytes) and hand each batch over
 * a bounded queue to consumer threads, which free every block: all frees
 * are cross-thread. ops = blocks allocated (and freed).
 * Check: every block carries a tag of its producer and sequence number; a
 * consumer verifies it before the free, and the verified count must equal
 * the number produced.
 */
#include <pthread.h>
#include <stdatomic.h>

#include "bench_check.h"
#include "bench_common.h"

static const char *usage = "bench_xmalloc threads batches_per_producer batch_size seed";

#define QUEUE 64

typedef struct {
  unsigned char **blocks;
  size_t *sizes;
  uint64_t first_id;
} batch_t;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t not_empty = PTHREAD_COND_INITIALIZER, not_full = PTHREAD_COND_INITIALIZER;
static batch_t *queue[QUEUE];
static size_t head, count, producers_left;
static unsigned long long batches, batch_size, seed;
static atomic_ullong verified;

static void push(batch_t *b) {
  pthread_mutex_lock(&lock);
  while (count == QUEUE) pthread_cond_wait(&not_full, &lock);
  queue[(head + count++) % QUEUE] = b;
  pthread_cond_signal(&not_empty);
  pthread_mutex_unlock(&lock);
}

/* NULL once every producer finished and the queue is empty. */
static batch_t *pop(void) {
  pthread_mutex_lock(&lock);
  while (count == 0 && producers_left > 0) pthread_cond_wait(&not_empty, &lock);
  batch_t *b = NULL;
  if (count > 0) {
    b = queue[head];
    head = (head + 1) % QUEUE;
    count--;
    pthread_cond_signal(&not_full);
  }
  pthread_mutex_unlock(&lock);
  return b;
}

static void *producer(void *arg) {
  uint64_t index = (uint64_t)(uintptr_t)arg;
  uint64_t rng = seed ^ (index * 0x51ed2701ull);
  for (unsigned long long i = 0; i < batches; i++) {
    batch_t *b = malloc(sizeof *b);
    if (b == NULL) bench_check_fail("xmalloc", "malloc returned NULL");
    b->blocks = malloc(batch_size * sizeof *b->blocks);
    b->sizes = malloc(batch_size * sizeof *b->sizes);
    if (b->blocks == NULL || b->sizes == NULL) bench_check_fail("xmalloc", "malloc returned NULL");
    b->first_id = (index << 40) + i * batch_size;
    for (unsigned long long k = 0; k < batch_size; k++) {
      size_t size = bench_size(&rng, 8, 512);
      unsigned char *p = malloc(size);
      if (p == NULL) bench_check_fail("xmalloc", "malloc returned NULL");
      bench_tag_write(p, size, bench_tag(b->first_id + k));
      b->blocks[k] = p;
      b->sizes[k] = size;
    }
    push(b);
  }
  pthread_mutex_lock(&lock);
  producers_left--;
  pthread_cond_broadcast(&not_empty);
  pthread_mutex_unlock(&lock);
  return NULL;
}

static void *consumer(void *arg) {
  (void)arg;
  unsigned long long ok = 0;
  for (batch_t *b; (b = pop()) != NULL;) {
    for (unsigned long long k = 0; k < batch_size; k++) {
      if (!bench_tag_ok(b->blocks[k], b->sizes[k], bench_tag(b->first_id + k)))
        bench_check_fail("xmalloc", "a block handed to another thread lost its contents");
      free(b->blocks[k]);
      ok++;
    }
    free(b->blocks);
    free(b->sizes);
    free(b);
  }
  atomic_fetch_add(&verified, ok);
  return NULL;
}

int main(int argc, char **argv) {
  if (argc != 5) bench_usage(usage);
  unsigned threads = (unsigned)bench_arg(argv, 1, 2, 256, "threads", usage);
  batches = bench_arg(argv, 2, 1, 1ull << 32, "batches_per_producer", usage);
  batch_size = bench_arg(argv, 3, 1, 1u << 20, "batch_size", usage);
  seed = bench_arg(argv, 4, 0, ~0ull, "seed", usage);
  unsigned producers = threads / 2, consumers = threads - producers;
  producers_left = producers;
  pthread_t tid[256];
  double start = bench_now();
  for (unsigned i = 0; i < producers; i++) pthread_create(&tid[i], NULL, producer, (void *)(uintptr_t)i);
  for (unsigned i = 0; i < consumers; i++) pthread_create(&tid[producers + i], NULL, consumer, NULL);
  for (unsigned i = 0; i < threads; i++) pthread_join(tid[i], NULL);
  double seconds = bench_now() - start;
  unsigned long long ops = (unsigned long long)producers * batches * batch_size;
  printf("xmalloc: %u producers, %u consumers, %llu blocks: %.2fM ops/s in %.3f s\n", producers, consumers, ops,
         (double)ops / seconds / 1e6, seconds);
  bench_check_line("xmalloc", atomic_load(&verified), ops);
  bench_result("xmalloc", ops, seconds, (int)threads, argc, argv);
  return 0;
}

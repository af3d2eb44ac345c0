/*
 * larson: the server workload of Larson & Krishnan, with mimalloc-bench's
 * arguments: seconds min max chperthread rounds seed threads.
 *
 * Each of `threads` slots owns chperthread blocks (allocated up front by the
 * main thread). A worker thread repeatedly frees a random block of its slot
 * and allocates a new one of a random size in [min, max), writing two bytes.
 * After rounds * chperthread iterations it starts a successor thread on the
 * same slot and exits, so blocks are freed by threads other than the ones
 * that allocated them. After `seconds` the main thread stops the workers.
 * ops = allocations done by the workers (larson's "operations").
 * Check: every block carries a tag of its slot and sequence number at both
 * ends, verified before each free; the verified count must equal the
 * workers' allocations plus the blocks left at the end.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>

#include "bench_check.h"
#include "bench_common.h"

static const char *usage = "bench_larson seconds min max chperthread rounds seed threads";

typedef struct slot {
  char **blocks;
  size_t *sizes;
  uint64_t *ids;
  uint64_t next_id;
  unsigned long long verified;
  size_t count;
  unsigned long long iterations; /* per worker */
  size_t min, max;
  uint64_t rng;
  unsigned long long allocs; /* owned by whichever worker holds the slot */
  atomic_int finished;
} slot_t;

static atomic_int stop_flag;

static void *worker(void *arg);

static void start_worker(slot_t *slot) {
  pthread_t tid;
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  if (pthread_create(&tid, &attr, worker, slot) != 0) {
    perror("pthread_create");
    exit(1);
  }
  pthread_attr_destroy(&attr);
}

static void *worker(void *arg) {
  slot_t *slot = arg;
  if (atomic_load_explicit(&stop_flag, memory_order_relaxed)) {
    atomic_store_explicit(&slot->finished, 1, memory_order_release);
    return NULL;
  }
  size_t range = slot->max > slot->min ? slot->max - slot->min : 0;
  unsigned long long done = 0;
  for (; done < slot->iterations; done++) {
    size_t victim = (size_t)(bench_rand(&slot->rng) % slot->count);
    if (!bench_tag_ok((unsigned char *)slot->blocks[victim], slot->sizes[victim], bench_tag(slot->ids[victim])))
      bench_check_fail("larson", "a block lost its contents (overlapping blocks?)");
    slot->verified++;
    free(slot->blocks[victim]);
    size_t size = range ? slot->min + (size_t)(bench_rand(&slot->rng) % range) : slot->min;
    char *p = malloc(size);
    if (p == NULL) {
      fprintf(stderr, "malloc(%zu) failed\n", size);
      exit(1);
    }
    slot->ids[victim] = slot->next_id++;
    slot->sizes[victim] = size;
    bench_tag_write((unsigned char *)p, size, bench_tag(slot->ids[victim]));
    slot->blocks[victim] = p;
    if (atomic_load_explicit(&stop_flag, memory_order_relaxed)) {
      done++;
      break;
    }
  }
  slot->allocs += done;
  if (atomic_load_explicit(&stop_flag, memory_order_relaxed)) atomic_store_explicit(&slot->finished, 1, memory_order_release);
  else start_worker(slot);
  return NULL;
}

int main(int argc, char **argv) {
  if (argc != 8) bench_usage(usage);
  unsigned seconds = (unsigned)bench_arg(argv, 1, 1, 3600, "seconds", usage);
  size_t min = (size_t)bench_arg(argv, 2, 1, 1ull << 30, "min", usage);
  size_t max = (size_t)bench_arg(argv, 3, 1, 1ull << 30, "max", usage);
  size_t per_thread = (size_t)bench_arg(argv, 4, 1, 1u << 24, "chperthread", usage);
  unsigned long long rounds = bench_arg(argv, 5, 1, 1ull << 30, "rounds", usage);
  uint64_t seed = bench_arg(argv, 6, 0, UINT64_MAX, "seed", usage);
  int threads = (int)bench_arg(argv, 7, 1, 1024, "threads", usage);
  if (max < min) {
    fprintf(stderr, "max (%zu) must be >= min (%zu)\n", max, min);
    bench_usage(usage);
  }
  slot_t *slots = calloc((size_t)threads, sizeof *slots);
  if (slots == NULL) return 1;
  uint64_t rng = seed;
  for (int t = 0; t < threads; t++) {
    slot_t *s = &slots[t];
    s->blocks = malloc(per_thread * sizeof *s->blocks);
    s->sizes = malloc(per_thread * sizeof *s->sizes);
    s->ids = malloc(per_thread * sizeof *s->ids);
    if (s->blocks == NULL || s->sizes == NULL || s->ids == NULL) return 1;
    s->next_id = (uint64_t)t << 40;
    s->count = per_thread;
    s->iterations = rounds * per_thread;
    s->min = min;
    s->max = max;
    s->rng = bench_rand(&rng);
    for (size_t i = 0; i < per_thread; i++) {
      s->sizes[i] = bench_size(&rng, min, max > min ? max - 1 : min);
      s->blocks[i] = malloc(s->sizes[i]);
      if (s->blocks[i] == NULL) return 1;
      s->ids[i] = s->next_id++;
      bench_tag_write((unsigned char *)s->blocks[i], s->sizes[i], bench_tag(s->ids[i]));
    }
  }
  double start = bench_now();
  for (int t = 0; t < threads; t++) start_worker(&slots[t]);
  sleep(seconds);
  atomic_store(&stop_flag, 1);
  for (int t = 0; t < threads; t++) {
    while (!atomic_load_explicit(&slots[t].finished, memory_order_acquire)) {
      struct timespec pause = {0, 100000};
      nanosleep(&pause, NULL);
    }
  }
  double elapsed = bench_now() - start;
  unsigned long long ops = 0;
  for (int t = 0; t < threads; t++) ops += slots[t].allocs;
  printf("larson: %d threads, sizes %zu..%zu, %zu blocks per thread: Throughput = %.0f operations per second (%.3f s)\n",
         threads, min, max, per_thread, (double)ops / elapsed, elapsed);
  unsigned long long verified = 0, expected = ops;
  for (int t = 0; t < threads; t++) {
    slot_t *s = &slots[t];
    for (size_t i = 0; i < s->count; i++) {
      if (!bench_tag_ok((unsigned char *)s->blocks[i], s->sizes[i], bench_tag(s->ids[i])))
        bench_check_fail("larson", "a block lost its contents (overlapping blocks?)");
      free(s->blocks[i]);
      s->verified++;
    }
    verified += s->verified;
    expected += s->count;
    free(s->blocks);
    free(s->sizes);
    free(s->ids);
  }
  free(slots);
  bench_check_line("larson", verified, expected);
  bench_result("larson", ops, elapsed, threads, argc, argv);
  return 0;
}

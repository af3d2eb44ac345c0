/*
 * glibc_thread (after glibc's bench-malloc-thread): each thread keeps a
 * working set of blocks and, each iteration, frees a random one and
 * allocates a replacement of a random size (most 8..256 bytes, one in 8 up
 * to 4 KiB, one in 64 up to 32 KiB). ops = iterations of all threads.
 * Check: every block holds its tag until freed; the verified count must
 * equal the frees made.
 */
#include <pthread.h>

#include "bench_check.h"
#include "bench_common.h"

static const char *usage = "bench_glibc_thread threads iterations working_set seed";

typedef struct {
  unsigned index;
  unsigned long long iterations, verified, frees;
  size_t ws;
  uint64_t seed;
} worker_t;

static size_t pick_size(uint64_t *rng) {
  uint64_t r = bench_rand(rng) % 64;
  return r == 0 ? bench_size(rng, 4096, 32768) : r < 8 ? bench_size(rng, 256, 4096) : bench_size(rng, 8, 256);
}

static void *work(void *arg) {
  worker_t *w = arg;
  uint64_t rng = w->seed ^ (w->index * 0x9e3779b97f4a7c15ull);
  unsigned char **p = calloc(w->ws, sizeof *p);
  size_t *size = calloc(w->ws, sizeof *size);
  uint64_t *id = calloc(w->ws, sizeof *id);
  if (p == NULL || size == NULL || id == NULL) bench_check_fail("glibc_thread", "calloc returned NULL");
  for (unsigned long long i = 0; i < w->iterations; i++) {
    size_t k = (size_t)(bench_rand(&rng) % w->ws);
    if (p[k] != NULL) {
      w->verified += bench_tag_ok(p[k], size[k], bench_tag(id[k]));
      w->frees++;
      free(p[k]);
    }
    size[k] = pick_size(&rng);
    id[k] = ((uint64_t)w->index << 40) + i;
    p[k] = malloc(size[k]);
    if (p[k] == NULL) bench_check_fail("glibc_thread", "malloc returned NULL");
    bench_tag_write(p[k], size[k], bench_tag(id[k]));
  }
  for (size_t k = 0; k < w->ws; k++)
    if (p[k] != NULL) {
      w->verified += bench_tag_ok(p[k], size[k], bench_tag(id[k]));
      w->frees++;
      free(p[k]);
    }
  free(p);
  free(size);
  free(id);
  return NULL;
}

int main(int argc, char **argv) {
  if (argc != 5) bench_usage(usage);
  unsigned threads = (unsigned)bench_arg(argv, 1, 1, 256, "threads", usage);
  unsigned long long iterations = bench_arg(argv, 2, 1, 1ull << 40, "iterations", usage);
  size_t ws = (size_t)bench_arg(argv, 3, 1, 1u << 24, "working_set", usage);
  uint64_t seed = bench_arg(argv, 4, 0, ~0ull, "seed", usage);
  worker_t w[256];
  pthread_t tid[256];
  double start = bench_now();
  for (unsigned i = 0; i < threads; i++) {
    w[i] = (worker_t){i, iterations, 0, 0, ws, seed};
    pthread_create(&tid[i], NULL, work, &w[i]);
  }
  unsigned long long verified = 0, frees = 0;
  for (unsigned i = 0; i < threads; i++) {
    pthread_join(tid[i], NULL);
    verified += w[i].verified;
    frees += w[i].frees;
  }
  double seconds = bench_now() - start;
  unsigned long long ops = threads * iterations;
  printf("glibc_thread: %u threads, %llu iterations, working set %zu: %.2fM ops/s in %.3f s\n", threads, ops, ws,
         (double)ops / seconds / 1e6, seconds);
  bench_check_line("glibc_thread", verified, frees);
  bench_result("glibc_thread", ops, seconds, (int)threads, argc, argv);
  return 0;
}

/*
 * The worker of cache_scratch and cache_thrash (after Hoard's benchmarks of
 * allocator-induced false sharing): each thread repeatedly allocates a small
 * object, writes every byte of it `repetitions` times, and frees it. In
 * cache_scratch each thread first frees an object the main thread allocated
 * for it (so an allocator that hands that memory back to the thread places
 * the threads' objects on shared cache lines: passive false sharing); in
 * cache_thrash there is no such object (active false sharing comes only
 * from the allocator placing concurrent threads' objects side by side).
 * ops = objects allocated. Check: each object's bytes must read back what
 * its thread wrote; the sum of the checks must be threads * iterations.
 */
#ifndef BENCH_FALSE_SHARING_H
#define BENCH_FALSE_SHARING_H

#include <pthread.h>
#include <stdatomic.h>

#include "bench_check.h"
#include "bench_common.h"

typedef struct {
  unsigned char *passed; /* cache_scratch: freed first; NULL for cache_thrash */
  unsigned index;
  unsigned long long iterations, repetitions;
  size_t size;
  unsigned long long verified;
} fs_worker_t;

static void *fs_work(void *arg) {
  fs_worker_t *w = arg;
  free(w->passed);
  for (unsigned long long i = 0; i < w->iterations; i++) {
    volatile unsigned char *p = malloc(w->size);
    if (p == NULL) bench_check_fail("cache", "malloc returned NULL");
    for (unsigned long long r = 0; r < w->repetitions; r++)
      for (size_t k = 0; k < w->size; k++) p[k] = (unsigned char)(p[k] + 1 + w->index);
    /* Started from whatever was there: compare against a second pass. */
    unsigned char first = p[0];
    for (size_t k = 0; k < w->size; k++) p[k] = (unsigned char)(first ^ k);
    int ok = 1;
    for (size_t k = 0; k < w->size; k++) ok &= p[k] == (unsigned char)(first ^ k);
    if (!ok) bench_check_fail("cache", "an object's bytes were changed by another thread");
    w->verified++;
    free((void *)p);
  }
  return NULL;
}

/* Runs the benchmark; `scratch` selects cache_scratch. */
static int fs_main(int argc, char **argv, const char *bench, int scratch) {
  static const char *usage = "bench_cache_{scratch,thrash} threads iterations object_size repetitions";
  if (argc != 5) bench_usage(usage);
  unsigned threads = (unsigned)bench_arg(argv, 1, 1, 256, "threads", usage);
  unsigned long long iterations = bench_arg(argv, 2, 1, 1ull << 40, "iterations", usage);
  size_t size = (size_t)bench_arg(argv, 3, 1, 1u << 20, "object_size", usage);
  unsigned long long repetitions = bench_arg(argv, 4, 1, 1ull << 32, "repetitions", usage);
  fs_worker_t w[256];
  pthread_t tid[256];
  for (unsigned i = 0; i < threads; i++) {
    w[i] = (fs_worker_t){scratch ? malloc(size) : NULL, i, iterations, repetitions, size, 0};
    if (scratch && w[i].passed == NULL) bench_check_fail(bench, "malloc returned NULL");
  }
  double start = bench_now();
  for (unsigned i = 0; i < threads; i++) pthread_create(&tid[i], NULL, fs_work, &w[i]);
  unsigned long long verified = 0;
  for (unsigned i = 0; i < threads; i++) {
    pthread_join(tid[i], NULL);
    verified += w[i].verified;
  }
  double seconds = bench_now() - start;
  unsigned long long ops = threads * iterations;
  printf("%s: %u threads, %llu objects of %zu bytes written %llu times: %.2fM ops/s in %.3f s\n", bench, threads,
         ops, size, repetitions, (double)ops / seconds / 1e6, seconds);
  bench_check_line(bench, verified, ops);
  bench_result(bench, ops, seconds, (int)threads, argc, argv);
  return 0;
}

#endif

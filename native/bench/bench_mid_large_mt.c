/*
 * mid_large_mt: mid-size and large blocks from several threads. Each thread
 * owns a working set of slots and, for `cycles` iterations, frees a random
 * slot's block and allocates one of a random size in [min, max], touching
 * its first, middle and last byte. ops = threads * cycles.
 */
#include <pthread.h>

#include "bench_common.h"

static const char *usage = "bench_mid_large_mt threads cycles working_set min max";

typedef struct job {
  unsigned long long cycles;
  size_t ws, min, max;
  uint64_t rng;
} job_t;

static void *run(void *arg) {
  job_t *job = arg;
  char **slots = calloc(job->ws, sizeof *slots);
  if (slots == NULL) exit(1);
  for (unsigned long long i = 0; i < job->cycles; i++) {
    size_t idx = (size_t)(bench_rand(&job->rng) % job->ws);
    free(slots[idx]);
    size_t size = bench_size(&job->rng, job->min, job->max);
    char *p = malloc(size);
    if (p == NULL) {
      fprintf(stderr, "malloc(%zu) failed\n", size);
      exit(1);
    }
    p[0] = (char)i;
    p[size / 2] = (char)i;
    p[size - 1] = (char)i;
    slots[idx] = p;
  }
  for (size_t i = 0; i < job->ws; i++) free(slots[i]);
  free(slots);
  return NULL;
}

int main(int argc, char **argv) {
  if (argc != 6) bench_usage(usage);
  int threads = (int)bench_arg(argv, 1, 1, 1024, "threads", usage);
  unsigned long long cycles = bench_arg(argv, 2, 1, 1ull << 40, "cycles", usage);
  size_t ws = (size_t)bench_arg(argv, 3, 1, 1u << 24, "working_set", usage);
  size_t min = (size_t)bench_arg(argv, 4, 1, 1ull << 34, "min", usage);
  size_t max = (size_t)bench_arg(argv, 5, 1, 1ull << 34, "max", usage);
  if (max < min) {
    fprintf(stderr, "max (%zu) must be >= min (%zu)\n", max, min);
    bench_usage(usage);
  }
  pthread_t *tids = calloc((size_t)threads, sizeof *tids);
  job_t *jobs = calloc((size_t)threads, sizeof *jobs);
  if (tids == NULL || jobs == NULL) return 1;
  double start = bench_now();
  for (int t = 0; t < threads; t++) {
    jobs[t] = (job_t){cycles, ws, min, max, 0x1234567ull * (uint64_t)(t + 1)};
    if (pthread_create(&tids[t], NULL, run, &jobs[t]) != 0) {
      perror("pthread_create");
      return 1;
    }
  }
  for (int t = 0; t < threads; t++) pthread_join(tids[t], NULL);
  double seconds = bench_now() - start;
  unsigned long long ops = cycles * (unsigned long long)threads;
  printf("mid_large_mt: %d threads x %llu cycles, sizes %zu..%zu: %.2fM ops/s in %.3f s\n", threads, cycles, min, max,
         (double)ops / seconds / 1e6, seconds);
  bench_result("mid_large_mt", ops, seconds, threads, argc, argv);
  free(tids);
  free(jobs);
  return 0;
}

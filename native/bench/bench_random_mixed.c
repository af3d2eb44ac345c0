/*
 * random_mixed: single-threaded malloc/free over a working set of slots.
 * Each cycle picks a random slot, frees its block (if any) and allocates a
 * new one of a random size in [min, max], writing its first and last byte.
 * ops = cycles.
 */
#include "bench_common.h"

static const char *usage = "bench_random_mixed cycles working_set seed [min max]  (sizes default 16..1024)";

int main(int argc, char **argv) {
  if (argc != 4 && argc != 6) bench_usage(usage);
  unsigned long long cycles = bench_arg(argv, 1, 1, 1ull << 40, "cycles", usage);
  size_t ws = (size_t)bench_arg(argv, 2, 1, 1u << 26, "working_set", usage);
  uint64_t seed = bench_arg(argv, 3, 0, UINT64_MAX, "seed", usage);
  size_t min = argc == 6 ? (size_t)bench_arg(argv, 4, 1, 1ull << 30, "min", usage) : 16;
  size_t max = argc == 6 ? (size_t)bench_arg(argv, 5, 1, 1ull << 30, "max", usage) : 1024;
  if (max < min) {
    fprintf(stderr, "max (%zu) must be >= min (%zu)\n", max, min);
    bench_usage(usage);
  }
  char **slots = calloc(ws, sizeof *slots);
  if (slots == NULL) return 1;
  uint64_t rng = seed;
  double start = bench_now();
  for (unsigned long long i = 0; i < cycles; i++) {
    size_t idx = (size_t)(bench_rand(&rng) % ws);
    free(slots[idx]);
    size_t size = bench_size(&rng, min, max);
    char *p = malloc(size);
    if (p == NULL) {
      fprintf(stderr, "malloc(%zu) failed\n", size);
      return 1;
    }
    p[0] = (char)i;
    p[size - 1] = (char)i;
    slots[idx] = p;
  }
  double seconds = bench_now() - start;
  for (size_t i = 0; i < ws; i++) free(slots[i]);
  free(slots);
  printf("random_mixed: %llu cycles, working set %zu, sizes %zu..%zu: %.2fM ops/s in %.3f s\n", cycles, ws, min, max,
         (double)cycles / seconds / 1e6, seconds);
  bench_result("random_mixed", cycles, seconds, 1, argc, argv);
  return 0;
}

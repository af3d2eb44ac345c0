/*
 * fixed_size: one size class under alloc/free churn. A ring of
 * working_set blocks; each cycle frees the oldest block and allocates a new
 * one of `size` bytes, writing its first byte. ops = cycles.
 */
#include "bench_common.h"

static const char *usage = "bench_fixed_size cycles size working_set";

int main(int argc, char **argv) {
  if (argc != 4) bench_usage(usage);
  unsigned long long cycles = bench_arg(argv, 1, 1, 1ull << 40, "cycles", usage);
  size_t size = (size_t)bench_arg(argv, 2, 1, 1ull << 30, "size", usage);
  size_t ws = (size_t)bench_arg(argv, 3, 1, 1u << 26, "working_set", usage);
  char **ring = calloc(ws, sizeof *ring);
  if (ring == NULL) return 1;
  double start = bench_now();
  size_t at = 0;
  for (unsigned long long i = 0; i < cycles; i++) {
    free(ring[at]);
    char *p = malloc(size);
    if (p == NULL) {
      fprintf(stderr, "malloc(%zu) failed\n", size);
      return 1;
    }
    p[0] = (char)i;
    ring[at] = p;
    if (++at == ws) at = 0;
  }
  double seconds = bench_now() - start;
  for (size_t i = 0; i < ws; i++) free(ring[i]);
  free(ring);
  printf("fixed_size: %llu cycles of %zu bytes, working set %zu: %.2fM ops/s in %.3f s\n", cycles, size, ws,
         (double)cycles / seconds / 1e6, seconds);
  bench_result("fixed_size", cycles, seconds, 1, argc, argv);
  return 0;
}

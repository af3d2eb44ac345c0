/*
 * glibc_simple (after glibc's bench-malloc-simple): one thread allocates a
 * batch of `count` blocks of one size, then frees them all, for sizes 16 to
 * 4096 bytes and batches of 25 to 1600, over and over. ops = blocks.
 * Check: every block holds its tag until freed; the verified count must
 * equal the count allocated.
 */
#include "bench_check.h"
#include "bench_common.h"

static const char *usage = "bench_glibc_simple iterations";

static const size_t sizes[] = {16, 32, 64, 128, 256, 512, 1024, 4096};
static const unsigned counts[] = {25, 100, 400, 1600};

int main(int argc, char **argv) {
  if (argc != 2) bench_usage(usage);
  unsigned long long iterations = bench_arg(argv, 1, 1, 1ull << 32, "iterations", usage);
  static unsigned char *blocks[1600];
  unsigned long long ops = 0, verified = 0;
  double start = bench_now();
  for (unsigned long long it = 0; it < iterations; it++)
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++)
      for (size_t c = 0; c < sizeof counts / sizeof counts[0]; c++) {
        for (unsigned i = 0; i < counts[c]; i++) {
          blocks[i] = malloc(sizes[s]);
          if (blocks[i] == NULL) bench_check_fail("glibc_simple", "malloc returned NULL");
          bench_tag_write(blocks[i], sizes[s], bench_tag(ops + i));
        }
        for (unsigned i = 0; i < counts[c]; i++) {
          verified += bench_tag_ok(blocks[i], sizes[s], bench_tag(ops + i));
          free(blocks[i]);
        }
        ops += counts[c];
      }
  double seconds = bench_now() - start;
  printf("glibc_simple: %llu blocks in batches: %.2fM ops/s in %.3f s\n", ops, (double)ops / seconds / 1e6, seconds);
  bench_check_line("glibc_simple", verified, ops);
  bench_result("glibc_simple", ops, seconds, 1, argc, argv);
  return 0;
}

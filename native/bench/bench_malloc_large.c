/*
 * malloc_large (after mimalloc-bench's malloc-large): 20 slots of large
 * blocks of 5..25 MiB. Each iteration picks a slot, allocates a new block of
 * a random size, zero-fills it (as C++ make_unique<char[]> does), and only
 * then frees the slot's old block. ops = iterations.
 * Check: every block carries a tag at both ends and one per MiB; each is
 * verified before its free (the count verified is printed and compared).
 */
#include "bench_check.h"
#include "bench_common.h"

#define SLOTS 20
#define MIB ((size_t)1 << 20)

static const char *usage = "bench_malloc_large iterations seed [min_mib max_mib]";

typedef struct {
  unsigned char *p;
  size_t size;
  uint64_t tag;
} slot_t;

static unsigned long long verified;
/* Called through a volatile pointer so the compiler cannot fuse malloc and
 * the zero fill into calloc (which would measure another allocator path). */
static void *(*volatile zero_fill)(void *, int, size_t) = memset;

static void stamp(slot_t *s) {
  for (size_t at = 0; at + 8 <= s->size; at += MIB) memcpy(s->p + at, &s->tag, 8);
  bench_tag_write(s->p, s->size, s->tag);
}

static void verify(const slot_t *s) {
  for (size_t at = 0; at + 8 <= s->size; at += MIB) {
    uint64_t v;
    memcpy(&v, s->p + at, 8);
    if (v != s->tag) bench_check_fail("malloc_large", "a block lost its contents");
  }
  if (!bench_tag_ok(s->p, s->size, s->tag)) bench_check_fail("malloc_large", "a block's end was overwritten");
  verified++;
}

int main(int argc, char **argv) {
  if (argc != 3 && argc != 5) bench_usage(usage);
  unsigned long long iterations = bench_arg(argv, 1, 1, 1ull << 32, "iterations", usage);
  uint64_t rng = bench_arg(argv, 2, 0, ~0ull, "seed", usage);
  size_t min = 5 * MIB, max = 25 * MIB;
  if (argc == 5) {
    min = (size_t)bench_arg(argv, 3, 1, 1024, "min_mib", usage) * MIB;
    max = (size_t)bench_arg(argv, 4, min / MIB, 4096, "max_mib", usage) * MIB;
  }
  slot_t slots[SLOTS] = {{0}};
  double start = bench_now();
  for (unsigned long long i = 0; i < iterations; i++) {
    slot_t *s = &slots[bench_rand(&rng) % SLOTS];
    slot_t fresh = {NULL, bench_size(&rng, min, max), bench_tag(i)};
    fresh.p = malloc(fresh.size);
    if (fresh.p == NULL) bench_check_fail("malloc_large", "malloc returned NULL");
    zero_fill(fresh.p, 0, fresh.size);
    stamp(&fresh);
    if (s->p != NULL) {
      verify(s);
      free(s->p);
    }
    *s = fresh;
  }
  double seconds = bench_now() - start;
  unsigned long long live = 0;
  for (int k = 0; k < SLOTS; k++)
    if (slots[k].p != NULL) {
      verify(&slots[k]);
      free(slots[k].p);
      live++;
    }
  printf("malloc_large: %llu blocks of %zu..%zu MiB, %d slots: %.0f ops/s in %.3f s\n", iterations, min / MIB,
         max / MIB, SLOTS, (double)iterations / seconds, seconds);
  bench_check_line("malloc_large", verified, iterations);
  (void)live;
  bench_result("malloc_large", iterations, seconds, 1, argc, argv);
  return 0;
}

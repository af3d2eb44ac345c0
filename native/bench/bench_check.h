/*
 * Self-checks of the suite workloads: each writes a tag derived from the
 * block's identity into the block and verifies it before freeing, so a
 * wrong allocator (overlapping blocks, lost writes) is caught, not only a
 * slow one. The result line then carries "check":"ok" with a count the
 * workload verified; on a mismatch the workload prints what broke on
 * stderr and exits 3 (distinct from bad usage, 2).
 */
#ifndef BENCH_CHECK_H
#define BENCH_CHECK_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The tag of block `id` (any 64-bit identity): mixed so neighbours differ. */
static inline uint64_t bench_tag(uint64_t id) {
  uint64_t z = id * 0x9e3779b97f4a7c15ull + 0x632be59bd9b4e019ull;
  z = (z ^ (z >> 29)) * 0xbf58476d1ce4e5b9ull;
  return z ^ (z >> 32);
}

/* Writes the tag at the start and the end of a block of `size` >= 1 bytes
 * (the two copies overlap in blocks under 16 bytes: the end one wins). */
static inline void bench_tag_write(unsigned char *p, size_t size, uint64_t tag) {
  if (size >= 16) {
    memcpy(p, &tag, 8);
    memcpy(p + size - 8, &tag, 8);
  } else if (size >= 8) {
    memcpy(p + size - 8, &tag, 8);
  } else {
    memset(p, (int)(tag & 0xff), size);
  }
}

/* True when the block still holds its tag. */
static inline int bench_tag_ok(const unsigned char *p, size_t size, uint64_t tag) {
  uint64_t a, b;
  if (size >= 16) {
    memcpy(&a, p, 8);
    memcpy(&b, p + size - 8, 8);
    return a == tag && b == tag;
  }
  if (size >= 8) {
    memcpy(&b, p + size - 8, 8);
    return b == tag;
  }
  for (size_t i = 0; i < size; i++)
    if (p[i] != (unsigned char)(tag & 0xff)) return 0;
  return 1;
}

static inline void bench_check_fail(const char *bench, const char *what) {
  fprintf(stderr, "%s: result check failed: %s\n", bench, what);
  exit(3);
}

/* Prints the verified count (`checked`) as the check line the suite reads. */
static inline void bench_check_line(const char *bench, unsigned long long checked, unsigned long long expected) {
  if (checked != expected) {
    fprintf(stderr, "%s: result check failed: verified %llu, expected %llu\n", bench, checked, expected);
    exit(3);
  }
  printf("HAKMEM_CHECK {\"bench\":\"%s\",\"check\":\"ok\",\"verified\":%llu}\n", bench, checked);
}

#endif

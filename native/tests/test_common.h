/* Minimal checking helpers for the C tests: a failed check prints the
 * location and expression and exits 1. */
#ifndef TEST_COMMON_H
#define TEST_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef HAKMEM_NO_INTERPOSE
#define HAKMEM_NO_INTERPOSE 0
#endif

/* Per thread, so threads of the stress test do not share a counter. */
static _Thread_local unsigned long long test_checks;

#define CHECK(expr)                                                                        \
  do {                                                                                     \
    test_checks++;                                                                         \
    if (!(expr)) {                                                                         \
      fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #expr);                      \
      exit(1);                                                                             \
    }                                                                                      \
  } while (0)

#define CHECKF(expr, ...)                                                                  \
  do {                                                                                     \
    test_checks++;                                                                         \
    if (!(expr)) {                                                                         \
      fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #expr);                      \
      fprintf(stderr, __VA_ARGS__);                                                        \
      fputc('\n', stderr);                                                                 \
      exit(1);                                                                             \
    }                                                                                      \
  } while (0)

/* Resident set size in KiB, from /proc/self/statm. */
static inline long test_rss_kb(void) {
  FILE *f = fopen("/proc/self/statm", "r");
  long pages = 0, resident = 0;
  if (f == NULL) return -1;
  if (fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = -1;
  fclose(f);
  return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

static inline uint64_t test_rand(uint64_t *state) {
  uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

#endif

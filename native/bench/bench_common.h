/*
 * Shared helpers of the bundled benchmarks: argument parsing, a fast
 * allocator-independent random generator, wall-clock timing and the result
 * line. Each benchmark prints one human line, then exactly one line
 *   HAKMEM_RESULT {"bench":...,"ops":...,"seconds":...,"ops_per_sec":...,
 *                  "threads":...,"max_rss_kb":...,"sys_seconds":...,
 *                  "user_seconds":...,"minor_faults":...,"major_faults":...,
 *                  "args":[...]}
 * (format defined in native/README.md). The benchmarks use only libc, so the
 * allocator is whatever LD_PRELOAD supplies.
 */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static inline double bench_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* splitmix64: state advances by a constant, output is well mixed. */
static inline uint64_t bench_rand(uint64_t *state) {
  uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

/* A size in [min, max]. */
static inline size_t bench_size(uint64_t *state, size_t min, size_t max) {
  return max <= min ? min : min + (size_t)(bench_rand(state) % (max - min + 1));
}

static inline void bench_usage(const char *usage) {
  fprintf(stderr, "usage: %s\n", usage);
  exit(2);
}

/* Parses argv[i] as an unsigned integer in [min, max], or exits with usage. */
static inline unsigned long long bench_arg(char **argv, int i, unsigned long long min, unsigned long long max,
                                           const char *name, const char *usage) {
  char *end = NULL;
  errno = 0;
  unsigned long long v = strtoull(argv[i], &end, 10);
  if (errno != 0 || end == argv[i] || *end != '\0' || argv[i][0] == '-' || v < min || v > max) {
    fprintf(stderr, "invalid %s '%s' (expected an integer in %llu..%llu)\n", name, argv[i], min, max);
    bench_usage(usage);
  }
  return v;
}

/*
 * Peak resident set of this program, in KiB. VmHWM is the high-water mark of
 * the address space exec() created, so it is this benchmark's own peak.
 * getrusage(RUSAGE_SELF).ru_maxrss is not: Linux carries the pre-exec peak of
 * the forked parent into it, so a benchmark started by a 300 MB language
 * server would report 300 MB. ru_maxrss is only the fallback without /proc.
 */
static inline long bench_max_rss_kb(void) {
  /* open/read into a stack buffer: no allocation through the allocator under test. */
  char buf[4096];
  int fd = open("/proc/self/status", O_RDONLY);
  if (fd >= 0) {
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n > 0) {
      buf[n] = '\0';
      const char *hwm = strstr(buf, "VmHWM:");
      if (hwm) return strtol(hwm + 6, NULL, 10);
    }
  }
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

/* The rusage fields of the result line: system and user CPU seconds and
 * page faults of this program (RUSAGE_SELF, all threads, set-up included). */
static inline void bench_print_rusage(const struct rusage *ru) {
  printf("\"sys_seconds\":%.6f,\"user_seconds\":%.6f,\"minor_faults\":%ld,\"major_faults\":%ld,",
         (double)ru->ru_stime.tv_sec + (double)ru->ru_stime.tv_usec * 1e-6,
         (double)ru->ru_utime.tv_sec + (double)ru->ru_utime.tv_usec * 1e-6, ru->ru_minflt, ru->ru_majflt);
}

/* Prints the machine-readable result line. */
static inline void bench_result(const char *bench, unsigned long long ops, double seconds, int threads, int argc,
                                char **argv) {
  double rate = seconds > 0 ? (double)ops / seconds : 0.0;
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  printf("HAKMEM_RESULT {\"bench\":\"%s\",\"ops\":%llu,\"seconds\":%.6f,\"ops_per_sec\":%.1f,\"threads\":%d,"
         "\"max_rss_kb\":%ld,",
         bench, ops, seconds, rate, threads, bench_max_rss_kb());
  bench_print_rusage(&ru);
  printf("\"args\":[");
  for (int i = 1; i < argc; i++) {
    printf("%s\"", i > 1 ? "," : "");
    for (const char *c = argv[i]; *c; c++) {
      if (*c == '"' || *c == '\\') printf("\\%c", *c);
      else if ((unsigned char)*c < 0x20) printf("\\u%04x", (unsigned char)*c);
      else putchar(*c);
    }
    putchar('"');
  }
  printf("]}\n");
  fflush(stdout);
}

#endif

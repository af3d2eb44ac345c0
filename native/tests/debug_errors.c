/*
 * Misuse that the debug build must catch: each mode prints the offending
 * pointer on stdout, then commits the error; the allocator must write a
 * message naming that pointer to stderr and abort.
 *   usage: debug_errors double-free|mid-double-free|invalid-free|interior-free|header-corruption|large-header-corruption|ok
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The misuse below is deliberate. */
#pragma GCC diagnostic ignored "-Wuse-after-free"
#pragma GCC diagnostic ignored "-Wfree-nonheap-object"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

/* Opaque to the optimiser, so the faulty accesses are really made. */
static void *(*volatile do_malloc)(size_t) = malloc;
static void (*volatile do_free)(void *) = free;

static void clobber_before(char *p) {
  volatile char *q = p;
  for (int i = 1; i <= 8; i++) q[-i] = 0x41;
}

static void announce(const void *p) {
  printf("pointer %p\n", p);
  fflush(stdout);
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: debug_errors MODE\n");
    return 2;
  }
  const char *mode = argv[1];
  /* Keep neighbours alive so pages are not released between the two frees. */
  void *keep = do_malloc(64);
  void *keep_mid = do_malloc(20000);
  if (strcmp(mode, "double-free") == 0) {
    char *p = do_malloc(64);
    announce(p);
    do_free(p);
    do_free(p);
  } else if (strcmp(mode, "mid-double-free") == 0) {
    char *p = do_malloc(20000);
    announce(p);
    do_free(p);
    do_free(p);
  } else if (strcmp(mode, "invalid-free") == 0) {
    static char not_heap[64] __attribute__((aligned(16)));
    announce(not_heap);
    do_free(not_heap);
  } else if (strcmp(mode, "interior-free") == 0) {
    char *p = do_malloc(256);
    announce(p + 32);
    do_free(p + 32);
  } else if (strcmp(mode, "header-corruption") == 0) {
    char *p = do_malloc(20000);
    announce(p);
    clobber_before(p); /* underflow into the mid block's header */
    do_free(p);
  } else if (strcmp(mode, "large-header-corruption") == 0) {
    char *p = do_malloc(1 << 20);
    announce(p);
    clobber_before(p);
    do_free(p);
  } else if (strcmp(mode, "ok") == 0) {
    char *p = do_malloc(100);
    announce(p);
    do_free(p);
  } else {
    fprintf(stderr, "unknown mode %s\n", mode);
    return 2;
  }
  do_free(keep);
  do_free(keep_mid);
  printf("no error detected\n");
  return 0;
}

/*
 * Forced into a program (gcc -include) by the sanitizer builds: its malloc,
 * free, calloc, realloc and aligned_alloc become calls of the hak_* API, so
 * the allocator runs instrumented inside the program while the sanitizer
 * keeps libc's names for itself (it owns malloc; HAKMEM_NO_INTERPOSE).
 * The libc headers come first: their declarations must not be renamed.
 */
#ifndef HAKMEM_AS_LIBC_H
#define HAKMEM_AS_LIBC_H

#include <malloc.h>
#include <stdlib.h>
#include <string.h>

#include "hakmem.h"

#define malloc(size) hak_alloc(size)
#define free(ptr) hak_free(ptr)
#define calloc(count, size) hak_alloc_zeroed(count, size)
#define realloc(ptr, size) hak_realloc(ptr, size)
#define aligned_alloc(alignment, size) hak_alloc_aligned(alignment, size)
#define malloc_usable_size(ptr) hak_usable_size(ptr)

#endif /* HAKMEM_AS_LIBC_H */

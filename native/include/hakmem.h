/*
 * hakmem: a thread-caching allocator with size-class slabs, lock-free
 * remote frees, a mid-size pool and mmap for large blocks.
 *
 * Built as a shared library it replaces malloc & co. through LD_PRELOAD; the
 * hak_* functions below are the same allocator under its own names (the only
 * API left when built with HAKMEM_NO_INTERPOSE=1, e.g. under sanitizers).
 * Every pointer returned is aligned to at least 16 bytes.
 */
#ifndef HAKMEM_H
#define HAKMEM_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Every function follows the libc function of the same role: NULL with errno
 * ENOMEM when memory is exhausted, EINVAL for a bad alignment. */
void *hak_alloc(size_t size);
void *hak_alloc_zeroed(size_t count, size_t size);
void *hak_alloc_aligned(size_t alignment, size_t size);
void *hak_realloc(void *ptr, size_t size);
void hak_free(void *ptr);
size_t hak_usable_size(const void *ptr);

/* Hands the calling thread's cached blocks and empty pages back (also done
 * automatically at thread exit). */
void hak_thread_flush(void);

/* Largest request served from size-class slabs without a header, and the
 * largest served by the mid-size pool; above it blocks are mapped directly. */
#define HAK_SMALL_MAX ((size_t)8192)
#define HAK_MID_MAX ((size_t)262144)

#ifdef __cplusplus
}
#endif

#endif /* HAKMEM_H */

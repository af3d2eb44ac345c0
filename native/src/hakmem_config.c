/*
 * Start-up: settings read once from the environment, the size-class tables,
 * the thread-exit hook and the fork handlers. Nothing here runs on the
 * allocation fast paths; later code reads only the cached hak_settings.
 */
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>

#include "hakmem_internal.h"

/* Slot size of each class: 16-byte steps to 256, then four per power of two. */
#define HAK_CSIZE(i) \
  ((i) <= 15 ? ((unsigned)(i) + 1u) * 16u \
             : (256u << (((i) - 16) / 4)) + (((i) - 16) % 4 + 1u) * (64u << (((i) - 16) / 4)))
/* Slices per page: one for small classes; mid pages hold at least 8 blocks
 * (4 above 64 KiB) including their headers. */
#define HAK_MID_BLOCKS(i) (HAK_CSIZE(i) + 16u <= 65552u ? 8u : 4u)
#define HAK_CSLICES(i) \
  ((i) <= HAK_CLASS_SMALL_LAST ? 1u : (HAK_MID_BLOCKS(i) * (HAK_CSIZE(i) + 16u) + (unsigned)HAK_SLICE_SIZE - 1u) / (unsigned)HAK_SLICE_SIZE)

/* Class of a request of at most 16*k bytes, k <= 64 (1 KiB). */
#define HAK_C16_M(k) (16u * (unsigned)(k) - 1u)
#define HAK_C16_B(k) (HAK_C16_M(k) >= 512u ? 9u : 8u)
#define HAK_CLASS_OF16(k) \
  ((k) <= 1 ? 0u : (k) <= 16 ? (unsigned)(k) - 1u : 16u + (HAK_C16_B(k) - 8u) * 4u + ((HAK_C16_M(k) >> (HAK_C16_B(k) - 2u)) & 3u))

#define HAK_ROW8(f, b) f(b), f(b + 1), f(b + 2), f(b + 3), f(b + 4), f(b + 5), f(b + 6), f(b + 7)
#define HAK_TABLE56(f) \
  HAK_ROW8(f, 0), HAK_ROW8(f, 8), HAK_ROW8(f, 16), HAK_ROW8(f, 24), HAK_ROW8(f, 32), HAK_ROW8(f, 40), HAK_ROW8(f, 48)
#define HAK_TABLE65(f) HAK_TABLE56(f), HAK_ROW8(f, 56), f(64)

HAK_INTERNAL const uint32_t hak_class_size[HAK_CLASSES] = {HAK_TABLE56(HAK_CSIZE)};
HAK_INTERNAL const uint8_t hak_class_slices[HAK_CLASSES] = {HAK_TABLE56(HAK_CSLICES)};
HAK_INTERNAL const uint8_t hak_class_of16[65] = {HAK_TABLE65(HAK_CLASS_OF16)};
_Static_assert(HAK_CLASSES == 56, "tables list 56 classes");

_Static_assert(HAK_CSIZE(HAK_CLASS_SMALL_LAST) == HAK_SMALL_MAX, "small classes end at HAK_SMALL_MAX");
_Static_assert(HAK_CSIZE(HAK_CLASSES - 1) == HAK_MID_MAX, "mid classes end at HAK_MID_MAX");
_Static_assert(HAK_CSIZE(23) == 1024 && HAK_CSIZE(24) == 1280, "size->class formula above 1 KiB starts at class 24");
_Static_assert(HAK_CLASS_OF16(64) == 23 && HAK_CLASS_OF16(17) == 16 && HAK_CLASS_OF16(16) == 15, "1 KiB table");
_Static_assert(HAK_CSLICES(HAK_CLASSES - 1) < HAK_SLICES, "largest mid page fits a segment");

HAK_INTERNAL hak_settings_t hak_settings = {.segment_cache = 4, .verbose = 0, .purge = 1};

/* 0: not started, 1: in progress, 2: done. */
static _Atomic int hak_init_state;
static __thread int hak_initialising __attribute__((tls_model("initial-exec")));
static pthread_key_t hak_thread_key;

static size_t env_size(const char *name, size_t fallback) {
  const char *text = getenv(name);
  if (text == NULL || *text == '\0') return fallback;
  size_t value = 0;
  for (; *text >= '0' && *text <= '9'; text++) value = value * 10 + (size_t)(*text - '0');
  return *text == '\0' ? value : fallback;
}

/* pthread key destructor: the thread is exiting. */
static void hak_thread_shutdown(void *heap) { hak_heap_detach_shutdown((hak_heap_t *)heap); }

static void hak_fork_prepare(void) {
  hak_heap_fork_prepare();
  hak_os_fork_prepare();
}

static void hak_fork_parent(void) {
  hak_os_fork_parent();
  hak_heap_fork_parent();
}

static void hak_fork_child(void) {
  hak_os_fork_child();
  hak_heap_fork_child();
}

/* Idempotent; safe to re-enter from an allocation made while it runs. */
HAK_COLD void hak_core_init(void) {
  if (atomic_load_explicit(&hak_init_state, memory_order_acquire) == 2 || hak_initialising) return;
  int expected = 0;
  if (!atomic_compare_exchange_strong(&hak_init_state, &expected, 1)) {
    while (atomic_load_explicit(&hak_init_state, memory_order_acquire) != 2) sched_yield();
    return;
  }
  hak_initialising = 1;
  hak_settings.segment_cache = env_size("HAKMEM_SEGMENT_CACHE", hak_settings.segment_cache);
  hak_settings.verbose = (int)env_size("HAKMEM_VERBOSE", 0);
  hak_settings.purge = (int)env_size("HAKMEM_PURGE", 1);
  pthread_key_create(&hak_thread_key, hak_thread_shutdown);
  pthread_atfork(hak_fork_prepare, hak_fork_parent, hak_fork_child);
#if !HAKMEM_BUILD_RELEASE
  if (hak_settings.verbose) atexit(hak_debug_report_exit);
#endif
  hak_initialising = 0;
  atomic_store_explicit(&hak_init_state, 2, memory_order_release);
}

/* Arms the thread-exit hook for the calling thread's heap. */
HAK_COLD void hak_thread_register_init(hak_heap_t *heap) {
  if (atomic_load_explicit(&hak_init_state, memory_order_acquire) != 2) return; /* main thread during start-up */
  pthread_setspecific(hak_thread_key, heap);
}

__attribute__((constructor)) static void hak_constructor_init(void) {
  hak_core_init();
  /* A heap attached before the key existed is armed now. */
  if (hak_tls_heap != NULL) pthread_setspecific(hak_thread_key, hak_tls_heap);
}

/*
 * Start-up: settings read once from the environment, the OS page size, the
 * thread-exit hook and the fork handlers (the size-class tables are in
 * hakmem_class.c). Nothing here runs on the allocation fast paths; later
 * code reads only the cached hak_settings.
 */
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>

#include "hakmem_cache.h"
#include "hakmem_internal.h"

HAK_INTERNAL hak_settings_t hak_settings = {.segment_cache = 16, .huge_cache = 32, .purge_delay_ms = 50, .verbose = 0, .purge = 1};

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

/* Lock order: pool, then OS, then cache (the cache lock is innermost). */
static void hak_fork_prepare(void) {
  hak_heap_fork_prepare();
  hak_os_fork_prepare();
  hak_cache_fork_prepare();
}

static void hak_fork_parent(void) {
  hak_cache_fork_parent();
  hak_os_fork_parent();
  hak_heap_fork_parent();
}

static void hak_fork_child(void) {
  hak_cache_fork_child();
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
  hak_settings.huge_cache = env_size("HAKMEM_LARGE_CACHE", hak_settings.huge_cache);
  hak_settings.purge_delay_ms = env_size("HAKMEM_PURGE_DELAY", (size_t)hak_settings.purge_delay_ms);
  hak_settings.verbose = (int)env_size("HAKMEM_VERBOSE", 0);
  hak_settings.purge = (int)env_size("HAKMEM_PURGE", 1);
  hak_os_init();
  pthread_key_create(&hak_thread_key, hak_thread_shutdown);
  pthread_atfork(hak_fork_prepare, hak_fork_parent, hak_fork_child);
  HAK_DEBUG_INIT();
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

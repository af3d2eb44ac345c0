/*
 * BASE / USER pointers of header-carrying blocks, and free-list links.
 *
 * Mid-pool and large blocks start with a 16-byte header:
 *
 *     BASE                      USER = BASE + HAK_HEADER_SIZE
 *     | hak_header_t (16 bytes) | payload returned by malloc ...
 *
 * BASE is where the block (and its header) starts; USER is what malloc
 * returns and free receives. Because the header is 16 bytes and BASE is
 * 16-aligned, USER is 16-aligned too. The two kinds are converted only here
 * (hak_base_to_user / hak_user_to_base), and free-list links are read and
 * written only through hak_link_get / hak_link_set, so the rest of the code
 * never does pointer arithmetic by the header size nor `*(void **)p`.
 *
 * Under sparse (__CHECKER__) the two kinds live in different address spaces,
 * so mixing them without a conversion is a checker error.
 */
#ifndef HAKMEM_PTR_H
#define HAKMEM_PTR_H

#include <stddef.h>
#include <stdint.h>

#ifdef __CHECKER__
#define HAK_AS_BASE __attribute__((address_space(1)))
#define HAK_AS_USER __attribute__((address_space(2)))
#define HAK_FORCE __attribute__((force))
#else
#define HAK_AS_BASE
#define HAK_AS_USER
#define HAK_FORCE
#endif

/* Start of a header-carrying block (where its header lives). */
typedef void HAK_AS_BASE *hak_base_t;
/* What the application holds: malloc's result, free's argument. */
typedef void HAK_AS_USER *hak_user_t;

#define HAK_HEADER_SIZE 16

/* The header of a mid-pool or large block. `check` is HAK_HDR_LIVE ^ BASE
 * while the block is allocated (debug builds verify it on free). */
typedef struct hak_header {
  uint32_t kind;  /* HAK_KIND_MID or HAK_KIND_HUGE */
  uint32_t cls;   /* size class (mid) or 0 (large) */
  uint64_t check; /* canary: HAK_HDR_LIVE ^ (uintptr_t)BASE */
} hak_header_t;

_Static_assert(sizeof(hak_header_t) == HAK_HEADER_SIZE, "header must keep USER 16-aligned");

#define HAK_HDR_LIVE ((uint64_t)0x68616b6d656d4831ull)

/* BASE -> USER: skip the header. */
static inline hak_user_t hak_base_to_user(hak_base_t base) {
  return (HAK_FORCE hak_user_t)((HAK_FORCE char *)base + HAK_HEADER_SIZE);
}

/* USER -> BASE: step back over the header. */
static inline hak_base_t hak_user_to_base(hak_user_t user) {
  return (HAK_FORCE hak_base_t)((HAK_FORCE char *)user - HAK_HEADER_SIZE);
}

/* The header stored at BASE. */
static inline hak_header_t *hak_base_header(hak_base_t base) {
  return (HAK_FORCE hak_header_t *)base;
}

/* A pointer the application passed in, seen as USER. */
static inline hak_user_t hak_user_from(const void *ptr) {
  return (HAK_FORCE hak_user_t)(uintptr_t)ptr;
}

/* A USER pointer handed back to the application. */
static inline void *hak_user_ptr(hak_user_t user) {
  return (HAK_FORCE void *)user;
}

/* A free-list slot of a header-carrying page is the block's BASE. */
static inline hak_base_t hak_slot_base(void *slot) {
  return (HAK_FORCE hak_base_t)slot;
}

/* The free-list slot of a header-carrying block. */
static inline void *hak_base_slot(hak_base_t base) {
  return (HAK_FORCE void *)base;
}

/* Free-list link stored in the first word of a free slot. */
static inline void *hak_link_get(void *slot) {
  void *next;
  __builtin_memcpy(&next, slot, sizeof next);
  return next;
}

static inline void hak_link_set(void *slot, void *next) {
  __builtin_memcpy(slot, &next, sizeof next);
}

#endif /* HAKMEM_PTR_H */

import type { PointerKind } from './types';

/** libc's allocation API: what malloc returns and free receives is a USER pointer. */
export const BUILTIN_RETURNS: Readonly<Record<string, PointerKind>> = {
  malloc: 'USER',
  calloc: 'USER',
  realloc: 'USER',
  reallocarray: 'USER',
  aligned_alloc: 'USER',
  memalign: 'USER',
  valloc: 'USER',
  pvalloc: 'USER',
  strdup: 'USER',
  strndup: 'USER',
};

/** Parameters (0-based) of libc functions that must receive USER pointers. */
export const BUILTIN_EXPECTS: Readonly<Record<string, Readonly<Record<number, PointerKind>>>> = {
  free: { 0: 'USER' },
  realloc: { 0: 'USER' },
  reallocarray: { 0: 'USER' },
  malloc_usable_size: { 0: 'USER' },
};

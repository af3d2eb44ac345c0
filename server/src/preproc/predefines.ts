/**
 * Predefined macros of `gcc -std=gnu11` on x86_64 Linux (a subset of
 * `gcc -dM -E - </dev/null` that #if conditions in allocator code test).
 */
export function defaultPredefines(): Record<string, string> {
  return {
    __STDC__: '1',
    __STDC_VERSION__: '201112L',
    __STDC_HOSTED__: '1',
    __STDC_UTF_16__: '1',
    __STDC_UTF_32__: '1',
    __STDC_IEC_559__: '1',
    __STDC_ISO_10646__: '201706L',
    __GNUC__: '12',
    __GNUC_MINOR__: '2',
    __GNUC_PATCHLEVEL__: '0',
    __GNUC_STDC_INLINE__: '1',
    __VERSION__: '"12.2.0"',
    __OPTIMIZE__: '1',
    __ELF__: '1',
    __linux__: '1',
    __linux: '1',
    linux: '1',
    __gnu_linux__: '1',
    __unix__: '1',
    __unix: '1',
    unix: '1',
    __x86_64__: '1',
    __x86_64: '1',
    __amd64__: '1',
    __amd64: '1',
    __LP64__: '1',
    _LP64: '1',
    __CHAR_BIT__: '8',
    __SIZEOF_INT__: '4',
    __SIZEOF_LONG__: '8',
    __SIZEOF_LONG_LONG__: '8',
    __SIZEOF_SHORT__: '2',
    __SIZEOF_POINTER__: '8',
    __SIZEOF_FLOAT__: '4',
    __SIZEOF_DOUBLE__: '8',
    __SIZEOF_LONG_DOUBLE__: '16',
    __SIZEOF_SIZE_T__: '8',
    __SIZEOF_WCHAR_T__: '4',
    __SIZEOF_WINT_T__: '4',
    __SIZEOF_PTRDIFF_T__: '8',
    __SIZEOF_INT128__: '16',
    __BIGGEST_ALIGNMENT__: '16',
    __INT_MAX__: '0x7fffffff',
    __LONG_MAX__: '0x7fffffffffffffffL',
    __LONG_LONG_MAX__: '0x7fffffffffffffffLL',
    __SCHAR_MAX__: '0x7f',
    __SHRT_MAX__: '0x7fff',
    __WCHAR_MAX__: '0x7fffffff',
    __SIZE_MAX__: '0xffffffffffffffffUL',
    __PTRDIFF_MAX__: '0x7fffffffffffffffL',
    __INTMAX_MAX__: '0x7fffffffffffffffL',
    __UINTMAX_MAX__: '0xffffffffffffffffUL',
    __INTPTR_MAX__: '0x7fffffffffffffffL',
    __UINTPTR_MAX__: '0xffffffffffffffffUL',
    __ORDER_LITTLE_ENDIAN__: '1234',
    __ORDER_BIG_ENDIAN__: '4321',
    __ORDER_PDP_ENDIAN__: '3412',
    __BYTE_ORDER__: '__ORDER_LITTLE_ENDIAN__',
    __FLOAT_WORD_ORDER__: '__ORDER_LITTLE_ENDIAN__',
    __ATOMIC_RELAXED: '0',
    __ATOMIC_SEQ_CST: '5',
    __ATOMIC_ACQUIRE: '2',
    __ATOMIC_RELEASE: '3',
    __ATOMIC_ACQ_REL: '4',
    __ATOMIC_CONSUME: '1',
    __GCC_ATOMIC_INT_LOCK_FREE: '2',
    __GCC_ATOMIC_LONG_LOCK_FREE: '2',
    __GCC_ATOMIC_POINTER_LOCK_FREE: '2',
    __GCC_HAVE_SYNC_COMPARE_AND_SWAP_1: '1',
    __GCC_HAVE_SYNC_COMPARE_AND_SWAP_2: '1',
    __GCC_HAVE_SYNC_COMPARE_AND_SWAP_4: '1',
    __GCC_HAVE_SYNC_COMPARE_AND_SWAP_8: '1',
    __GCC_ASM_FLAG_OUTPUTS__: '1',
    __SSE__: '1',
    __SSE2__: '1',
    __MMX__: '1',
    __FXSR__: '1',
    __SEG_FS: '1',
    __SEG_GS: '1',
    __REGISTER_PREFIX__: '',
    __USER_LABEL_PREFIX__: '',
    __CHAR16_TYPE__: 'short unsigned int',
    __CHAR32_TYPE__: 'unsigned int',
    __SIZE_TYPE__: 'long unsigned int',
    __PTRDIFF_TYPE__: 'long int',
    __WCHAR_TYPE__: 'int',
    __INTMAX_TYPE__: 'long int',
    __UINTMAX_TYPE__: 'long unsigned int',
    __INTPTR_TYPE__: 'long int',
    __UINTPTR_TYPE__: 'long unsigned int',
  };
}

export type BuildKind = 'release' | 'debug';

/**
 * Predefines plus the defines of the allocator's build: release has
 * HAKMEM_BUILD_RELEASE=1 and NDEBUG, debug has HAKMEM_BUILD_RELEASE=0.
 * `extra` (from the configuration) overrides both.
 */
export function buildDefines(build: BuildKind, extra: Record<string, string> = {}): Record<string, string> {
  const defines = defaultPredefines();
  if (build === 'release') {
    defines['HAKMEM_BUILD_RELEASE'] = '1';
    defines['NDEBUG'] = '1';
  } else {
    defines['HAKMEM_BUILD_RELEASE'] = '0';
  }
  return { ...defines, ...extra };
}

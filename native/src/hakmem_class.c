/*
 * Size classes: the slot size and the page length of each class, and the
 * size -> class table for requests up to 1 KiB (hak_size_class in
 * hakmem_internal.h computes the class above that). The three tables are
 * generated at compile time from the rule below, so changing the rule
 * changes them all; the static assertions and, in the debug build,
 * hak_class_tables_are_valid() check them against hak_size_class.
 *
 *   class   slot size in bytes                              slices per page
 *    0..15  16, 32, 48, ... 256 (16-byte steps)              1
 *   16..19  320 384 448 512     (four per power of two:      1
 *   20..23  640 768 896 1024     at most 25 % slack)         1
 *   24..27  1280 1536 1792 2048                              1
 *   28..31  2560 3072 3584 4096                              1
 *   32..35  5120 6144 7168 8192 (HAK_SMALL_MAX, headerless)  1
 *   36..39  10240 12288 14336 16384 (mid pool: + header)     2 2 2 3
 *   40..43  20480 24576 28672 32768                          3 4 4 5
 *   44..47  40960 49152 57344 65536                          6 7 8 9
 *   48..51  81920 98304 114688 131072                        6 7 8 9
 *   52..55  163840 196608 229376 262144 (HAK_MID_MAX)        11 13 15 17
 */
#include "hakmem_internal.h"

/* Classes 0..15 step by 16 bytes up to 256. */
#define HAK_STEP_CLASSES 16
#define HAK_STEP 16u
/* Above, class 16 + 4 g + q (q = 0..3) is 256 * 2^g plus (q + 1) quarters of it. */
#define HAK_POW2_GROUP(i) (((i) - HAK_STEP_CLASSES) / 4)
#define HAK_POW2_QUARTER(i) (((i) - HAK_STEP_CLASSES) % 4)
#define HAK_CLASS_SIZE(i)                     \
  ((i) < HAK_STEP_CLASSES ? ((unsigned)(i) + 1u) * HAK_STEP \
                          : (256u << HAK_POW2_GROUP(i)) + ((unsigned)HAK_POW2_QUARTER(i) + 1u) * (64u << HAK_POW2_GROUP(i)))

/* Slices per page: one for small classes; a mid page holds at least 8
 * blocks with their headers (4 for blocks larger than a slice). */
#define HAK_MID_BLOCKS(i) (HAK_CLASS_SIZE(i) <= (unsigned)HAK_SLICE_SIZE ? 8u : 4u)
#define HAK_MID_PAGE_BYTES(i) (HAK_MID_BLOCKS(i) * (HAK_CLASS_SIZE(i) + (unsigned)HAK_HEADER_SIZE))
#define HAK_CLASS_SLICES(i) \
  ((i) <= HAK_CLASS_SMALL_LAST ? 1u : (HAK_MID_PAGE_BYTES(i) + (unsigned)HAK_SLICE_SIZE - 1u) / (unsigned)HAK_SLICE_SIZE)

/* Class of a request of 16 (k - 1) + 1 .. 16 k bytes, k = 0..64: the rule
 * above inverted, the same formula as hak_size_class with m = 16 k - 1 and
 * b = floor(log2 m) (8 or 9 below 1 KiB). */
#define HAK_C16_M(k) (16u * (unsigned)(k) - 1u)
#define HAK_C16_B(k) (HAK_C16_M(k) >= 512u ? 9u : 8u)
#define HAK_CLASS_OF16(k)                                    \
  ((k) <= 1 ? 0u                                             \
   : (k) <= HAK_STEP_CLASSES ? (unsigned)(k) - 1u            \
   : HAK_STEP_CLASSES + (HAK_C16_B(k) - 8u) * 4u + ((HAK_C16_M(k) >> (HAK_C16_B(k) - 2u)) & 3u))

/* f(0), f(1), ... f(55) and f(0) ... f(64). */
#define HAK_ROW8(f, b) f(b), f(b + 1), f(b + 2), f(b + 3), f(b + 4), f(b + 5), f(b + 6), f(b + 7)
#define HAK_TABLE56(f) \
  HAK_ROW8(f, 0), HAK_ROW8(f, 8), HAK_ROW8(f, 16), HAK_ROW8(f, 24), HAK_ROW8(f, 32), HAK_ROW8(f, 40), HAK_ROW8(f, 48)
#define HAK_TABLE65(f) HAK_TABLE56(f), HAK_ROW8(f, 56), f(64)

HAK_INTERNAL const uint32_t hak_class_size[HAK_CLASSES] = {HAK_TABLE56(HAK_CLASS_SIZE)};
HAK_INTERNAL const uint8_t hak_class_slices[HAK_CLASSES] = {HAK_TABLE56(HAK_CLASS_SLICES)};
HAK_INTERNAL const uint8_t hak_class_of16[65] = {HAK_TABLE65(HAK_CLASS_OF16)};
_Static_assert(HAK_CLASSES == 56, "tables list 56 classes");

_Static_assert(HAK_CLASS_SIZE(HAK_CLASS_SMALL_LAST) == HAK_SMALL_MAX, "small classes end at HAK_SMALL_MAX");
_Static_assert(HAK_CLASS_SIZE(HAK_CLASSES - 1) == HAK_MID_MAX, "mid classes end at HAK_MID_MAX");
_Static_assert(HAK_CLASS_SIZE(23) == 1024 && HAK_CLASS_SIZE(24) == 1280, "size->class formula above 1 KiB starts at class 24");
_Static_assert(HAK_CLASS_OF16(64) == 23 && HAK_CLASS_OF16(17) == 16 && HAK_CLASS_OF16(16) == 15, "1 KiB table");
_Static_assert(HAK_CLASS_SLICES(HAK_CLASSES - 1) < HAK_SLICES, "largest mid page fits a segment");

#if HAK_ASSERT_ON
/* Each class's size maps back to it and one byte more to the next class;
 * sizes grow in multiples of HAK_ALIGN; small pages are one slice, mid
 * pages hold at least 4 blocks and fit a segment beside its header. */
bool hak_class_tables_are_valid(void) {
  for (unsigned cls = 0; cls < HAK_CLASSES; cls++) {
    size_t size = hak_class_size[cls];
    if (size % HAK_ALIGN != 0 || hak_size_class(size) != cls) return false;
    if (cls > 0 && (size <= hak_class_size[cls - 1] || hak_size_class(hak_class_size[cls - 1] + 1) != cls)) return false;
    if (cls <= HAK_CLASS_SMALL_LAST ? hak_class_slices[cls] != 1
                                    : hak_class_slices[cls] * HAK_SLICE_SIZE < 4 * (size + HAK_HEADER_SIZE) ||
                                          hak_class_slices[cls] >= HAK_SLICES)
      return false;
  }
  return hak_size_class(0) == 0 && hak_class_size[HAK_CLASS_SMALL_LAST] == HAK_SMALL_MAX &&
         hak_class_size[HAK_CLASSES - 1] == HAK_MID_MAX;
}
#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Bitmaps of nbits bits stored in u64 words, bit i in word i / 64 at
 * position i % 64. Bits past nbits in the last word are never reported by
 * the find/weight helpers, so callers need not keep them clear.
 *
 * The plain helpers are not atomic: the caller serialises writers. The
 * *_atomic helpers are safe against concurrent updates of other bits in
 * the same word (locked read-modify-write, full barrier).
 */
#ifndef PV_BITMAP_H
#define PV_BITMAP_H

#include <pv/types.h>
#include <pv/bitops.h>

#define BITMAP_WORDS(nbits) DIV_ROUND_UP((size_t)(nbits), BITS_PER_U64)
#define DECLARE_BITMAP(name, nbits) u64 name[BITMAP_WORDS(nbits)]

static inline u64 bitmap_mask(size_t bit)
{
	return 1ULL << (bit % BITS_PER_U64);
}

static inline void bitmap_set_bit(u64 *map, size_t bit)
{
	map[bit / BITS_PER_U64] |= bitmap_mask(bit);
}

static inline void bitmap_clear_bit(u64 *map, size_t bit)
{
	map[bit / BITS_PER_U64] &= ~bitmap_mask(bit);
}

static inline bool bitmap_test_bit(const u64 *map, size_t bit)
{
	return map[bit / BITS_PER_U64] & bitmap_mask(bit);
}

static inline void bitmap_set_bit_atomic(u64 *map, size_t bit)
{
	__atomic_fetch_or(&map[bit / BITS_PER_U64], bitmap_mask(bit),
			  __ATOMIC_SEQ_CST);
}

static inline void bitmap_clear_bit_atomic(u64 *map, size_t bit)
{
	__atomic_fetch_and(&map[bit / BITS_PER_U64], ~bitmap_mask(bit),
			   __ATOMIC_SEQ_CST);
}

/* Set the bit; true if it was already set (the caller lost the race). */
static inline bool bitmap_test_and_set_bit_atomic(u64 *map, size_t bit)
{
	u64 m = bitmap_mask(bit);

	return __atomic_fetch_or(&map[bit / BITS_PER_U64], m,
				 __ATOMIC_SEQ_CST) &
	       m;
}

/* Clear the bit; true if it was set. */
static inline bool bitmap_test_and_clear_bit_atomic(u64 *map, size_t bit)
{
	u64 m = bitmap_mask(bit);

	return __atomic_fetch_and(&map[bit / BITS_PER_U64], ~m,
				  __ATOMIC_SEQ_CST) &
	       m;
}

/* Acquire-ordered read, pairing with the *_atomic writers. */
static inline bool bitmap_test_bit_atomic(const u64 *map, size_t bit)
{
	return __atomic_load_n(&map[bit / BITS_PER_U64], __ATOMIC_ACQUIRE) &
	       bitmap_mask(bit);
}

/* Clear / set all of bits 0..nbits-1 (fill leaves the tail bits clear). */
void bitmap_zero(u64 *map, size_t nbits);
void bitmap_fill(u64 *map, size_t nbits);

/* Set / clear bits start..start+len-1. */
void bitmap_set_range(u64 *map, size_t start, size_t len);
void bitmap_clear_range(u64 *map, size_t start, size_t len);

/* First set / clear bit at index >= start, or nbits when there is none. */
size_t bitmap_find_next_set(const u64 *map, size_t nbits, size_t start);
size_t bitmap_find_next_zero(const u64 *map, size_t nbits, size_t start);

static inline size_t bitmap_find_first_set(const u64 *map, size_t nbits)
{
	return bitmap_find_next_set(map, nbits, 0);
}

static inline size_t bitmap_find_first_zero(const u64 *map, size_t nbits)
{
	return bitmap_find_next_zero(map, nbits, 0);
}

/*
 * Lowest index i >= start, a multiple of align (a power of two), such that
 * bits i..i+len-1 are all clear and lie below nbits; nbits if none.
 */
size_t bitmap_find_zero_area(const u64 *map, size_t nbits, size_t start,
			     size_t len, size_t align);

/* Number of set bits among 0..nbits-1. */
size_t bitmap_weight(const u64 *map, size_t nbits);

#define bitmap_for_each_set(bit, map, nbits)                             \
	for ((bit) = bitmap_find_first_set(map, nbits); (bit) < (nbits); \
	     (bit) = bitmap_find_next_set(map, nbits, (bit) + 1))

#endif

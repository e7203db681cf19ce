// SPDX-License-Identifier: GPL-2.0
/* Bitmap range updates and searches (see <pv/bitmap.h>). */
#include <pv/bitmap.h>

/* Bits 0..n-1 of a word, n in 1..64. */
static inline u64 low_mask(size_t n)
{
	return n >= BITS_PER_U64 ? ~0ULL : (1ULL << n) - 1;
}

void bitmap_zero(u64 *map, size_t nbits)
{
	for (size_t w = 0; w < BITMAP_WORDS(nbits); w++)
		map[w] = 0;
}

void bitmap_fill(u64 *map, size_t nbits)
{
	size_t words = BITMAP_WORDS(nbits);

	for (size_t w = 0; w < words; w++)
		map[w] = ~0ULL;
	if (nbits % BITS_PER_U64)
		map[words - 1] = low_mask(nbits % BITS_PER_U64);
}

/* Apply set (or clear) to bits start..start+len-1, one word at a time. */
static void update_range(u64 *map, size_t start, size_t len, bool set)
{
	size_t end = start + len;

	while (start < end) {
		size_t off = start % BITS_PER_U64;
		size_t n = MIN(BITS_PER_U64 - off, end - start);
		u64 m = low_mask(n) << off;

		if (set)
			map[start / BITS_PER_U64] |= m;
		else
			map[start / BITS_PER_U64] &= ~m;
		start += n;
	}
}

void bitmap_set_range(u64 *map, size_t start, size_t len)
{
	update_range(map, start, len, true);
}

void bitmap_clear_range(u64 *map, size_t start, size_t len)
{
	update_range(map, start, len, false);
}

/*
 * Scan for a set bit in map[] ^ invert: invert is 0 to find set bits and
 * all ones to find clear bits, so one loop serves both searches.
 */
static size_t find_next(const u64 *map, size_t nbits, size_t start, u64 invert)
{
	size_t w, words = BITMAP_WORDS(nbits);
	u64 v;

	if (start >= nbits)
		return nbits;
	w = start / BITS_PER_U64;
	v = (map[w] ^ invert) & (~0ULL << (start % BITS_PER_U64));
	for (;;) {
		if (v) {
			size_t bit = w * BITS_PER_U64 + __ffs64(v);

			return bit < nbits ? bit : nbits;
		}
		if (++w >= words)
			return nbits;
		v = map[w] ^ invert;
	}
}

size_t bitmap_find_next_set(const u64 *map, size_t nbits, size_t start)
{
	return find_next(map, nbits, start, 0);
}

size_t bitmap_find_next_zero(const u64 *map, size_t nbits, size_t start)
{
	return find_next(map, nbits, start, ~0ULL);
}

size_t bitmap_find_zero_area(const u64 *map, size_t nbits, size_t start,
			     size_t len, size_t align)
{
	size_t i = start;

	if (!align)
		align = 1;
	for (;;) {
		size_t busy;

		i = ALIGN_UP(bitmap_find_next_zero(map, nbits, i), align);
		if (i >= nbits || len > nbits - i)
			return nbits;
		/* The first set bit inside the candidate area ends it. */
		busy = bitmap_find_next_set(map, i + len, i);
		if (busy >= i + len)
			return i;
		i = busy + 1;
	}
}

size_t bitmap_weight(const u64 *map, size_t nbits)
{
	size_t w, full = nbits / BITS_PER_U64, n = 0;

	for (w = 0; w < full; w++)
		n += popcount64(map[w]);
	if (nbits % BITS_PER_U64)
		n += popcount64(map[w] & low_mask(nbits % BITS_PER_U64));
	return n;
}

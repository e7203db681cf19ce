// SPDX-License-Identifier: GPL-2.0
/*
 * lib/bitmap.c against a bool-array model: random operations driven by a
 * seeded PRNG on bitmaps whose sizes straddle word boundaries, checking
 * every query against the model after each step.
 */
#include <string.h>
#include <pv/bitmap.h>
#include "unit.h"

#define MAXBITS 300

static u64 rng = 12345;

static u64 rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545F4914F6CDD1DULL;
}

static size_t model_next(const bool *m, size_t nbits, size_t start, bool v)
{
	for (size_t i = start; i < nbits; i++)
		if (m[i] == v)
			return i;
	return nbits;
}

static size_t model_zero_area(const bool *m, size_t nbits, size_t start,
			      size_t len, size_t align)
{
	for (size_t i = ALIGN_UP(start, align); i + len <= nbits; i += align) {
		size_t j = 0;

		while (j < len && !m[i + j])
			j++;
		if (j == len)
			return i;
	}
	return nbits;
}

/* Every query of the bitmap must agree with the model. */
static int compare(const u64 *map, const bool *m, size_t nbits)
{
	int bad = 0;
	size_t w = 0;

	for (size_t i = 0; i < nbits; i++) {
		bad += bitmap_test_bit(map, i) != m[i];
		bad += bitmap_test_bit_atomic(map, i) != m[i];
		w += m[i];
	}
	bad += bitmap_weight(map, nbits) != w;
	bad += bitmap_find_first_set(map, nbits) != model_next(m, nbits, 0, 1);
	bad += bitmap_find_first_zero(map, nbits) != model_next(m, nbits, 0, 0);
	for (size_t s = 0; s <= nbits + 1; s += 1 + rnd() % 5) {
		bad += bitmap_find_next_set(map, nbits, s) !=
		       model_next(m, nbits, s, 1);
		bad += bitmap_find_next_zero(map, nbits, s) !=
		       model_next(m, nbits, s, 0);
	}
	return bad;
}

UNIT_TEST(random_ops_match_model)
{
	static const size_t sizes[] = { 1,   7,	  63,  64,  65,
					127, 128, 129, 200, MAXBITS };
	int bad = 0;

	for (size_t si = 0; si < ARRAY_SIZE(sizes); si++) {
		size_t nbits = sizes[si];
		/* Random bits past nbits: queries must ignore them. */
		u64 map[BITMAP_WORDS(MAXBITS)];
		bool m[MAXBITS] = { 0 };

		for (size_t i = 0; i < ARRAY_SIZE(map); i++)
			map[i] = rnd();
		bitmap_clear_range(map, 0, nbits);
		bad += compare(map, m, nbits);
		for (int step = 0; step < 2000; step++) {
			size_t a = rnd() % nbits, len = rnd() % (nbits - a + 1);
			bool old;

			switch (rnd() % 9) {
			case 0:
				bitmap_set_bit(map, a);
				m[a] = true;
				break;
			case 1:
				bitmap_clear_bit(map, a);
				m[a] = false;
				break;
			case 2:
				bitmap_set_range(map, a, len);
				memset(m + a, 1, len);
				break;
			case 3:
				bitmap_clear_range(map, a, len);
				memset(m + a, 0, len);
				break;
			case 4:
				old = bitmap_test_and_set_bit_atomic(map, a);
				bad += old != m[a];
				m[a] = true;
				break;
			case 5:
				old = bitmap_test_and_clear_bit_atomic(map, a);
				bad += old != m[a];
				m[a] = false;
				break;
			case 6:
				bitmap_set_bit_atomic(map, a);
				m[a] = true;
				break;
			case 7:
				bitmap_clear_bit_atomic(map, a);
				m[a] = false;
				break;
			case 8: {
				size_t al = 1u << (rnd() % 4),
				       l = 1 + rnd() % 9;

				bad += bitmap_find_zero_area(map, nbits, a, l,
							     al) !=
				       model_zero_area(m, nbits, a, l, al);
				break;
			}
			}
			if (step % 16 == 0)
				bad += compare(map, m, nbits);
		}
		bad += compare(map, m, nbits);
	}
	CHECK_EQ(bad, 0);
}

UNIT_TEST(fill_zero_and_edges)
{
	DECLARE_BITMAP(map, 130);
	size_t bit, n = 0;

	CHECK_EQ(ARRAY_SIZE(map), 3);
	bitmap_fill(map, 130);
	CHECK_EQ(bitmap_weight(map, 130), 130);
	CHECK_EQ(map[2], 3); /* fill leaves tail bits clear */
	CHECK_EQ(bitmap_find_first_zero(map, 130), 130);
	bitmap_zero(map, 130);
	CHECK_EQ(bitmap_find_first_set(map, 130), 130);
	CHECK_EQ(bitmap_find_next_set(map, 130, 500), 130);
	bitmap_set_range(map, 60, 10);
	CHECK_EQ(map[0], 0xFULL << 60);
	CHECK_EQ(map[1], 0x3F);
	bitmap_for_each_set(bit, map, 130)
	{
		CHECK(bit >= 60 && bit < 70);
		n++;
	}
	CHECK_EQ(n, 10);
	/* A full word range, and len 0 is a no-op. */
	bitmap_set_range(map, 64, 64);
	CHECK_EQ(map[1], ~0ULL);
	bitmap_clear_range(map, 0, 0);
	CHECK_EQ(bitmap_weight(map, 130), 4 + 64);
	CHECK_EQ(bitmap_find_zero_area(map, 130, 0, 60, 1), 0);
	CHECK_EQ(bitmap_find_zero_area(map, 130, 0, 61, 1), 130);
	CHECK_EQ(bitmap_find_zero_area(map, 130, 1, 2, 128), 128);
}

UNIT_TEST(bitops_helpers)
{
	CHECK_EQ(ffs64(0), 0);
	CHECK_EQ(fls64(0), 0);
	CHECK_EQ(ffs64(1), 1);
	CHECK_EQ(fls64(1ULL << 63), 64);
	CHECK_EQ(__ffs64(0x50), 4);
	CHECK_EQ(__fls64(0x50), 6);
	CHECK_EQ(popcount64(0), 0);
	CHECK_EQ(popcount64(~0ULL), 64);
	for (int i = 0; i < 1000; i++) {
		u64 x = rnd();
		unsigned int n = 0;

		for (int b = 0; b < 64; b++)
			n += (x >> b) & 1;
		CHECK_EQ(popcount64(x), n);
		CHECK_EQ(popcount64(x), __builtin_popcountll(x));
	}
	CHECK(is_power_of_2(4096));
	CHECK(!is_power_of_2(0));
	CHECK(!is_power_of_2(6));
	CHECK_EQ(GENMASK_ULL(7, 4), 0xF0);
	CHECK_EQ(GENMASK_ULL(63, 0), ~0ULL);
	CHECK_EQ(ilog2_u64(4097), 12);
}

UNIT_MAIN()

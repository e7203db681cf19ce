/* SPDX-License-Identifier: GPL-2.0 */
/* Bit-scan and population count on u64. */
#ifndef PV_BITOPS_H
#define PV_BITOPS_H

#include <pv/types.h>

#define BITS_PER_U64 64
#ifndef BIT
#define BIT(n) (1ULL << (n))
#endif
/* Bits h..l inclusive, h >= l. */
#define GENMASK_ULL(h, l) ((~0ULL << (l)) & (~0ULL >> (63 - (h))))

/* Index (0..63) of the lowest set bit; x must not be 0. */
static inline unsigned int __ffs64(u64 x)
{
	return (unsigned int)__builtin_ctzll(x);
}

/* Index (0..63) of the highest set bit; x must not be 0. */
static inline unsigned int __fls64(u64 x)
{
	return 63u - (unsigned int)__builtin_clzll(x);
}

/* 1-based position of the lowest set bit, 0 when x is 0 (like ffs(3)). */
static inline unsigned int ffs64(u64 x)
{
	return x ? __ffs64(x) + 1 : 0;
}

/* 1-based position of the highest set bit, 0 when x is 0. */
static inline unsigned int fls64(u64 x)
{
	return x ? __fls64(x) + 1 : 0;
}

/*
 * Without -mpopcnt GCC lowers __builtin_popcountll to a libgcc call,
 * which the kernel does not link; count bits in parallel instead.
 */
static inline unsigned int popcount64(u64 x)
{
#ifdef __POPCNT__
	return (unsigned int)__builtin_popcountll(x);
#else
	x = x - ((x >> 1) & 0x5555555555555555ULL);
	x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
	x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0FULL;
	return (unsigned int)((x * 0x0101010101010101ULL) >> 56);
#endif
}

static inline bool is_power_of_2(u64 x)
{
	return x && !(x & (x - 1));
}

/* floor(log2(x)); x must not be 0. */
static inline unsigned int ilog2_u64(u64 x)
{
	return __fls64(x);
}

#endif

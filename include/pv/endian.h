/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Conversions between CPU order and the __bitwise little/big-endian types
 * of <pv/types.h>. x86 is little-endian: le conversions only change the
 * type (so sparse can catch a missing conversion), be conversions swap.
 */
#ifndef PV_ENDIAN_H
#define PV_ENDIAN_H

#include <pv/types.h>

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "pv/endian.h assumes a little-endian CPU"
#endif

#define swab16(x) ((u16)__builtin_bswap16((u16)(x)))
#define swab32(x) ((u32)__builtin_bswap32((u32)(x)))
#define swab64(x) ((u64)__builtin_bswap64((u64)(x)))

static inline le16 cpu_to_le16(u16 x)
{
	return (__force le16)x;
}

static inline le32 cpu_to_le32(u32 x)
{
	return (__force le32)x;
}

static inline le64 cpu_to_le64(u64 x)
{
	return (__force le64)x;
}

static inline u16 le16_to_cpu(le16 x)
{
	return (__force u16)x;
}

static inline u32 le32_to_cpu(le32 x)
{
	return (__force u32)x;
}

static inline u64 le64_to_cpu(le64 x)
{
	return (__force u64)x;
}

static inline be16 cpu_to_be16(u16 x)
{
	return (__force be16)swab16(x);
}

static inline be32 cpu_to_be32(u32 x)
{
	return (__force be32)swab32(x);
}

static inline be64 cpu_to_be64(u64 x)
{
	return (__force be64)swab64(x);
}

static inline u16 be16_to_cpu(be16 x)
{
	return swab16((__force u16)x);
}

static inline u32 be32_to_cpu(be32 x)
{
	return swab32((__force u32)x);
}

static inline u64 be64_to_cpu(be64 x)
{
	return swab64((__force u64)x);
}

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/* Fixed-width types for freestanding code (kernel and host unit tests). */
#ifndef PV_TYPES_H
#define PV_TYPES_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdarg.h>

#include <pv/compiler.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;

/* Physical and guest-physical addresses are plain integers. */
typedef u64 phys_addr_t;
typedef u64 gpa_t;

/* Endian-annotated types: sparse refuses to mix them with host integers. */
typedef u16 __bitwise le16;
typedef u32 __bitwise le32;
typedef u64 __bitwise le64;
typedef u16 __bitwise be16;
typedef u32 __bitwise be32;
typedef u64 __bitwise be64;

#endif

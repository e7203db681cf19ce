/* SPDX-License-Identifier: GPL-2.0 */
/*
 * CRC32C (Castagnoli; reflected polynomial 0x82F63B78), as used by iSCSI,
 * ext4, btrfs and virtio.
 *
 * crc32c() only advances the CRC register over buf: it neither inverts
 * the seed nor the result, so calls chain (crc32c(crc32c(c, a, n), b, m)
 * equals one call over a then b). The standard CRC-32C is
 *
 *	crc32c(~0u, buf, len) ^ ~0u
 *
 * which is 0xE3069283 for "123456789"; crc32c_buf() does exactly that.
 */
#ifndef PV_CRC32C_H
#define PV_CRC32C_H

#include <pv/types.h>

#define CRC32C_CHECK 0xE3069283u /* standard CRC-32C of "123456789" */

u32 crc32c(u32 crc, const void *buf, size_t len);

static inline u32 crc32c_buf(const void *buf, size_t len)
{
	return crc32c(~0u, buf, len) ^ ~0u;
}

#endif

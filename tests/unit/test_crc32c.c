// SPDX-License-Identifier: GPL-2.0
/*
 * lib/crc32c.c: published check values, chaining, and random buffers at
 * every alignment against a bit-at-a-time reference written here.
 */
#include <string.h>
#include <pv/crc32c.h>
#include "unit.h"

/* The checked-in slicing tables, verified entry by entry below. */
#include "../../lib/crc32c_table.h"

static u64 rng = 4242;

static u64 rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545F4914F6CDD1DULL;
}

/* One bit at a time, straight from the definition (reflected). */
static u32 ref_crc32c(u32 crc, const u8 *p, size_t n)
{
	while (n--) {
		crc ^= *p++;
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0x82F63B78u & -(crc & 1));
	}
	return crc;
}

UNIT_TEST(check_values)
{
	static const u8 zeros[32], ones[32] = { [0 ... 31] = 0xff };
	u8 inc[32], dec[32];

	for (int i = 0; i < 32; i++) {
		inc[i] = (u8)i;
		dec[i] = (u8)(31 - i);
	}
	CHECK_EQ(crc32c(~0u, "123456789", 9) ^ ~0u, 0xE3069283);
	CHECK_EQ(crc32c_buf("123456789", 9), CRC32C_CHECK);
	CHECK_EQ(crc32c_buf("", 0), 0);
	CHECK_EQ(crc32c(0x1234, "", 0), 0x1234); /* len 0: unchanged */
	/* RFC 3720 (iSCSI) appendix B.4 vectors. */
	CHECK_EQ(crc32c_buf(zeros, 32), 0x8A9136AA);
	CHECK_EQ(crc32c_buf(ones, 32), 0x62A8AB43);
	CHECK_EQ(crc32c_buf(inc, 32), 0x46DD794E);
	CHECK_EQ(crc32c_buf(dec, 32), 0x113FDB5C);
}

UNIT_TEST(tables_match_definition)
{
	int bad = 0;

	for (int b = 0; b < 256; b++) {
		u8 buf[8] = { (u8)b };

		/* t[k][b]: byte b followed by k zero bytes, from crc 0. */
		for (int k = 0; k < 8; k++)
			bad += crc32c_table[k][b] != ref_crc32c(0, buf, k + 1);
	}
	CHECK_EQ(bad, 0);
}

UNIT_TEST(random_buffers_all_alignments)
{
	static u8 buf[4096 + 16];
	int bad = 0;

	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (u8)rnd();
	for (size_t len = 0; len <= 300; len++)
		for (size_t off = 0; off < 16; off++) {
			u32 seed = (u32)rnd();

			bad += crc32c(seed, buf + off, len) !=
			       ref_crc32c(seed, buf + off, len);
		}
	bad += crc32c(~0u, buf + 3, 4096) != ref_crc32c(~0u, buf + 3, 4096);
	CHECK_EQ(bad, 0);
}

UNIT_TEST(incremental_equals_one_shot)
{
	static u8 buf[2048];
	int bad = 0;

	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (u8)rnd();
	u32 whole = crc32c(~0u, buf, sizeof(buf));

	for (int it = 0; it < 2000; it++) {
		size_t a = rnd() % sizeof(buf), b = rnd() % sizeof(buf);
		size_t lo = a < b ? a : b, hi = a < b ? b : a;
		u32 c = crc32c(~0u, buf, lo);

		c = crc32c(c, buf + lo, hi - lo);
		c = crc32c(c, buf + hi, sizeof(buf) - hi);
		bad += c != whole;
	}
	CHECK_EQ(bad, 0);
	/* A single flipped bit must change the CRC. */
	buf[100] ^= 4;
	CHECK(crc32c(~0u, buf, sizeof(buf)) != whole);
}

UNIT_MAIN()

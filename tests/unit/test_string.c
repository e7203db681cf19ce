// SPDX-License-Identifier: GPL-2.0
/*
 * lib/string.c (built as pv_*) against glibc: every length 0..300 at
 * every alignment, overlapping memmove both ways, and the rep-string
 * paths at large sizes. Guard bytes around each target catch overruns
 * that ASan cannot see inside the inline "rep movs".
 */
#include <string.h>
#include <pv/types.h>
#include "pvlib.h"
#include "unit.h"

#define MAXLEN 300
#define BUF (MAXLEN + 64)

static u64 rng = 0x9E3779B97F4A7C15ULL;

static u64 rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545F4914F6CDD1DULL;
}

static void fill_random(u8 *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (u8)rnd();
}

static int sign(int x)
{
	return (x > 0) - (x < 0);
}

UNIT_TEST(memcpy_all_lengths_and_alignments)
{
	static u8 src[BUF], a[BUF], b[BUF];
	int bad = 0;

	for (size_t len = 0; len <= MAXLEN; len++) {
		for (size_t so = 0; so < 8; so++) {
			for (size_t d_o = 0; d_o < 16; d_o++) {
				fill_random(src, BUF);
				fill_random(a, BUF);
				memcpy(b, a, BUF);
				void *r = pv_memcpy(a + d_o, src + so, len);

				memcpy(b + d_o, src + so, len);
				if (r != a + d_o || memcmp(a, b, BUF))
					bad++;
			}
		}
	}
	CHECK_EQ(bad, 0);
}

UNIT_TEST(memcpy_large_rep_path)
{
	static const size_t sizes[] = { 256,  257,	 263,	 4096,
					4099, 65536 + 5, 1 << 20 };

	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		for (size_t off = 0; off < 8; off += 3) {
			size_t n = sizes[i], total = n + 32;
			u8 *src = malloc(total), *a = malloc(total),
			   *b = malloc(total);

			fill_random(src, total);
			fill_random(a, total);
			memcpy(b, a, total);
			pv_memcpy(a + off, src + 7 - off, n);
			memcpy(b + off, src + 7 - off, n);
			CHECK(!memcmp(a, b, total));
			free(src);
			free(a);
			free(b);
		}
	}
}

/* Overlapping moves in both directions, against glibc on a copy. */
UNIT_TEST(memmove_overlapping)
{
	static u8 a[2 * BUF], b[2 * BUF];
	int bad = 0;

	for (size_t len = 0; len <= MAXLEN; len++) {
		for (int delta = -20; delta <= 20; delta++) {
			size_t s = 40 + rnd() % 8, d = (size_t)((int)s + delta);

			fill_random(a, sizeof(a));
			memcpy(b, a, sizeof(a));
			void *r = pv_memmove(a + d, a + s, len);

			memmove(b + d, b + s, len);
			if (r != a + d || memcmp(a, b, sizeof(a)))
				bad++;
		}
		/* Far apart: the plain-copy path. */
		fill_random(a, sizeof(a));
		memcpy(b, a, sizeof(a));
		pv_memmove(a + BUF, a + 3, len);
		memmove(b + BUF, b + 3, len);
		if (memcmp(a, b, sizeof(a)))
			bad++;
	}
	CHECK_EQ(bad, 0);
}

UNIT_TEST(memmove_large_overlap)
{
	size_t n = 70000, total = n + 4096;
	u8 *a = malloc(total), *b = malloc(total);

	for (size_t delta = 1; delta < 4096; delta = delta * 3 + 1) {
		fill_random(a, total);
		memcpy(b, a, total);
		pv_memmove(a + delta, a, n); /* backwards */
		memmove(b + delta, b, n);
		CHECK(!memcmp(a, b, total));
		pv_memmove(a, a + delta, n); /* forwards */
		memmove(b, b + delta, n);
		CHECK(!memcmp(a, b, total));
	}
	free(a);
	free(b);
}

UNIT_TEST(memset_all_lengths_and_alignments)
{
	static u8 a[BUF], b[BUF];
	static const int vals[] = { 0, 0xff, 0x5a, -1, 0x1ab, -128 };
	int bad = 0;

	for (size_t len = 0; len <= MAXLEN; len++) {
		for (size_t off = 0; off < 16; off++) {
			int c = vals[(len + off) % ARRAY_SIZE(vals)];

			fill_random(a, BUF);
			memcpy(b, a, BUF);
			void *r = pv_memset(a + off, c, len);

			memset(b + off, c, len);
			if (r != a + off || memcmp(a, b, BUF))
				bad++;
		}
	}
	CHECK_EQ(bad, 0);
}

UNIT_TEST(memset_large_rep_path)
{
	static const size_t sizes[] = { 264, 271, 4096, 100003, 1 << 20 };

	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		size_t n = sizes[i], total = n + 32;
		u8 *a = malloc(total), *b = malloc(total);

		fill_random(a, total);
		memcpy(b, a, total);
		pv_memset(a + 5, 0xC3, n);
		memset(b + 5, 0xC3, n);
		CHECK(!memcmp(a, b, total));
		free(a);
		free(b);
	}
}

/* Exactly-sized heap buffers: ASan flags any access outside them. */
UNIT_TEST(no_access_outside_exact_buffers)
{
	for (size_t len = 0; len <= MAXLEN; len++) {
		u8 *src = malloc(len ? len : 1), *dst = malloc(len ? len : 1);

		fill_random(src, len);
		pv_memcpy(dst, src, len);
		CHECK(!memcmp(dst, src, len));
		pv_memset(dst, 7, len);
		pv_memmove(dst, dst + len / 3, len - len / 3);
		pv_memmove(dst + len / 3, dst, len - len / 3);
		CHECK_EQ(pv_memcmp(dst, src, 0), 0);
		free(src);
		free(dst);
	}
}

UNIT_TEST(memcmp_sign_and_memchr)
{
	static u8 a[BUF], b[BUF];
	int bad = 0;

	for (size_t len = 0; len <= MAXLEN; len++) {
		fill_random(a, len);
		memcpy(b, a, len);
		if (len && rnd() % 4) {
			size_t at = rnd() % len;

			b[at] = (u8)rnd(); /* may differ, high bit included */
		}
		if (sign(pv_memcmp(a, b, len)) != sign(memcmp(a, b, len)))
			bad++;
		int c = (int)(rnd() % 256);

		if (pv_memchr(a, c, len) != memchr(a, c, len))
			bad++;
		/* Only the low byte of c counts. */
		if (pv_memchr(a, c + 256, len) != memchr(a, c, len))
			bad++;
	}
	CHECK_EQ(bad, 0);
	CHECK(pv_memcmp("\x80", "\x7f", 1) > 0); /* bytes are unsigned */
}

/* Random strings over a small alphabet so matches are frequent. */
static void random_str(char *s, size_t max)
{
	size_t n = rnd() % max;

	for (size_t i = 0; i < n; i++)
		s[i] = "ab\xe9z"[rnd() % 4];
	s[n] = '\0';
}

UNIT_TEST(str_functions_vs_glibc)
{
	char a[64], b[64];
	int bad = 0;

	for (int it = 0; it < 20000; it++) {
		random_str(a, 40);
		random_str(b, 6);
		size_t n = rnd() % 50;
		int c = "ab\xe9z"[rnd() % 4];

		bad += pv_strlen(a) != strlen(a);
		bad += pv_strnlen(a, n) != strnlen(a, n);
		bad += sign(pv_strcmp(a, b)) != sign(strcmp(a, b));
		bad += sign(pv_strcmp(a, a)) != 0;
		bad += sign(pv_strncmp(a, b, n)) != sign(strncmp(a, b, n));
		bad += pv_strchr(a, c) != strchr(a, c);
		bad += pv_strchr(a, 0) != strchr(a, 0);
		bad += pv_strrchr(a, c) != strrchr(a, c);
		bad += pv_strrchr(a, 0) != strrchr(a, 0);
		bad += pv_strstr(a, b) != strstr(a, b);
	}
	CHECK_EQ(bad, 0);
	CHECK(pv_strstr("abc", "") == strstr("abc", ""));
	CHECK(pv_strstr("", "") != NULL);
	CHECK(pv_strstr("", "a") == NULL);
}

UNIT_TEST(strlcpy_truncates_and_reports_length)
{
	char dst[16];

	for (size_t size = 0; size <= sizeof(dst); size++) {
		memset(dst, 'X', sizeof(dst));
		CHECK_EQ(pv_strlcpy(dst, "hello, world", size), 12);
		if (size) {
			size_t n = size - 1 < 12 ? size - 1 : 12;

			CHECK(!memcmp(dst, "hello, world", n));
			CHECK_EQ(dst[n], '\0');
			for (size_t i = n + 1; i < sizeof(dst); i++)
				CHECK_EQ(dst[i], 'X');
		} else {
			CHECK_EQ(dst[0], 'X');
		}
	}
}

UNIT_MAIN()

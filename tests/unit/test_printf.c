// SPDX-License-Identifier: GPL-2.0
/*
 * lib/vsnprintf.c (built as pv_vsnprintf) against glibc's vsnprintf:
 * every combination of flags, width, precision and length modifier over
 * boundary values, then truncation at every buffer size.
 */
#include <limits.h>
#include <stdarg.h>
#include <string.h>
#include <pv/types.h>
#include "pvlib.h"
#include "unit.h"

#define OUT 512

static int mismatches;

/*
 * Format with both implementations into buffers of the given size
 * pre-filled with a sentinel; the return values and every byte of the
 * buffers (so also the bytes that must stay untouched) must agree.
 */
static bool same_at_size(size_t size, const char *fmt, va_list ap)
{
	char a[OUT + 8], b[OUT + 8];
	va_list ap2;
	int ra, rb;

	memset(a, 0x55, sizeof(a));
	memset(b, 0x55, sizeof(b));
	va_copy(ap2, ap);
	ra = pv_vsnprintf(size ? a : NULL, size, fmt, ap);
	rb = vsnprintf(size ? b : NULL, size, fmt, ap2);
	va_end(ap2);
	if (ra != rb || memcmp(a, b, sizeof(a))) {
		if (mismatches++ < 20)
			fprintf(stderr,
				"  fmt \"%s\" size %zu: pv %d \"%.*s\" glibc %d \"%.*s\"\n",
				fmt, size, ra, (int)MIN(size, OUT), a, rb,
				(int)MIN(size, OUT), b);
		return false;
	}
	return true;
}

/* Full-size comparison; with trunc, also at every size up to len + 2. */
static void __attribute__((format(printf, 2, 3)))
cmp(bool trunc, const char *fmt, ...)
{
	va_list ap, ap2;
	int len;

	va_start(ap, fmt);
	va_copy(ap2, ap);
	same_at_size(OUT, fmt, ap2);
	va_end(ap2);
	if (trunc) {
		va_copy(ap2, ap);
		len = vsnprintf(NULL, 0, fmt, ap2);
		va_end(ap2);
		for (size_t size = 0; size <= (size_t)len + 2; size++) {
			va_copy(ap2, ap);
			same_at_size(size, fmt, ap2);
			va_end(ap2);
		}
	}
	va_end(ap);
}

static const long long ivals[] = {
	0,
	1,
	-1,
	7,
	42,
	-42,
	127,
	128,
	-128,
	255,
	256,
	32767,
	-32768,
	65535,
	65536,
	INT_MAX,
	INT_MIN,
	UINT_MAX,
	1LL << 32,
	LONG_MAX,
	LONG_MIN,
	LLONG_MIN,
	0x123456789abcdefLL,
	-0x123456789abcdefLL,
	01234567,
	999999999,
	-1000000000,
};

/* Call cmp with the argument type the length modifier expects. */
static void cmp_int(bool trunc, const char *fmt, const char *len, char conv,
		    long long v)
{
	bool sgn = conv == 'd' || conv == 'i';

	if (!strcmp(len, "ll"))
		sgn ? cmp(trunc, fmt, v)
		    : cmp(trunc, fmt, (unsigned long long)v);
	else if (len[0] == 'l' || len[0] == 'z' || len[0] == 'j' ||
		 len[0] == 't')
		sgn ? cmp(trunc, fmt, (long)v)
		    : cmp(trunc, fmt, (unsigned long)v);
	else
		sgn ? cmp(trunc, fmt, (int)v)
		    : cmp(trunc, fmt, (unsigned int)v);
}

#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#pragma GCC diagnostic ignored "-Wformat-security"
/* Deliberate: an empty format and NULL for %s (glibc prints "(null)"). */
#pragma GCC diagnostic ignored "-Wformat-zero-length"
#pragma GCC diagnostic ignored "-Wformat-overflow"

UNIT_TEST(integers_all_flag_width_precision_length_combinations)
{
	static const char *const widths[] = { "", "1", "6", "23" };
	static const char *const precs[] = { "", ".", ".0", ".1", ".4", ".21" };
	static const char *const lens[] = { "hh", "h", "",  "l",
					    "ll", "z", "j", "t" };
	static const char convs[] = "diuoxX";
	static const char flagch[] = "-+ #0";
	unsigned long n = 0;

	for (unsigned int fl = 0; fl < 32; fl++) {
		char flags[8];
		int nf = 0;

		for (int i = 0; i < 5; i++)
			if (fl & (1u << i))
				flags[nf++] = flagch[i];
		flags[nf] = '\0';
		for (size_t w = 0; w < ARRAY_SIZE(widths); w++)
			for (size_t p = 0; p < ARRAY_SIZE(precs); p++)
				for (size_t l = 0; l < ARRAY_SIZE(lens); l++)
					for (const char *c = convs; *c; c++) {
						char fmt[40];

						/* '#' is undefined for d, i, u. */
						if ((fl & 8) &&
						    (*c == 'd' || *c == 'i' ||
						     *c == 'u'))
							continue;
						snprintf(fmt, sizeof(fmt),
							 "<%%%s%s%s%s%c>",
							 flags, widths[w],
							 precs[p], lens[l], *c);
						for (size_t v = 0;
						     v < ARRAY_SIZE(ivals);
						     v++) {
							/* A sample also gets every buffer size. */
							cmp_int(n++ % 61 == 0,
								fmt, lens[l],
								*c, ivals[v]);
						}
					}
	}
	CHECK_EQ(mismatches, 0);
	CHECK(n > 100000);
}

UNIT_TEST(star_width_and_precision)
{
	static const int stars[] = { -30, -5, -1, 0, 1, 3, 12 };
	/* '0' with a precision is ignored: legal, but GCC warns. */
	const char *zero_prec = "[%0*.*lld]";

	mismatches = 0;
	for (size_t i = 0; i < ARRAY_SIZE(stars); i++) {
		for (size_t j = 0; j < ARRAY_SIZE(stars); j++) {
			cmp(true, "[%*d]", stars[i], -12345);
			cmp(true, "[%*.*x]", stars[i], stars[j], 0xbeefu);
			cmp(true, "[%-*.*s]", stars[i], stars[j], "string");
			cmp(true, zero_prec, stars[i], stars[j], LLONG_MIN);
			cmp(true, "[%*c]", stars[i], 'q');
		}
	}
	CHECK_EQ(mismatches, 0);
}

UNIT_TEST(strings_chars_pointers_percent)
{
	static const char *const strs[] = { "", "a", "hello", "with space",
					    "0123456789abcdefghij" };
	int x;

	mismatches = 0;
	for (size_t i = 0; i < ARRAY_SIZE(strs); i++) {
		const char *s = strs[i];

		cmp(true, "%s|%10s|%-10s|%.3s|%8.2s|%-8.0s|", s, s, s, s, s, s);
		cmp(true, "%.*s", 4, s);
	}
	cmp(true, "%s", (char *)NULL);
	cmp(true, "%10s|%-10s", (char *)NULL, (char *)NULL);
	for (int c = 1; c < 256; c += 17)
		cmp(true, "%c|%3c|%-3c|", c, c, c);
	cmp(true, "a%cb", 0); /* an embedded NUL */
	cmp(true, "%p|%20p|%-20p|", (void *)&x, (void *)&x, (void *)&x);
	cmp(true, "%p|%8p|%-8p|", (void *)NULL, (void *)NULL, (void *)NULL);
	cmp(true, "%p", (void *)~0UL);
	cmp(true, "%p", (void *)1UL);
	cmp(true, "100%% %%%d%%", 5);
	cmp(true, "%s", "");
	cmp(true, "no conversions at all");
	cmp(true, "");
	CHECK_EQ(mismatches, 0);
}

UNIT_TEST(return_value_and_termination)
{
	char buf[8];
	int r;

	memset(buf, 'Z', sizeof(buf));
	r = pv_snprintf(buf, 0, "%d", 123456);
	CHECK_EQ(r, 6);
	CHECK_EQ(buf[0], 'Z'); /* size 0 writes nothing */
	r = pv_snprintf(NULL, 0, "%s-%d", "abc", -7);
	CHECK_EQ(r, 6);
	r = pv_snprintf(buf, 1, "xyz");
	CHECK_EQ(r, 3);
	CHECK_EQ(buf[0], '\0');
	r = pv_snprintf(buf, sizeof(buf), "%llu", ULLONG_MAX);
	CHECK_EQ(r, 20);
	CHECK_STR(buf, "1844674");
	r = pv_snprintf(buf, sizeof(buf), "%lld", LLONG_MIN);
	CHECK_EQ(r, 20);
	CHECK_STR(buf, "-922337");
	r = pv_snprintf(buf, sizeof(buf), "%d", INT_MIN);
	CHECK_EQ(r, 11);
	CHECK_STR(buf, "-214748");
	CHECK_EQ(buf[7], '\0');
}

UNIT_MAIN()

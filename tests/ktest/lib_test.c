// SPDX-License-Identifier: GPL-2.0
/*
 * KTAP suite "lib": the kernel's own string, formatting, bitmap, list,
 * crc32c and endian code, built with the kernel's flags (no SSE, rep
 * string paths) and checked against simple references written here.
 */
#include <pv/bitmap.h>
#include <pv/crc32c.h>
#include <pv/endian.h>
#include <pv/ktest.h>
#include <pv/list.h>
#include <pv/printf.h>
#include <pv/string.h>

static u64 rng_state;

static u64 rnd(void)
{
	u64 x = rng_state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	rng_state = x;
	return x * 0x2545F4914F6CDD1DULL;
}

static void fill_random(u8 *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (u8)rnd();
}

/* Byte-at-a-time references: obviously right, so they judge the fast code. */
static bool bytes_equal(const u8 *a, const u8 *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (a[i] != b[i])
			return false;
	return true;
}

static void ref_copy(u8 *d, const u8 *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		d[i] = s[i];
}

#define MAXLEN 300
#define BUF (MAXLEN + 48)
#define BIG (64 * 1024 + 40)

static u8 src[BIG], a[BIG], b[BIG];

static void memcpy_memset(struct ktest *t)
{
	unsigned int bad = 0;

	rng_state = 1;
	for (size_t len = 0; len <= MAXLEN; len++) {
		for (size_t so = 0; so < 8; so++) {
			size_t d_o = (len + so * 3) % 16;

			fill_random(src, BUF);
			fill_random(a, BUF);
			ref_copy(b, a, BUF);
			bad += memcpy(a + d_o, src + so, len) != a + d_o;
			ref_copy(b + d_o, src + so, len);
			bad += !bytes_equal(a, b, BUF);

			bad += memset(a + so, (int)len, len) != a + so;
			for (size_t i = 0; i < len; i++)
				b[so + i] = (u8)len;
			bad += !bytes_equal(a, b, BUF);
		}
	}
	KTEST_EXPECT_EQ(t, bad, 0);

	/* Sizes that take the rep movsq / rep stosq paths. */
	for (size_t off = 0; off < 8; off += 3) {
		size_t n = BIG - 16;

		fill_random(src, BIG);
		fill_random(a, BIG);
		ref_copy(b, a, BIG);
		memcpy(a + off, src + 8 - off, n);
		ref_copy(b + off, src + 8 - off, n);
		KTEST_EXPECT(t, bytes_equal(a, b, BIG));
		memset(a + off + 1, 0xA5, n - 7);
		for (size_t i = 0; i < n - 7; i++)
			b[off + 1 + i] = 0xA5;
		KTEST_EXPECT(t, bytes_equal(a, b, BIG));
	}
}

static void memmove_overlap(struct ktest *t)
{
	static u8 tmp[BUF];
	unsigned int bad = 0;

	rng_state = 2;
	for (size_t len = 0; len <= MAXLEN; len++) {
		for (int delta = -17; delta <= 17; delta++) {
			size_t s = 20 + (size_t)(rnd() % 8);
			size_t d = (size_t)((int)s + delta);

			fill_random(a, BUF);
			ref_copy(b, a, BUF);
			bad += memmove(a + d, a + s, len) != a + d;
			ref_copy(tmp, b + s, len); /* via a bounce buffer */
			ref_copy(b + d, tmp, len);
			bad += !bytes_equal(a, b, BUF);
		}
	}
	KTEST_EXPECT_EQ(t, bad, 0);
}

static void str_functions(struct ktest *t)
{
	static const char s[] = "hello, hypervisor";
	char buf[8];

	KTEST_EXPECT_EQ(t, strlen(s), 17);
	KTEST_EXPECT_EQ(t, strlen(""), 0);
	KTEST_EXPECT_EQ(t, strnlen(s, 5), 5);
	KTEST_EXPECT_EQ(t, strnlen(s, 100), 17);
	KTEST_EXPECT(t, strcmp("abc", "abc") == 0);
	KTEST_EXPECT(t, strcmp("abc", "abd") < 0);
	KTEST_EXPECT(t, strcmp("abc", "ab") > 0);
	KTEST_EXPECT(t, strcmp("\xe9", "a") > 0); /* compares as unsigned */
	KTEST_EXPECT(t, strncmp("abcX", "abcY", 3) == 0);
	KTEST_EXPECT(t, strncmp("abcX", "abcY", 4) < 0);
	KTEST_EXPECT(t, memcmp("\x80", "\x7f", 1) > 0);
	KTEST_EXPECT(t, strchr(s, 'h') == s);
	KTEST_EXPECT(t, strrchr(s, 'h') == s + 7);
	KTEST_EXPECT(t, strchr(s, '\0') == s + 17);
	KTEST_EXPECT(t, strchr(s, 'z') == NULL);
	KTEST_EXPECT(t, strstr(s, "hyper") == s + 7);
	KTEST_EXPECT(t, strstr(s, "visors") == NULL);
	KTEST_EXPECT(t, strstr(s, "") == s);
	KTEST_EXPECT(t, memchr(s, 'y', 17) == s + 8);
	KTEST_EXPECT(t, memchr(s, 'y', 8) == NULL);
	KTEST_EXPECT_EQ(t, strlcpy(buf, s, sizeof(buf)), 17);
	KTEST_EXPECT(t, strcmp(buf, "hello, ") == 0);
	KTEST_EXPECT_EQ(t, strlcpy(buf, "ok", sizeof(buf)), 2);
	KTEST_EXPECT(t, strcmp(buf, "ok") == 0);
}

/* One formatting case: exact text and the C99 return value. */
static void __printf(4, 5) expect_fmt(struct ktest *t, int line,
				      const char *want, const char *fmt, ...)
{
	char buf[96];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	ktest_check(t, n == (int)strlen(want) && !strcmp(buf, want), __FILE__,
		    line, "format \"%s\": got \"%s\" (%d), want \"%s\"", fmt,
		    buf, n, want);
}

#define EXPECT_FMT(t, want, ...) expect_fmt(t, __LINE__, want, __VA_ARGS__)

static void snprintf_formats(struct ktest *t)
{
	EXPECT_FMT(t, "42|-42|+42| 42", "%d|%i|%+d|% d", 42, -42, 42, 42);
	EXPECT_FMT(t, "[   42][42   ][00042]", "[%5d][%-5d][%05d]", 42, 42, 42);
	EXPECT_FMT(t, "-2147483648", "%d", (int)(-2147483647 - 1));
	EXPECT_FMT(t, "-9223372036854775808", "%lld",
		   (long long)(-9223372036854775807LL - 1));
	EXPECT_FMT(t, "18446744073709551615", "%llu", ~0ULL);
	EXPECT_FMT(t, "4294967295", "%u", ~0u);
	EXPECT_FMT(t, "ff|FF|0xff|0XFF|0x000ff", "%x|%X|%#x|%#X|%#07x", 255u,
		   255u, 255u, 255u, 255u);
	EXPECT_FMT(t, "17|017|0", "%o|%#o|%#o", 15u, 15u, 0u);
	EXPECT_FMT(t, "||0|", "|%.0d|%d|", 0, 0);
	EXPECT_FMT(t, "-56|200|-1|65535", "%hhd|%hhu|%hd|%hu", 200, 200, 65535,
		   65535);
	EXPECT_FMT(t, "123456789012|-5|7", "%zu|%ld|%jd", (size_t)123456789012,
		   -5L, (intmax_t)7);
	EXPECT_FMT(t, "[abc][  abc][abc  ][ab]", "[%s][%5s][%-5s][%.2s]", "abc",
		   "abc", "abc", "abc");
	EXPECT_FMT(t, "[x][  x][x  ]", "[%c][%3c][%-3c]", 'x', 'x', 'x');
	EXPECT_FMT(t, "[    7][7    ]", "[%*d][%*d]", 5, 7, -5, 7);
	EXPECT_FMT(t, "[007]", "[%.*d]", 3, 7);
	EXPECT_FMT(t, "0x1000|(nil)", "%p|%p", (void *)0x1000, (void *)0);
	EXPECT_FMT(t, "100%", "%d%%", 100);
	/*
	 * Legal C that GCC warns about: '0' with a precision (ignored), NULL
	 * for %s, sign flags on %u (ignored).
	 */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-overflow"
	EXPECT_FMT(t, "[  042][-0042]", "[%5.3d][%05.4d]", 42, -42);
	EXPECT_FMT(t, "(null)", "%s", (const char *)NULL);
	EXPECT_FMT(t, "5|5", "%+u|% u", 5u, 5u); /* no sign on unsigned */
#pragma GCC diagnostic pop
}

static void snprintf_truncation(struct ktest *t)
{
	char buf[16];
	int n;

	for (size_t size = 0; size < sizeof(buf); size++) {
		memset(buf, 'Z', sizeof(buf));
		n = snprintf(buf, size, "%s-%d", "abcdef", 12345);
		KTEST_EXPECT_EQ(t, n, 12);
		if (!size) {
			KTEST_EXPECT_EQ(t, buf[0], 'Z');
			continue;
		}
		size_t w = size - 1 < 12 ? size - 1 : 12;

		KTEST_EXPECT(t, !memcmp(buf, "abcdef-12345", w));
		KTEST_EXPECT_EQ(t, buf[w], '\0');
		for (size_t i = w + 1; i < sizeof(buf); i++)
			KTEST_EXPECT_EQ(t, buf[i], 'Z');
	}
	KTEST_EXPECT_EQ(t, snprintf(NULL, 0, "%020d", 1), 20);
}

#define NBITS 200

static void bitmap_ops(struct ktest *t)
{
	static DECLARE_BITMAP(map, NBITS);
	static bool m[NBITS];
	unsigned int bad = 0;

	rng_state = 3;
	bitmap_zero(map, NBITS);
	for (size_t i = 0; i < NBITS; i++)
		m[i] = false;
	for (int step = 0; step < 3000; step++) {
		size_t x = rnd() % NBITS, len = rnd() % (NBITS - x + 1);
		size_t want, w = 0;
		bool old;

		switch (rnd() % 6) {
		case 0:
			bitmap_set_bit(map, x);
			m[x] = true;
			break;
		case 1:
			bitmap_clear_bit(map, x);
			m[x] = false;
			break;
		case 2:
			bitmap_set_range(map, x, len);
			for (size_t i = x; i < x + len; i++)
				m[i] = true;
			break;
		case 3:
			bitmap_clear_range(map, x, len);
			for (size_t i = x; i < x + len; i++)
				m[i] = false;
			break;
		case 4:
			old = bitmap_test_and_set_bit_atomic(map, x);
			bad += old != m[x];
			m[x] = true;
			break;
		case 5:
			old = bitmap_test_and_clear_bit_atomic(map, x);
			bad += old != m[x];
			m[x] = false;
			break;
		}
		for (want = x; want < NBITS && !m[want]; want++)
			;
		bad += bitmap_find_next_set(map, NBITS, x) != want;
		for (want = x; want < NBITS && m[want]; want++)
			;
		bad += bitmap_find_next_zero(map, NBITS, x) != want;
		for (size_t i = 0; i < NBITS; i++) {
			bad += bitmap_test_bit(map, i) != m[i];
			w += m[i];
		}
		bad += bitmap_weight(map, NBITS) != w;
	}
	KTEST_EXPECT_EQ(t, bad, 0);
	bitmap_fill(map, NBITS);
	KTEST_EXPECT_EQ(t, bitmap_weight(map, NBITS), NBITS);
	KTEST_EXPECT_EQ(t, bitmap_find_first_zero(map, NBITS), NBITS);
	bitmap_clear_range(map, 130, 9);
	/* Bits 130..138 are the only clear ones. */
	KTEST_EXPECT_EQ(t, bitmap_find_zero_area(map, NBITS, 0, 8, 2), 130);
	KTEST_EXPECT_EQ(t, bitmap_find_zero_area(map, NBITS, 0, 8, 8), NBITS);
	KTEST_EXPECT_EQ(t, bitmap_find_zero_area(map, NBITS, 0, 10, 1), NBITS);
	KTEST_EXPECT_EQ(t, popcount64(0xF0F0F0F0F0F0F0F0ULL), 32);
	KTEST_EXPECT_EQ(t, fls64(0x80), 8);
	KTEST_EXPECT_EQ(t, ffs64(0x80), 8);
}

struct node {
	int v;
	struct list_head link;
};

static void list_ops(struct ktest *t)
{
	static struct node n[8];
	struct node *p, *tmp;
	LIST_HEAD(h);
	LIST_HEAD(other);
	int expect, count = 0;

	KTEST_EXPECT(t, list_empty(&h));
	for (int i = 0; i < 8; i++) {
		n[i].v = i;
		if (i < 4)
			list_add_tail(&n[i].link, &h); /* 0 1 2 3 */
		else
			list_add(&n[i].link, &other); /* 7 6 5 4 */
	}
	list_splice_tail_init(&other, &h);
	KTEST_EXPECT(t, list_empty(&other));
	{
		static const int order[] = { 0, 1, 2, 3, 7, 6, 5, 4 };

		list_for_each_entry(p, &h, link) {
			KTEST_EXPECT_EQ(t, p->v, order[count]);
			count++;
		}
		KTEST_EXPECT_EQ(t, count, 8);
	}
	/* Delete the odd ones while walking. */
	list_for_each_entry_safe(p, tmp, &h, link) {
		if (p->v & 1)
			list_del(&p->link);
	}
	expect = 0;
	count = 0;
	list_for_each_entry(p, &h, link) {
		KTEST_EXPECT(t, !(p->v & 1));
		count++;
	}
	KTEST_EXPECT_EQ(t, count, 4);
	KTEST_EXPECT_EQ(t, list_last_entry(&h, struct node, link)->v, 4);
	list_splice_init(&h, &other);
	KTEST_EXPECT(t, list_empty(&h));
	list_for_each_entry(p, &other, link)
		expect += p->v;
	KTEST_EXPECT_EQ(t, expect, 0 + 2 + 6 + 4);
}

/* Bit-at-a-time CRC32C, the definition the tables must reproduce. */
static u32 ref_crc32c(u32 crc, const u8 *p, size_t n)
{
	while (n--) {
		crc ^= *p++;
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0x82F63B78u & -(crc & 1));
	}
	return crc;
}

static void crc32c_values(struct ktest *t)
{
	unsigned int bad = 0;
	u32 whole;

	KTEST_EXPECT_EQ(t, crc32c(~0u, "123456789", 9) ^ ~0u, 0xE3069283);
	KTEST_EXPECT_EQ(t, crc32c_buf("123456789", 9), CRC32C_CHECK);
	rng_state = 4;
	fill_random(src, 4096);
	for (size_t len = 0; len < 200; len++) {
		size_t off = rnd() % 16;

		bad += crc32c(~0u, src + off, len) !=
		       ref_crc32c(~0u, src + off, len);
	}
	KTEST_EXPECT_EQ(t, bad, 0);
	whole = crc32c(~0u, src, 4096);
	KTEST_EXPECT_EQ(t, whole, ref_crc32c(~0u, src, 4096));
	KTEST_EXPECT_EQ(t, crc32c(crc32c(~0u, src, 1001), src + 1001, 3095),
			whole);
}

static void endian_conversions(struct ktest *t)
{
	u32 x = 0x12345678;
	be32 be = cpu_to_be32(x);
	le32 le = cpu_to_le32(x);
	const u8 *pb = (const u8 *)&be, *pl = (const u8 *)&le;

	KTEST_EXPECT(t, pb[0] == 0x12 && pb[3] == 0x78);
	KTEST_EXPECT(t, pl[0] == 0x78 && pl[3] == 0x12);
	KTEST_EXPECT_EQ(t, be32_to_cpu(be), x);
	KTEST_EXPECT_EQ(t, le32_to_cpu(le), x);
	KTEST_EXPECT_EQ(t, be16_to_cpu(cpu_to_be16(0xABCD)), 0xABCD);
	KTEST_EXPECT_EQ(t, (__force u16)cpu_to_be16(0xABCD), 0xCDAB);
	KTEST_EXPECT_EQ(t, (__force u64)cpu_to_be64(0x0102030405060708ULL),
			0x0807060504030201ULL);
	KTEST_EXPECT_EQ(t, le64_to_cpu(cpu_to_le64(~1ULL)), ~1ULL);
}

static const struct ktest_case lib_cases[] = {
	KTEST_CASE(memcpy_memset),
	KTEST_CASE(memmove_overlap),
	KTEST_CASE(str_functions),
	KTEST_CASE(snprintf_formats),
	KTEST_CASE(snprintf_truncation),
	KTEST_CASE(bitmap_ops),
	KTEST_CASE(list_ops),
	KTEST_CASE(crc32c_values),
	KTEST_CASE(endian_conversions),
};
KTEST_SUITE("lib", lib_cases);

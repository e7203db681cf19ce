// SPDX-License-Identifier: GPL-2.0
#include <string.h>
#include <pv/cmdline.h>
#include "unit.h"

UNIT_TEST(splits_keys_and_values)
{
	const char *p = " a=1  flag b=\"x y\" ";
	char k[16], v[16];

	CHECK_EQ(cmdline_next(&p, k, sizeof(k), v, sizeof(v)), 1);
	CHECK_STR(k, "a");
	CHECK_STR(v, "1");
	CHECK_EQ(cmdline_next(&p, k, sizeof(k), v, sizeof(v)), 1);
	CHECK_STR(k, "flag");
	CHECK_STR(v, "");
	CHECK_EQ(cmdline_next(&p, k, sizeof(k), v, sizeof(v)), 1);
	CHECK_STR(k, "b");
	CHECK_STR(v, "x y");
	CHECK_EQ(cmdline_next(&p, k, sizeof(k), v, sizeof(v)), 0);
}

UNIT_TEST(rejects_overlong_and_unterminated)
{
	const char *p = "key=0123456789abcdef next=1";
	char k[8], v[8];

	CHECK_EQ(cmdline_next(&p, k, sizeof(k), v, sizeof(v)), -1);
	CHECK_EQ(cmdline_next(&p, k, sizeof(k), v, sizeof(v)), 1);
	CHECK_STR(k, "next");
	p = "q=\"open";
	CHECK_EQ(cmdline_next(&p, k, sizeof(k), v, sizeof(v)), -1);
}

UNIT_TEST(parses_numbers_strictly)
{
	u64 v;

	CHECK_EQ(parse_u64("42", &v), 0);
	CHECK_EQ(v, 42);
	CHECK_EQ(parse_u64("0x1F", &v), 0);
	CHECK_EQ(v, 31);
	CHECK_EQ(parse_u64("", &v), -1);
	CHECK_EQ(parse_u64("12a", &v), -1);
	CHECK_EQ(parse_u64("0x", &v), -1);
	CHECK_EQ(parse_u64("18446744073709551615", &v), 0);
	CHECK_EQ(parse_u64("18446744073709551616", &v), -1);
	CHECK_EQ(parse_size("4K", &v), 0);
	CHECK_EQ(v, 4096);
	CHECK_EQ(parse_size("2G", &v), 0);
	CHECK_EQ(v, 2ll << 30);
	CHECK_EQ(parse_size("3X", &v), -1);
}

UNIT_TEST(parses_booleans)
{
	bool b = false;

	CHECK_EQ(parse_bool("on", &b), 0);
	CHECK(b);
	CHECK_EQ(parse_bool("0", &b), 0);
	CHECK(!b);
	CHECK_EQ(parse_bool("maybe", &b), -1);
}

UNIT_MAIN()

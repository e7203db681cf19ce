/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host unit tests: kernel code compiled for the host under ASan+UBSan.
 * Each test_*.c defines cases with UNIT_TEST() and ends with UNIT_MAIN().
 * Output is TAP-like; the process exits non-zero if any check failed.
 */
#ifndef UNIT_H
#define UNIT_H

#include <stdio.h>
#include <stdlib.h>

struct unit_case {
	const char *name;
	void (*fn)(void);
};

extern int unit_failures;
extern const char *unit_current;

#define UNIT_TEST(n)                                                   \
	static void n(void);                                           \
	static const struct unit_case __unit_##n __attribute__((       \
		used, section("unit_cases"), aligned(8))) = { #n, n }; \
	static void n(void)

#define CHECK(c)                                                           \
	do {                                                               \
		if (!(c)) {                                                \
			fprintf(stderr, "  %s: %s:%d: CHECK(%s) failed\n", \
				unit_current, __FILE__, __LINE__, #c);     \
			unit_failures++;                                   \
		}                                                          \
	} while (0)

#define CHECK_EQ(a, b)                                                          \
	do {                                                                    \
		long long _a = (long long)(a), _b = (long long)(b);             \
		if (_a != _b) {                                                 \
			fprintf(stderr,                                         \
				"  %s: %s:%d: %s == %s failed: %lld vs %lld\n", \
				unit_current, __FILE__, __LINE__, #a, #b, _a,   \
				_b);                                            \
			unit_failures++;                                        \
		}                                                               \
	} while (0)

#define CHECK_STR(a, b)                                                    \
	do {                                                               \
		const char *_a = (a), *_b = (b);                           \
		if (strcmp(_a, _b)) {                                      \
			fprintf(stderr,                                    \
				"  %s: %s:%d: \"%s\" == \"%s\" failed\n",  \
				unit_current, __FILE__, __LINE__, _a, _b); \
			unit_failures++;                                   \
		}                                                          \
	} while (0)

/* Runs every case in this binary; prints "ok"/"not ok" per case. */
#define UNIT_MAIN()                                                          \
	int unit_failures;                                                   \
	const char *unit_current;                                            \
	extern const struct unit_case __start_unit_cases[],                  \
		__stop_unit_cases[];                                         \
	int main(void)                                                       \
	{                                                                    \
		int n = 0, bad = 0;                                          \
		for (const struct unit_case *c = __start_unit_cases;         \
		     c < __stop_unit_cases; c++) {                           \
			int before = unit_failures;                          \
			unit_current = c->name;                              \
			c->fn();                                             \
			n++;                                                 \
			if (unit_failures != before)                         \
				bad++;                                       \
			printf("%s %d %s\n",                                 \
			       unit_failures != before ? "not ok" : "ok", n, \
			       c->name);                                     \
		}                                                            \
		printf("# %d cases, %d failed\n", n, bad);                   \
		return bad ? 1 : 0;                                          \
	}

#endif

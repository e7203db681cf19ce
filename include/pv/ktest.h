/* SPDX-License-Identifier: GPL-2.0 */
/*
 * In-kernel tests. A suite is a list of cases; each case gets a struct
 * ktest to report through. Results go out as KTAP version 1, and the
 * kernel then leaves QEMU with the verdict (tests/ktest/ktest.c).
 */
#ifndef PV_KTEST_H
#define PV_KTEST_H

#include <pv/types.h>

struct ktest {
	const char *name;
	bool failed;
	bool skipped;
	const char *skip_reason;
};

struct ktest_case {
	const char *name;
	void (*run)(struct ktest *t);
};

struct ktest_suite {
	const char *name;
	const struct ktest_case *cases;
	size_t nr_cases;
};

#define KTEST_CASE(fn)  \
	{               \
#fn, fn \
	}

#define KTEST_SUITE(sname, case_array)                                    \
	static const struct ktest_suite __ktest_suite_##case_array __used \
		__section(".ktest_suites") __aligned(                     \
			8) = { sname, case_array, ARRAY_SIZE(case_array) }

/* Record a failure with a diagnostic; returns cond. */
bool ktest_check(struct ktest *t, bool cond, const char *file, int line,
		 const char *fmt, ...) __printf(5, 6);
void ktest_skip(struct ktest *t, const char *reason);
/* A diagnostic line ("# ...") inside the current case. */
void ktest_log(struct ktest *t, const char *fmt, ...) __printf(2, 3);

#define KTEST_EXPECT(t, c) \
	ktest_check(t, !!(c), __FILE__, __LINE__, "expected %s", #c)
#define KTEST_ASSERT(t, c)               \
	do {                             \
		if (!KTEST_EXPECT(t, c)) \
			return;          \
	} while (0)
#define KTEST_EXPECT_EQ(t, a, b)                                             \
	({                                                                   \
		unsigned long long _a = (unsigned long long)(a);             \
		unsigned long long _b = (unsigned long long)(b);             \
		ktest_check(t, _a == _b, __FILE__, __LINE__,                 \
			    "expected %s == %s, got %#llx vs %#llx", #a, #b, \
			    _a, _b);                                         \
	})
#define KTEST_ASSERT_EQ(t, a, b)               \
	do {                                   \
		if (!KTEST_EXPECT_EQ(t, a, b)) \
			return;                \
	} while (0)

/* Run every built-in suite, print KTAP and exit the machine. */
void ktest_run_all(void) __noreturn;

#endif

// SPDX-License-Identifier: GPL-2.0
/* The in-kernel test runner: KTAP v1 on the console, verdict via exit. */
#include <pv/ktest.h>
#include <pv/cmdline.h>
#include <pv/panic.h>
#include <pv/printf.h>
#include <pv/printk.h>
#include <pv/string.h>
#include <asm/cpu.h>

extern const struct ktest_suite __ktest_suites_start[], __ktest_suites_end[];

/*
 * "ktest.inject=" makes the run misbehave on purpose so the profile
 * runner's self-test can prove it notices: fail, panic, hang, truncate.
 */
static char inject[16];
static char filter[128];

static int set_inject(const char *v)
{
	static const char *const ok[] = { "fail", "panic", "hang", "truncate" };

	for (size_t i = 0; i < ARRAY_SIZE(ok); i++) {
		if (!strcmp(v, ok[i])) {
			strlcpy(inject, v, sizeof(inject));
			return 0;
		}
	}
	return -1;
}
KPARAM("ktest.inject", set_inject, "fail, panic, hang or truncate");

static int set_filter(const char *v)
{
	if (strlen(v) >= sizeof(filter))
		return -1;
	strlcpy(filter, v, sizeof(filter));
	return 0;
}
KPARAM("ktest.filter", set_filter, "comma-separated suite names");

static bool selected(const char *name)
{
	size_t n = strlen(name);
	const char *p = filter;

	if (!filter[0])
		return true;
	while (*p) {
		if (!strncmp(p, name, n) && (p[n] == ',' || p[n] == '\0'))
			return true;
		p = strchr(p, ',');
		if (!p)
			break;
		p++;
	}
	return false;
}

bool ktest_check(struct ktest *t, bool cond, const char *file, int line,
		 const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	if (cond)
		return true;
	t->failed = true;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	kprint("    # %s: %s:%d: %s\n", t->name, file, line, buf);
	return false;
}

void ktest_skip(struct ktest *t, const char *reason)
{
	t->skipped = true;
	t->skip_reason = reason;
}

void ktest_log(struct ktest *t, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	kprint("    # %s: %s\n", t->name, buf);
}

static void injected_fail(struct ktest *t)
{
	KTEST_EXPECT_EQ(t, 1 + 1, 3);
}

static const struct ktest_case selftest_cases[] = {
	KTEST_CASE(injected_fail),
};

/* panic/hang after the first suite (or before the verdict if none ran). */
static void inject_fault(void)
{
	if (!strcmp(inject, "panic"))
		panic("ktest: panic injected by ktest.inject=panic");
	if (!strcmp(inject, "hang")) {
		kprint("# ktest: hanging on purpose (ktest.inject=hang)\n");
		halt_forever();
	}
}

static bool run_suite(const struct ktest_suite *s, unsigned int idx)
{
	unsigned int passed = 0, failed = 0, skipped = 0;

	kprint("    KTAP version 1\n    # Subtest: %s\n    1..%zu\n", s->name,
	       s->nr_cases);
	for (size_t i = 0; i < s->nr_cases; i++) {
		struct ktest t = { .name = s->cases[i].name };

		if (!strcmp(inject, "truncate") && i == s->nr_cases / 2 &&
		    idx == 1)
			machine_exit(
				0); /* lines go missing, verdict says pass */
		s->cases[i].run(&t);
		if (t.skipped) {
			skipped++;
			kprint("    ok %zu %s # SKIP %s\n", i + 1, t.name,
			       t.skip_reason ? t.skip_reason : "");
		} else if (t.failed) {
			failed++;
			kprint("    not ok %zu %s\n", i + 1, t.name);
		} else {
			passed++;
			kprint("    ok %zu %s\n", i + 1, t.name);
		}
	}
	kprint("    # %s: pass:%u fail:%u skip:%u total:%zu\n", s->name, passed,
	       failed, skipped, s->nr_cases);
	kprint("%sok %u %s\n", failed ? "not " : "", idx, s->name);
	return failed == 0;
}

void ktest_run_all(void)
{
	static const struct ktest_suite selftest = {
		"selftest", selftest_cases, ARRAY_SIZE(selftest_cases)
	};
	unsigned int total = 0, idx = 0, bad = 0;

	for (const struct ktest_suite *s = __ktest_suites_start;
	     s < __ktest_suites_end; s++)
		total += selected(s->name);
	if (!strcmp(inject, "fail"))
		total++;

	kprint("KTAP version 1\n1..%u\n", total);
	for (const struct ktest_suite *s = __ktest_suites_start;
	     s < __ktest_suites_end; s++) {
		if (!selected(s->name))
			continue;
		if (!run_suite(s, ++idx))
			bad++;
		inject_fault();
	}
	inject_fault();
	if (!strcmp(inject, "fail") && !run_suite(&selftest, ++idx))
		bad++;
	kprint("# ktest: %u suites, %u failed\n", idx, bad);
	machine_exit(bad ? 1 : 0);
}

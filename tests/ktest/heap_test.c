// SPDX-License-Identifier: GPL-2.0
/* heap suite: kmalloc/kfree on the kernel heap (misuse is tested on the
 * host, tests/unit/test_heap.c: here a detection would panic). */
#include <pv/heap.h>
#include <pv/ktest.h>
#include <pv/pmm.h>
#include <pv/string.h>

static u64 lcg_state;
static u64 lcg(void)
{
	lcg_state = lcg_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return lcg_state >> 33;
}

static void every_size_class(struct ktest *t)
{
	static const size_t sizes[] = { 1,   15,  16,	17,   32,   33,	 48,
					64,  96,  128,	192,  255,  256, 384,
					512, 672, 1000, 1008, 1344, 2016 };
	u64 pages, objs, objs0;

	heap_stats(&pages, &objs0);
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		u8 *p = kmalloc(sizes[i]), *q = kmalloc(sizes[i]);

		KTEST_ASSERT(t, p && q);
		KTEST_EXPECT_EQ(t, (uintptr_t)p % HEAP_ALIGN, 0);
		KTEST_EXPECT_EQ(t, (uintptr_t)q % HEAP_ALIGN, 0);
		/* Two objects of one class are at least a class apart. */
		KTEST_EXPECT(t, (size_t)(p > q ? p - q : q - p) >= sizes[i]);
		memset(p, 0x11, sizes[i]);
		memset(q, 0x22, sizes[i]);
		KTEST_EXPECT_EQ(t, p[sizes[i] - 1], 0x11);
		KTEST_EXPECT_EQ(t, p[0], 0x11);
		heap_stats(&pages, &objs);
		KTEST_EXPECT_EQ(t, objs, objs0 + 2);
		kfree(q);
		kfree(p);
	}
	heap_stats(&pages, &objs);
	KTEST_EXPECT_EQ(t, objs, objs0);
}

/* Hundreds of live objects of random sizes, each filled with its own
 * byte: any overlap shows up as a wrong byte. */
static void many_objects_are_disjoint(struct ktest *t)
{
	enum { N = 400 };
	static u8 *obj[N];
	static size_t len[N];
	u64 pages0, objs0, pages, objs, wrong = 0;

	heap_stats(&pages0, &objs0);
	lcg_state = 7;
	for (int i = 0; i < N; i++) {
		len[i] = 1 + lcg() % (i % 10 ? 600 : 9000);
		obj[i] = kmalloc(len[i]);
		KTEST_ASSERT(t, obj[i] != NULL);
		memset(obj[i], (u8)i, len[i]);
	}
	/* Free a random half, allocate again, recheck everything. */
	for (int i = 0; i < N; i += 2) {
		kfree(obj[i]);
		len[i] = 1 + lcg() % 3000;
		obj[i] = kmalloc(len[i]);
		KTEST_ASSERT(t, obj[i] != NULL);
		memset(obj[i], (u8)i, len[i]);
	}
	for (int i = 0; i < N; i++)
		for (size_t j = 0; j < len[i]; j++)
			wrong += obj[i][j] != (u8)i;
	KTEST_EXPECT_EQ(t, wrong, 0);
	heap_stats(&pages, &objs);
	KTEST_EXPECT_EQ(t, objs, objs0 + N);
	for (int i = 0; i < N; i++)
		kfree(obj[i]);
	heap_stats(&pages, &objs);
	KTEST_EXPECT_EQ(t, objs, objs0);
	/* Empty slabs go back (one cached per class at most). */
	KTEST_EXPECT(t, pages <= pages0 + HEAP_NR_CLASSES);
}

static void freed_memory_is_reused(struct ktest *t)
{
	void *a = kmalloc(100), *b;

	KTEST_ASSERT(t, a != NULL);
	kfree(a);
	b = kmalloc(100);
	KTEST_EXPECT(t, b == a); /* most recently freed slot first */
	kfree(b);
	/* A class of its own does not share the slot. */
	b = kmalloc(1000);
	KTEST_EXPECT(t, b != a);
	kfree(b);
}

static void large_allocations(struct ktest *t)
{
	static const size_t sizes[] = { 2017,  4096,	5000,
					65536, 1 << 20, (4 << 20) - 256 };
	u64 free0 = pmm_free_count();

	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		u8 *p = kmalloc(sizes[i]);

		KTEST_ASSERT(t, p != NULL);
		KTEST_EXPECT_EQ(t, (uintptr_t)p % HEAP_ALIGN, 0);
		memset(p, 0x5A, sizes[i]);
		KTEST_EXPECT_EQ(t, p[sizes[i] - 1], 0x5A);
		KTEST_EXPECT(t, pmm_free_count() < free0);
		kfree(p);
		KTEST_EXPECT_EQ(t, pmm_free_count(), free0);
	}
	/* Beyond the largest buddy block: refused, not truncated. */
	KTEST_EXPECT(t, kmalloc(4 << 20) == NULL);
	KTEST_EXPECT(t, kmalloc((size_t)1 << 40) == NULL);
}

static void kzalloc_zeroes(struct ktest *t)
{
	u8 *p = kmalloc(300), *q;
	u64 nonzero = 0;

	KTEST_ASSERT(t, p != NULL);
	memset(p, 0xFF, 300);
	kfree(p);
	q = kzalloc(300);
	KTEST_ASSERT(t, q != NULL);
	for (int i = 0; i < 300; i++)
		nonzero |= q[i];
	KTEST_EXPECT_EQ(t, nonzero, 0);
	kfree(q);
	kfree(NULL); /* harmless */
}

static const struct ktest_case heap_cases[] = {
	KTEST_CASE(every_size_class),
	KTEST_CASE(many_objects_are_disjoint),
	KTEST_CASE(freed_memory_is_reused),
	KTEST_CASE(large_allocations),
	KTEST_CASE(kzalloc_zeroes),
};
KTEST_SUITE("heap", heap_cases);

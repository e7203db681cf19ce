// SPDX-License-Identifier: GPL-2.0
/* Heap size-class core on the host: pages come from aligned_alloc and are
 * tracked so leaks and misuse reports can be checked exactly. */
#include <stdlib.h>
#include <string.h>
#include <pv/heap.h>
#include "unit.h"

#define MAX_PAGES 4096

struct src {
	void *blk[MAX_PAGES];
	unsigned int order[MAX_PAGES];
	bool freed[MAX_PAGES]; /* kept until teardown: double frees read it */
	int n;
	long live_pages;
	int reports;
	enum heap_err last;
	size_t last_size;
	const void *last_alloc_caller, *last_caller;
};

static void *src_alloc(void *ctx, unsigned int order)
{
	struct src *s = ctx;
	void *p;

	if (s->n == MAX_PAGES)
		return NULL;
	p = aligned_alloc(HEAP_PAGE_SIZE, (size_t)HEAP_PAGE_SIZE << order);
	memset(p, 0xEE, (size_t)HEAP_PAGE_SIZE << order); /* not zeroed */
	s->blk[s->n] = p;
	s->order[s->n] = order;
	s->freed[s->n++] = false;
	s->live_pages += 1l << order;
	return p;
}

static void src_free(void *ctx, void *p, unsigned int order)
{
	struct src *s = ctx;

	for (int i = 0; i < s->n; i++) {
		if (s->blk[i] == p && !s->freed[i]) {
			CHECK_EQ(s->order[i], order);
			s->freed[i] = true;
			s->live_pages -= 1l << order;
			return;
		}
	}
	CHECK(!"page_free of a block the source never gave");
}

static void src_report(void *ctx, enum heap_err err, const void *obj,
		       size_t size, const void *alloc_caller,
		       const void *caller)
{
	struct src *s = ctx;

	s->reports++;
	s->last = err;
	s->last_size = size;
	s->last_alloc_caller = alloc_caller;
	s->last_caller = caller;
}

static struct heap *setup(struct src *s, bool debug)
{
	static struct heap h;
	struct heap_ops ops = { src_alloc, src_free, src_report, s };

	memset(s, 0, sizeof(*s));
	heap_core_init(&h, &ops, debug);
	return &h;
}

static void teardown(struct src *s)
{
	for (int i = 0; i < s->n; i++)
		free(s->blk[i]);
}

#define A1 ((const void *)0x1111)
#define A2 ((const void *)0x2222)

static void each_class(bool debug)
{
	static struct src s;
	struct heap *h = setup(&s, debug);

	for (size_t sz = 1; sz <= 5000; sz += (sz < 300 ? 1 : 37)) {
		u8 *p = heap_alloc(h, sz, A1), *q = heap_alloc(h, sz, A1);

		CHECK(p && q);
		CHECK_EQ((uintptr_t)p % HEAP_ALIGN, 0);
		CHECK((size_t)(p > q ? p - q : q - p) >= sz);
		memset(p, 1, sz);
		memset(q, 2, sz);
		CHECK_EQ(heap_free(h, p, A2), 0);
		CHECK_EQ(heap_free(h, q, A2), 0);
	}
	CHECK_EQ(s.reports, 0);
	CHECK_EQ(h->objects, 0);
	/* Only the one cached empty slab per class is left. */
	CHECK(s.live_pages <= HEAP_NR_CLASSES);
	CHECK_EQ(heap_class_size(h, 17), 32);
	CHECK_EQ(heap_class_size(h, 2016), 2016);
	CHECK_EQ(heap_class_size(h, 2017), 0);
	teardown(&s);
}

UNIT_TEST(every_class_debug)
{
	each_class(true);
}

UNIT_TEST(every_class_plain)
{
	each_class(false);
}

static u64 rng_state;
static u64 rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* Random sizes and lifetimes; every live object carries a fill byte and
 * must keep it (overlap or a bad free list would clobber one). */
static void random_workload(bool debug)
{
	enum { SLOTS = 500, OPS = 20000 };
	static struct src s;
	static u8 *obj[SLOTS];
	static size_t len[SLOTS];
	struct heap *h = setup(&s, debug);
	long live = 0;

	memset(obj, 0, sizeof(obj));
	rng_state = 88172645463325252ULL;
	for (int op = 0; op < OPS; op++) {
		int k = (int)(rng() % SLOTS);

		if (obj[k]) {
			for (size_t j = 0; j < len[k]; j++) {
				if (obj[k][j] != (u8)k) {
					CHECK_EQ(obj[k][j], (u8)k);
					break;
				}
			}
			CHECK_EQ(heap_free(h, obj[k], A2), 0);
			obj[k] = NULL;
			live--;
		} else {
			len[k] = 1 + rng() % (rng() % 8 ? 700 : 20000);
			obj[k] = heap_alloc(h, len[k], A1);
			CHECK(obj[k] != NULL);
			memset(obj[k], (u8)k, len[k]);
			live++;
		}
		CHECK_EQ(h->objects, live);
	}
	for (int k = 0; k < SLOTS; k++)
		if (obj[k])
			CHECK_EQ(heap_free(h, obj[k], A2), 0);
	CHECK_EQ(h->objects, 0);
	CHECK_EQ(s.reports, 0);
	CHECK_EQ(s.live_pages, (long)h->pages);
	CHECK(h->pages <= HEAP_NR_CLASSES);
	teardown(&s);
}

UNIT_TEST(random_workload_debug)
{
	random_workload(true);
}

UNIT_TEST(random_workload_plain)
{
	random_workload(false);
}

UNIT_TEST(overflow_by_one_byte_is_caught)
{
	static struct src s;
	struct heap *h = setup(&s, true);
	/* 20 bytes live in the 32-byte class: the slack is red zone too. */
	u8 *p = heap_alloc(h, 20, A1);
	u8 *big = heap_alloc(h, 10000, A1);

	p[20] = 0;
	CHECK_EQ(heap_free(h, p, A2), -HEAP_EOVERFLOW);
	CHECK_EQ(s.reports, 1);
	CHECK_EQ(s.last, HEAP_EOVERFLOW);
	CHECK_EQ(s.last_size, 20);
	CHECK(s.last_alloc_caller == A1);
	CHECK(s.last_caller == A2);
	/* Large objects have a trailing red zone as well. */
	big[10000 + 3] = 1;
	CHECK_EQ(heap_free(h, big, A2), -HEAP_EOVERFLOW);
	CHECK_EQ(s.last_size, 10000);
	/* Writing inside the object is fine. */
	p = heap_alloc(h, 20, A1);
	memset(p, 0, 20);
	CHECK_EQ(heap_free(h, p, A2), 0);
	CHECK_EQ(s.reports, 2);
	teardown(&s);
}

UNIT_TEST(underflow_is_caught)
{
	static struct src s;
	struct heap *h = setup(&s, true);
	u8 *p = heap_alloc(h, 64, A1);

	p[-1] = 0;
	CHECK_EQ(heap_free(h, p, A2), -HEAP_EUNDERFLOW);
	CHECK_EQ(s.last, HEAP_EUNDERFLOW);
	teardown(&s);
}

UNIT_TEST(double_free_is_caught)
{
	static struct src s;
	struct heap *h = setup(&s, true);
	void *p = heap_alloc(h, 100, A1), *keep = heap_alloc(h, 100, A1);
	void *big = heap_alloc(h, 50000, A1);

	CHECK_EQ(heap_free(h, p, A2), 0);
	CHECK_EQ(heap_free(h, p, A2), -HEAP_EDOUBLE);
	CHECK_EQ(s.last, HEAP_EDOUBLE);
	CHECK(s.last_alloc_caller == A1);
	CHECK_EQ(heap_free(h, big, A2), 0);
	CHECK_EQ(heap_free(h, big, A2), -HEAP_EDOUBLE);
	CHECK_EQ(s.reports, 2);
	CHECK_EQ(h->objects, 1);
	CHECK_EQ(heap_free(h, keep, A2), 0);
	teardown(&s);
}

UNIT_TEST(use_after_free_write_is_caught)
{
	static struct src s;
	struct heap *h = setup(&s, true);
	u8 *p = heap_alloc(h, 48, A1), *q;

	CHECK_EQ(heap_free(h, p, A2), 0);
	CHECK_EQ(p[5], 0x6B); /* poisoned */
	p[5] = 1; /* a stale pointer writes */
	q = heap_alloc(h, 48, A1); /* the same slot comes back */
	CHECK(q == p);
	CHECK_EQ(s.reports, 1);
	CHECK_EQ(s.last, HEAP_EUSEAFTERFREE);
	teardown(&s);
}

UNIT_TEST(bad_pointers_are_refused)
{
	static struct src s;
	struct heap *h = setup(&s, true);
	u8 *p = heap_alloc(h, 64, A1);

	CHECK_EQ(heap_free(h, p + 16, A2), -HEAP_EBADPTR);
	CHECK_EQ(heap_free(h, NULL, A2), 0);
	CHECK_EQ(s.reports, 1);
	CHECK_EQ(heap_free(h, p, A2), 0);
	teardown(&s);
}

UNIT_TEST(slabs_and_blocks_return_to_source)
{
	static struct src s;
	static void *p[2000];
	struct heap *h = setup(&s, false);

	for (int i = 0; i < 2000; i++)
		p[i] = heap_alloc(h, 64, A1);
	CHECK(s.live_pages >= 2000 * 64 / HEAP_PAGE_SIZE);
	for (int i = 0; i < 2000; i++)
		CHECK_EQ(heap_free(h, p[i], A2), 0);
	CHECK_EQ(s.live_pages, 1); /* the cached empty slab */
	p[0] = heap_alloc(h, (size_t)4 << 20, A1); /* over the largest block */
	CHECK(p[0] == NULL);
	p[0] = heap_alloc(h, 3 << 20, A1);
	CHECK(p[0] != NULL);
	CHECK_EQ(s.live_pages, 1 + 1024);
	CHECK_EQ(heap_free(h, p[0], A2), 0);
	CHECK_EQ(s.live_pages, 1);
	teardown(&s);
}

UNIT_TEST(out_of_pages_returns_null)
{
	static struct src s;
	struct heap *h = setup(&s, true);
	int n = 0;

	s.n = MAX_PAGES - 3; /* only three pages left in the source */
	while (heap_alloc(h, 2000, A1))
		n++;
	CHECK_EQ(n, 3); /* one 2016-byte debug slot per page */
	s.n = MAX_PAGES; /* nothing to tear down beyond what was faked */
	for (int i = MAX_PAGES - 3; i < MAX_PAGES; i++)
		free(s.blk[i]);
}

UNIT_MAIN();

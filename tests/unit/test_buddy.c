// SPDX-License-Identifier: GPL-2.0
/* Buddy allocator core on the host: splitting, merging, misuse, and a
 * random workload checked against a page-by-page reference model. */
#include <stdlib.h>
#include <string.h>
#include <pv/buddy.h>
#include "unit.h"

#define PG BUDDY_PAGE_SIZE

static int last_err;
static u64 last_pa;
static int nr_reports;

static void record(struct buddy *b, int err, u64 pa, unsigned int order)
{
	last_err = err;
	last_pa = pa;
	nr_reports++;
}

/* A buddy over one range [base, base + npages * PG). */
static struct buddy *make(u64 base, u64 npages, struct buddy_page **meta)
{
	struct buddy *b = calloc(1, sizeof(*b));

	buddy_init(b);
	b->report = record;
	*meta = calloc(npages, sizeof(**meta));
	CHECK_EQ(buddy_add_range(b, base, npages * PG, *meta), 0);
	nr_reports = 0;
	return b;
}

static void destroy(struct buddy *b, struct buddy_page *meta)
{
	free(meta);
	free(b);
}

UNIT_TEST(release_builds_maximal_blocks)
{
	struct buddy_page *m;
	/* 2048 pages at an 8 MiB boundary: two 4 MiB blocks. */
	struct buddy *b = make(0x800000, 2048, &m);

	buddy_release(b, 0x800000, 2048 * PG);
	CHECK_EQ(b->free_pages, 2048);
	CHECK_EQ(b->managed_pages, 2048);
	CHECK_EQ(b->nr_free[BUDDY_MAX_ORDER], 2);
	for (unsigned int o = 0; o < BUDDY_MAX_ORDER; o++)
		CHECK_EQ(b->nr_free[o], 0);
	destroy(b, m);
}

UNIT_TEST(unaligned_range_makes_aligned_blocks)
{
	struct buddy_page *m;
	/* Start 3 pages past a 4 MiB boundary: 1 + 4 page blocks first. */
	struct buddy *b = make(0x403000, 1024 + 5, &m);
	u64 pa;

	buddy_release(b, 0x403000, (1024 + 5) * PG);
	CHECK_EQ(b->free_pages, 1029);
	CHECK_EQ(b->nr_free[BUDDY_MAX_ORDER], 0); /* nothing 4 MiB aligned */
	for (unsigned int o = 0; o <= BUDDY_MAX_ORDER; o++) {
		while (!buddy_alloc(b, o, &pa)) {
			CHECK_EQ(pa & ((PG << o) - 1), 0);
			CHECK(pa >= 0x403000 &&
			      pa + (PG << o) <= 0x403000 + 1029 * PG);
		}
	}
	destroy(b, m);
}

UNIT_TEST(split_then_merge_restores)
{
	struct buddy_page *m;
	struct buddy *b = make(0, 1024, &m);
	u64 pa[4];

	buddy_release(b, 0, 1024 * PG);
	CHECK_EQ(buddy_alloc(b, 0, &pa[0]), 0);
	CHECK_EQ(pa[0], 0);
	/* One page taken from a 4 MiB block leaves one block per order. */
	for (unsigned int o = 0; o < BUDDY_MAX_ORDER; o++)
		CHECK_EQ(b->nr_free[o], 1);
	CHECK_EQ(buddy_alloc(b, 0, &pa[1]), 0);
	CHECK_EQ(pa[1], PG); /* the buddy of the first */
	CHECK_EQ(buddy_alloc(b, 3, &pa[2]), 0);
	CHECK_EQ(pa[2], 8 * PG);
	CHECK_EQ(b->free_pages, 1024 - 10);
	CHECK_EQ(buddy_page_state(b, pa[2]), BP_ALLOC_HEAD);
	CHECK_EQ(buddy_page_state(b, pa[2] + 7 * PG), BP_ALLOC_TAIL);
	CHECK_EQ(buddy_free(b, pa[0], 0), 0);
	CHECK_EQ(buddy_free(b, pa[2], 3), 0);
	CHECK_EQ(buddy_free(b, pa[1], 0), 0);
	CHECK_EQ(b->free_pages, 1024);
	CHECK_EQ(b->nr_free[BUDDY_MAX_ORDER], 1);
	CHECK_EQ(buddy_page_state(b, 0), BP_FREE_HEAD);
	CHECK_EQ(buddy_page_state(b, 1023 * PG), BP_FREE_TAIL);
	CHECK_EQ(nr_reports, 0);
	destroy(b, m);
}

UNIT_TEST(exhaustion_and_recovery)
{
	struct buddy_page *m;
	struct buddy *b = make(0, 64, &m);
	u64 pa, got[64];
	int n = 0;

	buddy_release(b, 0, 64 * PG);
	while (!buddy_alloc(b, 0, &pa))
		got[n++] = pa;
	CHECK_EQ(n, 64);
	CHECK_EQ(b->free_pages, 0);
	CHECK_EQ(buddy_alloc(b, 0, &pa), -1);
	CHECK_EQ(buddy_alloc(b, BUDDY_MAX_ORDER + 1, &pa), -1);
	for (int i = 0; i < n; i++)
		CHECK_EQ(buddy_free(b, got[i], 0), 0);
	CHECK_EQ(b->free_pages, 64);
	CHECK_EQ(b->nr_free[6], 1);
	CHECK_EQ(buddy_alloc(b, 6, &pa), 0);
	CHECK_EQ(buddy_alloc(b, 0, &pa), -1);
	destroy(b, m);
}

UNIT_TEST(misuse_is_reported_and_refused)
{
	struct buddy_page *m;
	struct buddy *b = make(0x100000, 256, &m);
	u64 a, c;

	/* Only the upper half is released: the lower half stays reserved. */
	buddy_release(b, 0x100000 + 128 * PG, 128 * PG);
	CHECK_EQ(buddy_alloc(b, 2, &a), 0);
	CHECK_EQ(buddy_alloc(b, 0, &c), 0);

	CHECK_EQ(buddy_free(b, a, 1), BUDDY_EORDER);
	CHECK_EQ(last_err, BUDDY_EORDER);
	CHECK_EQ(last_pa, a);
	CHECK_EQ(buddy_free(b, a + PG, 0), BUDDY_ETAIL);
	CHECK_EQ(buddy_free(b, 0x100000, 0), BUDDY_ERESERVED);
	CHECK_EQ(buddy_free(b, 0x5000000, 0), BUDDY_ERANGE);
	CHECK_EQ(buddy_free(b, a + 8, 2), BUDDY_ERANGE);
	CHECK_EQ(nr_reports, 5);
	/* None of that changed the accounting. */
	CHECK_EQ(b->free_pages, 128 - 5);

	CHECK_EQ(buddy_free(b, a, 2), 0);
	CHECK_EQ(buddy_free(b, a, 2), BUDDY_EDOUBLE);
	/* A page inside a merged free block is a double free too. */
	CHECK_EQ(buddy_free(b, a + 2 * PG, 0), BUDDY_EDOUBLE);
	CHECK_EQ(buddy_free(b, c, 0), 0);
	CHECK_EQ(b->free_pages, 128);
	CHECK_EQ(nr_reports, 7);
	destroy(b, m);
}

UNIT_TEST(ranges_do_not_merge_across)
{
	struct buddy b;
	struct buddy_page *m1 = calloc(512, sizeof(*m1));
	struct buddy_page *m2 = calloc(512, sizeof(*m2));
	u64 pa;

	buddy_init(&b);
	/* Adjacent ranges: each half of a 4 MiB block, never merged. */
	CHECK_EQ(buddy_add_range(&b, 0, 512 * PG, m1), 0);
	CHECK_EQ(buddy_add_range(&b, 512 * PG, 512 * PG, m2), 0);
	CHECK_EQ(buddy_add_range(&b, 100 * PG, PG, m2), -1); /* overlap */
	buddy_release(&b, 0, 1024 * PG);
	CHECK_EQ(b.nr_free[9], 2);
	CHECK_EQ(b.nr_free[10], 0);
	CHECK_EQ(buddy_alloc(&b, 10, &pa), -1);
	CHECK_EQ(buddy_alloc(&b, 9, &pa), 0);
	CHECK_EQ(buddy_free(&b, pa, 9), 0);
	CHECK_EQ(b.nr_free[9], 2);
	free(m1);
	free(m2);
}

UNIT_TEST(fragmentation_blocks_large_orders)
{
	struct buddy_page *m;
	struct buddy *b = make(0, 256, &m);
	u64 pa[256], big;

	buddy_release(b, 0, 256 * PG);
	for (int i = 0; i < 256; i++)
		CHECK_EQ(buddy_alloc(b, 0, &pa[i]), 0);
	/* Free every other page: 128 free pages, none can pair up. */
	for (int i = 0; i < 256; i += 2)
		CHECK_EQ(buddy_free(b, pa[i], 0), 0);
	CHECK_EQ(b->free_pages, 128);
	CHECK_EQ(b->nr_free[0], 128);
	CHECK_EQ(buddy_alloc(b, 1, &big), -1);
	for (int i = 1; i < 256; i += 2)
		CHECK_EQ(buddy_free(b, pa[i], 0), 0);
	CHECK_EQ(b->nr_free[8], 1);
	CHECK_EQ(buddy_alloc(b, 8, &big), 0);
	destroy(b, m);
}

/* xorshift64*: a fixed seed makes failures reproducible. */
static u64 rng_state;
static u64 rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545F4914F6CDD1DULL;
}

struct live {
	u64 pa;
	unsigned int order;
};

/*
 * Thousands of random allocations and frees over two ranges with a hole;
 * a byte per page says who owns it. Every allocation must be aligned,
 * inside a released range and disjoint from everything live.
 */
UNIT_TEST(random_against_reference_model)
{
	enum { PAGES = 3000, OPS = 20000 };
	static u8 owner[PAGES]; /* 0 free, 1 allocated, 2 never released */
	static struct live live[PAGES];
	struct buddy b;
	struct buddy_page *m1 = calloc(PAGES, sizeof(*m1));
	u64 free_model;
	u64 initial[BUDDY_MAX_ORDER + 1];
	int nlive = 0, fails = 0;

	rng_state = 0x9E3779B97F4A7C15ULL;
	buddy_init(&b);
	b.report = record;
	nr_reports = 0;
	CHECK_EQ(buddy_add_range(&b, 0, 1500 * PG, m1), 0);
	CHECK_EQ(buddy_add_range(&b, 1500 * PG, 1500 * PG, m1 + 1500), 0);
	memset(owner, 0, sizeof(owner));
	/* Keep pages 700..799 and 2999 reserved. */
	buddy_release(&b, 0, 700 * PG);
	buddy_release(&b, 800 * PG, 2199 * PG);
	for (int i = 700; i < 800; i++)
		owner[i] = 2;
	owner[2999] = 2;
	free_model = PAGES - 101;
	CHECK_EQ(b.free_pages, free_model);
	memcpy(initial, b.nr_free, sizeof(initial));

	for (int op = 0; op < OPS; op++) {
		bool do_alloc = nlive == 0 || (rng() % 100) < 55;

		if (do_alloc) {
			unsigned int order = (unsigned int)(rng() % 6);
			u64 pa, pfn;

			if (rng() % 50 == 0)
				order = (unsigned int)(rng() %
						       (BUDDY_MAX_ORDER + 1));
			if (buddy_alloc(&b, order, &pa)) {
				fails++;
				continue;
			}
			pfn = pa / PG;
			CHECK_EQ(pa & ((PG << order) - 1), 0);
			CHECK(pfn + (1u << order) <= PAGES);
			for (u64 i = 0; i < (1u << order) && pfn + i < PAGES;
			     i++) {
				if (owner[pfn + i] != 0) {
					CHECK_EQ(owner[pfn + i], 0);
					break;
				}
				owner[pfn + i] = 1;
			}
			live[nlive++] = (struct live){ pa, order };
			free_model -= 1u << order;
		} else {
			int k = (int)(rng() % (u64)nlive);
			struct live l = live[k];

			live[k] = live[--nlive];
			CHECK_EQ(buddy_free(&b, l.pa, l.order), 0);
			for (u64 i = 0; i < (1u << l.order); i++)
				owner[l.pa / PG + i] = 0;
			free_model += 1u << l.order;
		}
		if (b.free_pages != free_model) {
			CHECK_EQ(b.free_pages, free_model);
			break;
		}
	}
	CHECK(fails < OPS / 10);
	while (nlive) {
		nlive--;
		CHECK_EQ(buddy_free(&b, live[nlive].pa, live[nlive].order), 0);
	}
	CHECK_EQ(b.free_pages, PAGES - 101);
	CHECK_EQ(nr_reports, 0);
	/* Fully merged again: the same blocks as right after release. */
	for (unsigned int o = 0; o <= BUDDY_MAX_ORDER; o++)
		CHECK_EQ(b.nr_free[o], initial[o]);
	CHECK_EQ(initial[9], 3); /* 0, 1536 and 2048 (512-page blocks) */
	free(m1);
}

UNIT_MAIN();

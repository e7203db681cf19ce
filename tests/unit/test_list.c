// SPDX-License-Identifier: GPL-2.0
/* <pv/list.h> against an array model: random adds, deletes and moves. */
#include <pv/list.h>
#include "unit.h"

struct item {
	int val;
	struct list_head link;
};

static u64 rng = 777;

static u64 rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545F4914F6CDD1DULL;
}

/* The list must hold exactly vals[0..n), in order, walking both ways. */
static bool list_matches(struct list_head *h, const int *vals, int n)
{
	struct item *it;
	struct list_head *p;
	int i = 0;

	list_for_each_entry(it, h, link) {
		if (i >= n || it->val != vals[i])
			return false;
		i++;
	}
	if (i != n)
		return false;
	for (p = h->prev; p != h; p = p->prev) {
		if (list_entry(p, struct item, link)->val != vals[--i])
			return false;
		if (p->next->prev != p)
			return false;
	}
	return list_empty(h) == (n == 0);
}

UNIT_TEST(add_and_add_tail_order)
{
	LIST_HEAD(h);
	struct item it[4] = {
		{ .val = 0 }, { .val = 1 }, { .val = 2 }, { .val = 3 }
	};

	CHECK(list_empty(&h));
	list_add_tail(&it[1].link, &h);
	CHECK(list_is_singular(&h));
	list_add_tail(&it[2].link, &h);
	list_add(&it[0].link, &h);
	list_add_tail(&it[3].link, &h);
	CHECK(list_matches(&h, (int[]){ 0, 1, 2, 3 }, 4));
	CHECK_EQ(list_first_entry(&h, struct item, link)->val, 0);
	CHECK_EQ(list_last_entry(&h, struct item, link)->val, 3);
	list_del(&it[2].link);
	CHECK(list_empty(&it[2].link)); /* left self-linked */
	CHECK(list_matches(&h, (int[]){ 0, 1, 3 }, 3));
	list_move_tail(&it[0].link, &h);
	CHECK(list_matches(&h, (int[]){ 1, 3, 0 }, 3));
	list_move(&it[0].link, &h);
	CHECK(list_matches(&h, (int[]){ 0, 1, 3 }, 3));
}

UNIT_TEST(safe_iteration_deletes)
{
	LIST_HEAD(h);
	struct item it[10], *pos, *tmp;
	int left[10], n = 0;

	for (int i = 0; i < 10; i++) {
		it[i].val = i;
		list_add_tail(&it[i].link, &h);
	}
	list_for_each_entry_safe(pos, tmp, &h, link) {
		if (pos->val % 3 == 0) {
			list_del(&pos->link);
			pos->link.next = NULL; /* poison: must not be used */
		}
	}
	for (int i = 0; i < 10; i++)
		if (i % 3)
			left[n++] = i;
	CHECK(list_matches(&h, left, n));
}

UNIT_TEST(splice_front_and_back)
{
	LIST_HEAD(a);
	LIST_HEAD(b);
	struct item it[6];

	for (int i = 0; i < 6; i++) {
		it[i].val = i;
		list_add_tail(&it[i].link, i < 3 ? &a : &b);
	}
	list_splice_init(&b, &a);
	CHECK(list_empty(&b));
	CHECK(list_matches(&a, (int[]){ 3, 4, 5, 0, 1, 2 }, 6));
	list_splice_tail_init(&b, &a); /* empty: no change */
	CHECK(list_matches(&a, (int[]){ 3, 4, 5, 0, 1, 2 }, 6));
	list_del(&it[0].link);
	list_del(&it[1].link);
	list_add_tail(&it[0].link, &b);
	list_add_tail(&it[1].link, &b);
	list_splice_tail_init(&b, &a);
	CHECK(list_empty(&b));
	CHECK(list_matches(&a, (int[]){ 3, 4, 5, 2, 0, 1 }, 6));
}

UNIT_TEST(random_ops_match_array_model)
{
	enum { N = 64 };
	LIST_HEAD(h);
	struct item it[N];
	int model[N], n = 0, bad = 0;
	bool on[N] = { 0 };

	for (int i = 0; i < N; i++)
		it[i].val = i;
	for (int step = 0; step < 20000; step++) {
		int k = (int)(rnd() % N), at;

		if (!on[k]) {
			if (rnd() & 1) {
				list_add(&it[k].link, &h);
				for (int i = n; i > 0; i--)
					model[i] = model[i - 1];
				model[0] = k;
			} else {
				list_add_tail(&it[k].link, &h);
				model[n] = k;
			}
			n++;
			on[k] = true;
		} else {
			list_del(&it[k].link);
			for (at = 0; model[at] != k; at++)
				;
			for (int i = at; i < n - 1; i++)
				model[i] = model[i + 1];
			n--;
			on[k] = false;
		}
		bad += !list_matches(&h, model, n);
	}
	CHECK_EQ(bad, 0);
}

UNIT_MAIN()

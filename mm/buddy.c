// SPDX-License-Identifier: GPL-2.0
/*
 * Buddy allocator core (see include/pv/buddy.h). Free lists are per range
 * and doubly linked through the metadata by page index, so a block is
 * unlinked in O(1) when its buddy is merged. Blocks are aligned to their
 * size in absolute page numbers, so a 2 MiB block is 2 MiB aligned.
 */
#include <pv/buddy.h>

void buddy_init(struct buddy *b)
{
	b->nr_ranges = 0;
	b->free_pages = 0;
	b->managed_pages = 0;
	for (unsigned int o = 0; o <= BUDDY_MAX_ORDER; o++)
		b->nr_free[o] = 0;
	b->report = NULL;
}

int buddy_add_range(struct buddy *b, u64 base, u64 size,
		    struct buddy_page *meta)
{
	u64 pfn = base >> BUDDY_PAGE_SHIFT;
	u64 n = size >> BUDDY_PAGE_SHIFT;
	struct buddy_range *r;

	if (b->nr_ranges >= BUDDY_MAX_RANGES || !n || n >= BUDDY_NIL ||
	    (base | size) & (BUDDY_PAGE_SIZE - 1))
		return -1;
	for (unsigned int i = 0; i < b->nr_ranges; i++) {
		const struct buddy_range *o = &b->ranges[i];

		if (pfn < o->base_pfn + o->npages && o->base_pfn < pfn + n)
			return -1;
	}
	r = &b->ranges[b->nr_ranges++];
	r->base_pfn = pfn;
	r->npages = n;
	r->pages = meta;
	for (unsigned int o = 0; o <= BUDDY_MAX_ORDER; o++)
		r->head[o] = BUDDY_NIL;
	for (u64 i = 0; i < n; i++)
		meta[i] = (struct buddy_page){ BUDDY_NIL, BUDDY_NIL, 0,
					       BP_RESERVED, 0 };
	return 0;
}

static struct buddy_range *find_range(const struct buddy *b, u64 pfn)
{
	for (unsigned int i = 0; i < b->nr_ranges; i++) {
		const struct buddy_range *r = &b->ranges[i];

		if (pfn >= r->base_pfn && pfn - r->base_pfn < r->npages)
			return (struct buddy_range *)r;
	}
	return NULL;
}

static void list_push(struct buddy *b, struct buddy_range *r, u32 idx,
		      unsigned int order)
{
	struct buddy_page *p = &r->pages[idx];

	p->state = BP_FREE_HEAD;
	p->order = (u8)order;
	p->prev = BUDDY_NIL;
	p->next = r->head[order];
	if (p->next != BUDDY_NIL)
		r->pages[p->next].prev = idx;
	r->head[order] = idx;
	b->nr_free[order]++;
}

static void list_unlink(struct buddy *b, struct buddy_range *r, u32 idx)
{
	struct buddy_page *p = &r->pages[idx];

	if (p->prev != BUDDY_NIL)
		r->pages[p->prev].next = p->next;
	else
		r->head[p->order] = p->next;
	if (p->next != BUDDY_NIL)
		r->pages[p->next].prev = p->prev;
	b->nr_free[p->order]--;
}

static void set_state(struct buddy_range *r, u32 idx, u64 n, u8 head, u8 tail)
{
	r->pages[idx].state = head;
	for (u64 i = 1; i < n; i++)
		r->pages[idx + i].state = tail;
}

/* Insert a block of free pages and merge it with free buddies. */
static void insert_free(struct buddy *b, struct buddy_range *r, u32 idx,
			unsigned int order)
{
	u64 pfn = r->base_pfn + idx;

	while (order < BUDDY_MAX_ORDER) {
		u64 bpfn = pfn ^ (1ull << order);
		u64 bidx = bpfn - r->base_pfn;
		struct buddy_page *bp;

		if (bpfn < r->base_pfn || bidx >= r->npages ||
		    bidx + (1ull << order) > r->npages)
			break;
		bp = &r->pages[bidx];
		if (bp->state != BP_FREE_HEAD || bp->order != order)
			break;
		list_unlink(b, r, (u32)bidx);
		/* The upper half's head becomes a tail page. */
		if (bpfn > pfn) {
			bp->state = BP_FREE_TAIL;
		} else {
			r->pages[idx].state = BP_FREE_TAIL;
			pfn = bpfn;
			idx = (u32)bidx;
		}
		order++;
	}
	list_push(b, r, idx, order);
}

void buddy_release(struct buddy *b, u64 pa, u64 size)
{
	u64 pfn = pa >> BUDDY_PAGE_SHIFT;
	u64 end = (pa + size) >> BUDDY_PAGE_SHIFT;

	while (pfn < end) {
		struct buddy_range *r = find_range(b, pfn);
		u64 rend;
		unsigned int order = 0;
		u32 idx;

		if (!r) {
			pfn++;
			continue;
		}
		idx = (u32)(pfn - r->base_pfn);
		if (r->pages[idx].state != BP_RESERVED) {
			pfn++;
			continue;
		}
		rend = MIN(end, r->base_pfn + r->npages);
		/* Largest aligned block of reserved pages that fits. */
		while (order < BUDDY_MAX_ORDER &&
		       !(pfn & ((2ull << order) - 1)) &&
		       pfn + (2ull << order) <= rend)
			order++;
		for (u64 i = 1; i < (1ull << order); i++) {
			if (r->pages[idx + i].state != BP_RESERVED) {
				order = 0;
				break;
			}
		}
		set_state(r, idx, 1ull << order, BP_FREE_HEAD, BP_FREE_TAIL);
		b->free_pages += 1ull << order;
		b->managed_pages += 1ull << order;
		insert_free(b, r, idx, order);
		pfn += 1ull << order;
	}
}

int buddy_alloc(struct buddy *b, unsigned int order, u64 *pa)
{
	unsigned int o;

	if (order > BUDDY_MAX_ORDER)
		return -1;
	for (o = order; o <= BUDDY_MAX_ORDER; o++)
		if (b->nr_free[o])
			break;
	if (o > BUDDY_MAX_ORDER)
		return -1;
	for (unsigned int i = 0; i < b->nr_ranges; i++) {
		struct buddy_range *r = &b->ranges[i];
		u32 idx = r->head[o];

		if (idx == BUDDY_NIL)
			continue;
		list_unlink(b, r, idx);
		/* Split: give the upper halves back until the size fits. */
		while (o > order) {
			o--;
			list_push(b, r, idx + (1u << o), o);
		}
		set_state(r, idx, 1ull << order, BP_ALLOC_HEAD, BP_ALLOC_TAIL);
		r->pages[idx].order = (u8)order;
		b->free_pages -= 1ull << order;
		*pa = (r->base_pfn + idx) << BUDDY_PAGE_SHIFT;
		return 0;
	}
	return -1; /* nr_free said otherwise: unreachable */
}

static int refuse(struct buddy *b, int err, u64 pa, unsigned int order)
{
	if (b->report)
		b->report(b, err, pa, order);
	return err;
}

int buddy_free(struct buddy *b, u64 pa, unsigned int order)
{
	u64 pfn = pa >> BUDDY_PAGE_SHIFT;
	struct buddy_range *r = find_range(b, pfn);
	struct buddy_page *p;
	u32 idx;

	if (!r || (pa & (BUDDY_PAGE_SIZE - 1)))
		return refuse(b, BUDDY_ERANGE, pa, order);
	idx = (u32)(pfn - r->base_pfn);
	p = &r->pages[idx];
	switch (p->state) {
	case BP_ALLOC_HEAD:
		if (p->order != order)
			return refuse(b, BUDDY_EORDER, pa, order);
		break;
	case BP_FREE_HEAD:
	case BP_FREE_TAIL: return refuse(b, BUDDY_EDOUBLE, pa, order);
	case BP_ALLOC_TAIL: return refuse(b, BUDDY_ETAIL, pa, order);
	default: return refuse(b, BUDDY_ERESERVED, pa, order);
	}
	set_state(r, idx, 1ull << order, BP_FREE_HEAD, BP_FREE_TAIL);
	b->free_pages += 1ull << order;
	insert_free(b, r, idx, order);
	return 0;
}

int buddy_page_state(const struct buddy *b, u64 pa)
{
	const struct buddy_range *r = find_range(b, pa >> BUDDY_PAGE_SHIFT);

	if (!r)
		return -1;
	return r->pages[(pa >> BUDDY_PAGE_SHIFT) - r->base_pfn].state;
}

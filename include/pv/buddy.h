/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Binary buddy allocator core. It knows nothing about the kernel: the
 * caller hands it physical ranges plus a metadata array per range (one
 * struct buddy_page per page), and it never touches the pages themselves,
 * so memory need not be mapped to be managed. mm/pmm.c wraps it with a
 * lock; tests/unit/test_buddy.c runs it on the host.
 */
#ifndef PV_BUDDY_H
#define PV_BUDDY_H

#include <pv/types.h>

#define BUDDY_PAGE_SHIFT 12
#define BUDDY_PAGE_SIZE (1ull << BUDDY_PAGE_SHIFT)
/* Orders 0..10: 4 KiB .. 4 MiB blocks, each aligned to its size. */
#define BUDDY_MAX_ORDER 10
#define BUDDY_MAX_RANGES 32

/* Page states (struct buddy_page.state). */
enum {
	BP_RESERVED = 0, /* not managed: hole, kernel, firmware... */
	BP_FREE_HEAD, /* first page of a free block (order valid) */
	BP_FREE_TAIL, /* inside a free block */
	BP_ALLOC_HEAD, /* first page of an allocated block (order valid) */
	BP_ALLOC_TAIL, /* inside an allocated block */
};

/* Why a free was refused (also passed to the report hook). */
enum buddy_err {
	BUDDY_EDOUBLE = -1, /* block is already free */
	BUDDY_EORDER = -2, /* allocated with another order */
	BUDDY_ERESERVED = -3, /* page was never free */
	BUDDY_ETAIL = -4, /* not the first page of its block */
	BUDDY_ERANGE = -5, /* address not managed at all */
};

struct buddy_page {
	u32 next, prev; /* free-list links: page indexes in the range */
	u8 order;
	u8 state;
	u16 pad;
};

struct buddy_range {
	u64 base_pfn, npages;
	struct buddy_page *pages;
	u32 head[BUDDY_MAX_ORDER + 1]; /* free lists, BUDDY_NIL if empty */
};

struct buddy {
	struct buddy_range ranges[BUDDY_MAX_RANGES];
	unsigned int nr_ranges;
	u64 free_pages; /* pages in free blocks */
	u64 managed_pages; /* pages ever released (free or allocated) */
	u64 nr_free[BUDDY_MAX_ORDER + 1]; /* free blocks per order */
	/* Called when a free is refused; may not return (kernel panics). */
	void (*report)(struct buddy *b, int err, u64 pa, unsigned int order);
};

#define BUDDY_NIL 0xFFFFFFFFu

void buddy_init(struct buddy *b);
/* Bytes of metadata a range of npages needs. */
static inline size_t buddy_meta_size(u64 npages)
{
	return (size_t)npages * sizeof(struct buddy_page);
}
/*
 * Register [base, base + size) (page-aligned) with its metadata; every page
 * starts reserved. Returns 0, or -1 if the table is full or it overlaps.
 */
int buddy_add_range(struct buddy *b, u64 base, u64 size,
		    struct buddy_page *meta);
/* Hand reserved pages in [pa, pa + size) to the allocator (boot time). */
void buddy_release(struct buddy *b, u64 pa, u64 size);
/* Allocate 2^order pages aligned to their size: 0 and *pa, or -1. */
int buddy_alloc(struct buddy *b, unsigned int order, u64 *pa);
/* Free a block; 0, or a negative enum buddy_err (after report()). */
int buddy_free(struct buddy *b, u64 pa, unsigned int order);
/* State of the page holding pa (BP_*), or -1 if unmanaged. */
int buddy_page_state(const struct buddy *b, u64 pa);

#endif

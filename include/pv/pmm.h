/* SPDX-License-Identifier: GPL-2.0 */
/* Physical page allocator: the buddy core fed from the boot memory map. */
#ifndef PV_PMM_H
#define PV_PMM_H

#include <pv/types.h>
#include <pv/buddy.h>

#define PMM_MAX_ORDER BUDDY_MAX_ORDER

/* Build the allocator from bootinfo; RAM above 4 GiB joins later. */
void pmm_init(void);
/* Called once the direct map covers all RAM (paging_init). */
void pmm_add_high_memory(void);

/* 2^order contiguous pages aligned to their size; 0 when none left. */
phys_addr_t pmm_alloc_pages(unsigned int order);
/* Order 0 with the page zeroed through the direct map; 0 when none. */
phys_addr_t pmm_alloc_zeroed_page(void);
/* Wrong order, double free or a reserved page panic (DEBUG_ASSERT). */
void pmm_free_pages(phys_addr_t pa, unsigned int order);

u64 pmm_free_count(void); /* pages */
u64 pmm_total_count(void); /* pages managed, free or allocated */
u64 pmm_free_blocks(unsigned int order); /* free blocks of that order */
/* True if pa lies in a range kept from the allocator at boot. */
bool pmm_is_reserved(phys_addr_t pa);

/*
 * Pages below 1 MiB (e.g. the AP start-up trampoline) never enter the
 * buddy allocator. This hands out one that the memory map calls usable
 * and nothing else holds, or 0.
 */
phys_addr_t pmm_alloc_low_page(void);
void pmm_free_low_page(phys_addr_t pa);

/* Reserved physical ranges (for tests and diagnostics). */
struct pmm_region {
	phys_addr_t start, end; /* end exclusive, page aligned */
	const char *what;
};
unsigned int pmm_reserved_regions(const struct pmm_region **out);

#endif

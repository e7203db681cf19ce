// SPDX-License-Identifier: GPL-2.0
/*
 * 4-level page tables: map/unmap/protect/lookup on any struct pgtable,
 * reaching table pages through the direct map. Levels are numbered from
 * the leaf: 0 = PT (4 KiB), 1 = PD (2 MiB), 2 = PDPT (1 GiB), 3 = PML4.
 * Ranges are walked with inclusive last addresses so a range may end at
 * the top of the address space without overflow.
 */
#include <pv/panic.h>
#include <pv/pmm.h>
#include <pv/printk.h>
#include <pv/string.h>
#include <asm/cpu.h>
#include <asm/cpufeature.h>
#include <asm/layout.h>
#include <asm/paging.h>

#define TABLE_FLAGS (PG_PRESENT | PG_WRITE | PG_USER)
/* Bits a leaf keeps when split or re-protected. */
#define LEAF_KEEP (PG_ATTR_MASK | PG_ACCESSED | PG_DIRTY)
#define FLUSH_ALL_PAGES 64
#define MAX_DEFERRED 32

struct pgtable kernel_pgtable = { .lock = SPINLOCK_INIT };
void (*tlb_shootdown)(u64 va, u64 size);
static u64 nx_mask; /* PG_NX once EFER.NXE is on, else 0 (reserved bit) */

/* Table pages freed by unmap wait here until the TLB is flushed. */
struct unmap_ctx {
	phys_addr_t deferred[MAX_DEFERRED];
	unsigned int n;
	bool live;
};

static inline u64 lsize(int l)
{
	return 1ull << (12 + 9 * l);
}

static inline unsigned int lidx(u64 va, int l)
{
	return (unsigned int)(va >> (12 + 9 * l)) & 511;
}

static inline u64 *table_at(u64 e)
{
	return phys_to_virt(e & PTE_ADDR_MASK);
}

static inline bool is_leaf(u64 e, int l)
{
	return l == 0 || (e & PG_LARGE);
}

static inline u64 leaf_addr(u64 e, int l)
{
	return e & PTE_ADDR_MASK & ~(lsize(l) - 1);
}

static u64 leaf_bits(u64 flags, int l)
{
	return PG_PRESENT | (flags & PG_ATTR_MASK & ~(PG_NX & ~nx_mask)) |
	       (l ? PG_LARGE : 0);
}

static bool is_live(struct pgtable *pt)
{
	return pt == &kernel_pgtable ||
	       (read_cr3() & PTE_ADDR_MASK) == pt->pml4_pa;
}

void flush_tlb_all(void)
{
	u64 cr4 = read_cr4();

	/* Toggling PGE drops global entries too; a CR3 write would not. */
	if (cr4 & CR4_PGE) {
		write_cr4(cr4 & ~CR4_PGE);
		write_cr4(cr4);
	} else {
		write_cr3(read_cr3());
	}
}

void flush_tlb_range(u64 va, u64 size)
{
	u64 pages = DIV_ROUND_UP(size, (u64)PAGE_SIZE);

	if (pages > FLUSH_ALL_PAGES) {
		flush_tlb_all();
		return;
	}
	for (u64 i = 0; i < pages; i++)
		invlpg((const void *)(uintptr_t)(va + i * PAGE_SIZE));
}

static void flush_live(struct pgtable *pt, u64 va, u64 size)
{
	if (!is_live(pt))
		return;
	flush_tlb_range(va, size);
	if (pt == &kernel_pgtable && tlb_shootdown)
		tlb_shootdown(va, size);
}

void paging_set_nx(bool on)
{
	nx_mask = on ? PG_NX : 0;
}

phys_addr_t paging_alloc_table(void)
{
	return pmm_alloc_zeroed_page();
}

static void free_subtree(u64 *t, int l)
{
	if (l > 0) {
		for (unsigned int i = 0; i < 512; i++)
			if ((t[i] & PG_PRESENT) && !is_leaf(t[i], l))
				free_subtree(table_at(t[i]), l - 1);
	}
	pmm_free_pages(virt_to_phys(t), 0);
}

int pgtable_create(struct pgtable *pt)
{
	phys_addr_t pa = paging_alloc_table();

	if (!pa)
		return PAGING_ENOMEM;
	pt->pml4_pa = pa;
	pt->pml4 = phys_to_virt(pa);
	pt->lock = (spinlock_t)SPINLOCK_INIT;
	return 0;
}

void pgtable_destroy(struct pgtable *pt)
{
	BUG_ON(pt == &kernel_pgtable || is_live(pt));
	free_subtree(pt->pml4, 3);
	pt->pml4 = NULL;
	pt->pml4_pa = 0;
}

/* Does any leaf map an address in [va, last]? */
static bool range_mapped(u64 *t, int l, u64 va, u64 last)
{
	for (;;) {
		u64 seg = MIN(last, va | (lsize(l) - 1));
		u64 e = t[lidx(va, l)];

		if (e & PG_PRESENT) {
			if (is_leaf(e, l))
				return true;
			if (range_mapped(table_at(e), l - 1, va, seg))
				return true;
		}
		if (seg == last)
			return false;
		va = seg + 1;
	}
}

static bool leaf_fits(int l, u64 va, u64 seg, phys_addr_t pa, u64 flags)
{
	u64 sz = lsize(l);
	bool whole = !(va & (sz - 1)) && !(pa & (sz - 1)) && seg - va == sz - 1;

	switch (l) {
	case 0: return true;
	case 1: return whole && !(flags & (PG_4K | PG_1G));
	case 2: return whole && cpu.pdpe1gb && !(flags & (PG_4K | PG_2M));
	default: return false;
	}
}

static int map_level(u64 *t, int l, u64 va, u64 last, phys_addr_t pa, u64 flags)
{
	for (;;) {
		u64 seg = MIN(last, va | (lsize(l) - 1));
		u64 *e = &t[lidx(va, l)];
		int err;

		if (leaf_fits(l, va, seg, pa, flags)) {
			/* An empty table left here is replaced by the leaf. */
			if ((*e & PG_PRESENT) && !is_leaf(*e, l))
				free_subtree(table_at(*e), l - 1);
			*e = pa | leaf_bits(flags, l);
		} else {
			if (!(*e & PG_PRESENT)) {
				phys_addr_t tpa = paging_alloc_table();

				if (!tpa)
					return PAGING_ENOMEM;
				*e = tpa | TABLE_FLAGS;
			} else if (is_leaf(*e, l)) {
				return PAGING_EEXIST;
			}
			err = map_level(table_at(*e), l - 1, va, seg, pa,
					flags);
			if (err)
				return err;
		}
		if (seg == last)
			return 0;
		pa += seg - va + 1;
		va = seg + 1;
	}
}

static bool canonical(u64 va)
{
	return (u64)((s64)(va << 16) >> 16) == va;
}

static int check_args(u64 va, phys_addr_t pa, u64 size, u64 flags)
{
	u64 align = PAGE_SIZE;

	if (flags & PG_1G) {
		if (!cpu.pdpe1gb)
			return PAGING_EINVAL;
		align = SIZE_1G;
	} else if (flags & PG_2M) {
		align = SIZE_2M;
	}
	if (!size || (va | pa | size) & (align - 1) || va + size - 1 < va ||
	    !canonical(va) || !canonical(va + size - 1) ||
	    (pa + size - 1) & ~PTE_ADDR_MASK & ~(u64)(PAGE_SIZE - 1))
		return PAGING_EINVAL;
	return 0;
}

static int unmap_locked(struct pgtable *pt, u64 va, u64 size);

int map_range(struct pgtable *pt, u64 va, phys_addr_t pa, u64 size, u64 flags)
{
	int err = check_args(va, pa, size, flags);
	u64 irq;

	if (err)
		return err;
	irq = spin_lock_irqsave(&pt->lock);
	if (range_mapped(pt->pml4, 3, va, va + size - 1)) {
		err = PAGING_EEXIST;
	} else {
		err = map_level(pt->pml4, 3, va, va + size - 1, pa, flags);
		if (err) /* undo the part that was mapped */
			unmap_locked(pt, va, size);
	}
	spin_unlock_irqrestore(&pt->lock, irq);
	return err;
}

static void defer_free(struct unmap_ctx *c, phys_addr_t table)
{
	if (c->n == MAX_DEFERRED) {
		if (c->live)
			flush_tlb_all();
		for (unsigned int i = 0; i < c->n; i++)
			pmm_free_pages(c->deferred[i], 0);
		c->n = 0;
	}
	c->deferred[c->n++] = table;
}

/* Replace a large leaf at level l by a table of level l - 1 leaves. */
static int split_leaf(u64 *e, int l)
{
	phys_addr_t tpa = paging_alloc_table();
	u64 *t, base, keep;

	if (!tpa)
		return PAGING_ENOMEM;
	t = phys_to_virt(tpa);
	base = leaf_addr(*e, l);
	keep = *e & LEAF_KEEP;
	for (unsigned int i = 0; i < 512; i++)
		t[i] = (base + i * lsize(l - 1)) | PG_PRESENT | keep |
		       (l > 1 ? PG_LARGE : 0);
	*e = tpa | TABLE_FLAGS;
	return 0;
}

static bool table_empty(const u64 *t)
{
	for (unsigned int i = 0; i < 512; i++)
		if (t[i] & PG_PRESENT)
			return false;
	return true;
}

static int unmap_level(struct unmap_ctx *c, u64 *t, int l, u64 va, u64 last)
{
	for (;;) {
		u64 seg = MIN(last, va | (lsize(l) - 1));
		u64 *e = &t[lidx(va, l)];
		bool whole = !(va & (lsize(l) - 1)) && seg - va == lsize(l) - 1;
		int err;

		if (!(*e & PG_PRESENT)) {
			/* nothing here */
		} else if (is_leaf(*e, l) && whole) {
			*e = 0;
		} else {
			if (is_leaf(*e, l)) {
				err = split_leaf(e, l);
				if (err)
					return err;
			}
			err = unmap_level(c, table_at(*e), l - 1, va, seg);
			if (err)
				return err;
			if (table_empty(table_at(*e))) {
				defer_free(c, *e & PTE_ADDR_MASK);
				*e = 0;
			}
		}
		if (seg == last)
			return 0;
		va = seg + 1;
	}
}

static int unmap_locked(struct pgtable *pt, u64 va, u64 size)
{
	struct unmap_ctx c = { .n = 0, .live = is_live(pt) };
	int err = unmap_level(&c, pt->pml4, 3, va, va + size - 1);

	flush_live(pt, va, size);
	for (unsigned int i = 0; i < c.n; i++)
		pmm_free_pages(c.deferred[i], 0);
	return err;
}

int unmap_range(struct pgtable *pt, u64 va, u64 size)
{
	int err = check_args(va, 0, size, 0);
	u64 irq;

	if (err)
		return err;
	irq = spin_lock_irqsave(&pt->lock);
	err = unmap_locked(pt, va, size);
	spin_unlock_irqrestore(&pt->lock, irq);
	return err;
}

static int protect_level(u64 *t, int l, u64 va, u64 last, u64 flags, bool *hole)
{
	for (;;) {
		u64 seg = MIN(last, va | (lsize(l) - 1));
		u64 *e = &t[lidx(va, l)];
		bool whole = !(va & (lsize(l) - 1)) && seg - va == lsize(l) - 1;
		int err;

		if (!(*e & PG_PRESENT)) {
			*hole = true;
		} else if (is_leaf(*e, l) && whole) {
			*e = leaf_addr(*e, l) | leaf_bits(flags, l) |
			     (*e & (PG_ACCESSED | PG_DIRTY));
		} else {
			if (is_leaf(*e, l)) {
				err = split_leaf(e, l);
				if (err)
					return err;
			}
			err = protect_level(table_at(*e), l - 1, va, seg, flags,
					    hole);
			if (err)
				return err;
		}
		if (seg == last)
			return 0;
		va = seg + 1;
	}
}

int protect_range(struct pgtable *pt, u64 va, u64 size, u64 flags)
{
	int err = check_args(va, 0, size, 0);
	bool hole = false;
	u64 irq;

	if (err)
		return err;
	irq = spin_lock_irqsave(&pt->lock);
	err = protect_level(pt->pml4, 3, va, va + size - 1, flags, &hole);
	flush_live(pt, va, size);
	spin_unlock_irqrestore(&pt->lock, irq);
	if (!err && hole)
		err = PAGING_ENOENT;
	return err;
}

int lookup(struct pgtable *pt, u64 va, phys_addr_t *pa, u64 *flags)
{
	static const u64 size_flag[] = { PG_4K, PG_2M, PG_1G };
	u64 *t = pt->pml4;

	if (!canonical(va))
		return PAGING_EINVAL;
	for (int l = 3; l >= 0; l--) {
		u64 e = READ_ONCE(t[lidx(va, l)]);

		if (!(e & PG_PRESENT))
			return PAGING_ENOENT;
		if (is_leaf(e, l)) {
			if (l > 2)
				return PAGING_EINVAL;
			if (pa)
				*pa = leaf_addr(e, l) + (va & (lsize(l) - 1));
			if (flags)
				*flags = (e & (PG_ATTR_MASK | PG_PRESENT)) |
					 size_flag[l];
			return 0;
		}
		t = table_at(e);
	}
	return PAGING_ENOENT; /* not reached */
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Nested page tables (AMD APM vol. 2, 15.25): ordinary 4-level x86-64
 * tables walked with the host's paging mode, one set per VM, plus the
 * VM's address-space ID. Mapping over an existing mapping replaces it
 * (large pages are split as needed), so the core can change permissions
 * by mapping again.
 */
#include <pv/bitmap.h>
#include <pv/heap.h>
#include <pv/pmm.h>
#include <pv/printk.h>
#include <pv/string.h>
#include <pv/vm.h>
#include <asm/cpu.h>
#include <asm/cpufeature.h>
#include <asm/layout.h>
#include <asm/paging.h>
#include "svm.h"

/* The hardware walk checks U/S at every level, as for a user access. */
#define NPT_TABLE (PG_PRESENT | PG_WRITE | PG_USER)
#define SZ_4K 0x1000ull

#define ASID_MAX 1024

static DECLARE_BITMAP(asid_map, ASID_MAX);
static spinlock_t asid_lock;

/* ASIDs 1..n-2 are handed out; n-1 is shared by VMs that find none
 * free, and those flush the TLB on every entry. */
static u32 asid_limit(void)
{
	return MIN(svm_caps.nr_asids, (u32)ASID_MAX);
}

static void asid_alloc(struct svm_s2 *s)
{
	u32 n = asid_limit();
	u64 fl = spin_lock_irqsave(&asid_lock);

	s->asid = n - 1;
	s->asid_shared = true;
	for (u32 a = 1; a + 1 < n; a++) {
		if (!bitmap_test_bit(asid_map, a)) {
			bitmap_set_bit(asid_map, a);
			s->asid = a;
			s->asid_shared = false;
			break;
		}
	}
	spin_unlock_irqrestore(&asid_lock, fl);
}

static void asid_free(struct svm_s2 *s)
{
	u64 fl;

	if (s->asid_shared)
		return;
	fl = spin_lock_irqsave(&asid_lock);
	bitmap_clear_bit(asid_map, s->asid);
	spin_unlock_irqrestore(&asid_lock, fl);
}

static inline u64 *table_of(u64 e)
{
	return phys_to_virt(e & PTE_ADDR_MASK);
}

static unsigned int index_at(gpa_t gpa, int level)
{
	return (gpa >> (12 + 9 * (level - 1))) & 511;
}

/*
 * The entry for gpa at level (1 = 4 KiB PTE, 2 = 2 MiB PDE). Missing
 * tables are created when alloc, else NULL is returned with *hole set to
 * the level whose entry is absent. A 2 MiB leaf in the way of a level-1
 * walk is split into 512 small pages mapping the same memory.
 */
static u64 *npt_walk(struct svm_s2 *s, gpa_t gpa, int level, bool alloc,
		     int *hole)
{
	u64 *t = s->root;

	for (int l = 4; l > level; l--) {
		u64 *e = &t[index_at(gpa, l)];

		if (!(*e & PG_PRESENT)) {
			phys_addr_t pa;

			if (!alloc) {
				*hole = l;
				return NULL;
			}
			pa = pmm_alloc_zeroed_page();
			if (!pa)
				return NULL;
			*e = pa | NPT_TABLE;
		} else if (*e & PG_LARGE) {
			/* Only level 2 holds leaves: split it. */
			phys_addr_t pa = pmm_alloc_zeroed_page();
			u64 *pt, base = *e & PTE_ADDR_MASK & ~(SIZE_2M - 1);
			u64 fl = *e & ~PTE_ADDR_MASK & ~PG_LARGE;

			if (!pa)
				return NULL;
			pt = phys_to_virt(pa);
			for (unsigned int i = 0; i < 512; i++)
				pt[i] = (base + i * SZ_4K) | fl;
			*e = pa | NPT_TABLE;
		}
		t = table_of(*e);
	}
	return &t[index_at(gpa, level)];
}

static void free_tables(u64 *t, int level)
{
	for (unsigned int i = 0; level > 1 && i < 512; i++) {
		if (!(t[i] & PG_PRESENT) || (t[i] & PG_LARGE))
			continue;
		free_tables(table_of(t[i]), level - 1);
	}
	pmm_free_pages(virt_to_phys(t), 0);
}

int svm_vm_init(struct vm *vm)
{
	struct svm_s2 *s = kzalloc(sizeof(*s));

	if (!s)
		return -1;
	s->root_pa = pmm_alloc_zeroed_page();
	if (!s->root_pa) {
		kfree(s);
		return -1;
	}
	s->root = phys_to_virt(s->root_pa);
	asid_alloc(s);
	vm->s2 = s;
	return 0;
}

void svm_vm_destroy(struct vm *vm)
{
	struct svm_s2 *s = vm->s2;

	if (!s)
		return;
	free_tables(s->root, 4);
	asid_free(s);
	kfree(s);
	vm->s2 = NULL;
}

static u64 leaf_flags(unsigned int prot)
{
	u64 f = PG_PRESENT | PG_USER;

	if (prot & S2_WRITE)
		f |= PG_WRITE;
	/* NX is a reserved bit unless the host runs with EFER.NXE. */
	if (!(prot & S2_EXEC) && (rdmsr(MSR_EFER) & EFER_NXE))
		f |= PG_NX;
	return f;
}

int svm_s2_map(struct vm *vm, gpa_t gpa, phys_addr_t hpa, u64 size,
	       unsigned int prot)
{
	struct svm_s2 *s = vm->s2;
	u64 fl, flags = leaf_flags(prot);
	int hole, ret = 0;

	if (!(prot & S2_READ) || ((gpa | hpa | size) & (SZ_4K - 1)))
		return -1;
	fl = spin_lock_irqsave(&s->lock);
	while (size) {
		bool big = !((gpa | hpa) & (SIZE_2M - 1)) && size >= SIZE_2M;
		u64 step = big ? SIZE_2M : SZ_4K;
		u64 *e = npt_walk(s, gpa, big ? 2 : 1, true, &hole);

		if (!e) {
			ret = -1;
			break;
		}
		if (big && (*e & PG_PRESENT) && !(*e & PG_LARGE))
			free_tables(table_of(*e), 1);
		*e = hpa | flags | (big ? PG_LARGE : 0);
		gpa += step;
		hpa += step;
		size -= step;
	}
	s->gen++;
	spin_unlock_irqrestore(&s->lock, fl);
	return ret;
}

int svm_s2_unmap(struct vm *vm, gpa_t gpa, u64 size)
{
	struct svm_s2 *s = vm->s2;
	u64 fl;
	int ret = 0;

	if ((gpa | size) & (SZ_4K - 1))
		return -1;
	fl = spin_lock_irqsave(&s->lock);
	while (size) {
		bool big = !(gpa & (SIZE_2M - 1)) && size >= SIZE_2M;
		int hole = 0;
		u64 *e = npt_walk(s, gpa, big ? 2 : 1, false, &hole);
		u64 step = big ? SIZE_2M : SZ_4K;

		if (!e && hole) {
			/* Nothing mapped up to the end of the missing table. */
			u64 span = 1ull << (12 + 9 * (hole - 1));

			step = span - (gpa & (span - 1));
		} else if (!e) {
			ret = -1; /* no memory to split a large page */
			break;
		} else {
			if (big && (*e & PG_PRESENT) && !(*e & PG_LARGE))
				free_tables(table_of(*e), 1);
			*e = 0;
		}
		if (step > size)
			step = size;
		gpa += step;
		size -= step;
	}
	s->gen++;
	spin_unlock_irqrestore(&s->lock, fl);
	return ret;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Extended page tables: 4-level, write-back leaves of 2 MiB or 4 KiB
 * (SDM vol. 3C, 29.3). Tables are reached through the direct map.
 */
#include <pv/heap.h>
#include <pv/pmm.h>
#include <pv/printk.h>
#include <pv/vm.h>
#include <asm/cpufeature.h>
#include <asm/layout.h>
#include <asm/paging.h>
#include <asm/spinlock.h>
#include "vmx.h"

#define EPT_R (1ull << 0)
#define EPT_W (1ull << 1)
#define EPT_X (1ull << 2)
#define EPT_RWX (EPT_R | EPT_W | EPT_X)
#define EPT_MT_WB (6ull << 3) /* leaf memory type */
#define EPT_LARGE (1ull << 7)
#define EPT_ADDR 0x000FFFFFFFFFF000ull

#define EPTP_WB 6ull
#define EPTP_WALK4 (3ull << 3)

static spinlock_t ept_lock = SPINLOCK_INIT;

static struct vmx_ept *ept_of(struct vm *vm)
{
	return vm->s2;
}

u64 vmx_eptp(struct vm *vm)
{
	return ept_of(vm)->eptp;
}

u32 vmx_ept_gen(struct vm *vm)
{
	return READ_ONCE(ept_of(vm)->gen);
}

/* Flush guest-physical mappings of eptp on this CPU. */
void vmx_flush_ept(u64 eptp)
{
	if (vmx_caps.ept_vpid & EPTCAP_INVEPT_SINGLE)
		vmx_invept(1, eptp);
	else
		vmx_invept(2, 0);
}

int vmx_vm_init(struct vm *vm)
{
	struct vmx_ept *e;
	u64 caps = vmx_caps.ept_vpid;

	if (!(caps & EPTCAP_WALK4) || !(caps & EPTCAP_WB) ||
	    !(caps & EPTCAP_INVEPT) ||
	    !(caps & (EPTCAP_INVEPT_SINGLE | EPTCAP_INVEPT_ALL))) {
		pr_err("vmx: EPT lacks 4-level walks, WB or INVEPT (caps %#llx)\n",
		       (unsigned long long)caps);
		return -1;
	}
	e = kzalloc(sizeof(*e));
	if (!e)
		return -1;
	e->pml4_pa = pmm_alloc_zeroed_page();
	if (!e->pml4_pa) {
		kfree(e);
		return -1;
	}
	e->pml4 = phys_to_virt(e->pml4_pa);
	e->eptp = e->pml4_pa | EPTP_WALK4 | EPTP_WB;
	vm->s2 = e;
	return 0;
}

static void free_table(u64 *t, int level)
{
	for (int i = 0; level > 1 && i < 512; i++)
		if ((t[i] & EPT_RWX) && !(t[i] & EPT_LARGE))
			free_table(phys_to_virt(t[i] & EPT_ADDR), level - 1);
	pmm_free_pages(virt_to_phys(t), 0);
}

void vmx_vm_destroy(struct vm *vm)
{
	struct vmx_ept *e = ept_of(vm);

	if (!e)
		return;
	free_table(e->pml4, 4);
	kfree(e);
	vm->s2 = NULL;
}

/* Next-level table under entry *pte; allocated (or split from a 2 MiB
 * leaf) if asked. NULL when absent and !alloc, or out of memory. */
static u64 *next_table(u64 *pte, bool alloc)
{
	phys_addr_t pa;
	u64 *t;

	if ((*pte & EPT_RWX) && !(*pte & EPT_LARGE))
		return phys_to_virt(*pte & EPT_ADDR);
	if (!alloc)
		return NULL;
	pa = pmm_alloc_zeroed_page();
	if (!pa)
		return NULL;
	t = phys_to_virt(pa);
	if (*pte & EPT_LARGE) {
		/* Split: 512 4 KiB leaves with the same rights. */
		u64 base = *pte & EPT_ADDR & ~(SIZE_2M - 1);
		u64 attr = *pte & (EPT_RWX | EPT_MT_WB);

		for (int i = 0; i < 512; i++)
			t[i] = (base + ((u64)i << 12)) | attr;
	}
	WRITE_ONCE(*pte, pa | EPT_RWX);
	return t;
}

static unsigned int idx(gpa_t gpa, int level)
{
	return (gpa >> (12 + 9 * (level - 1))) & 511;
}

/* The PD entry for gpa, or NULL. */
static u64 *pd_entry(struct vmx_ept *e, gpa_t gpa, bool alloc)
{
	u64 *t = e->pml4;

	for (int level = 4; level > 2; level--) {
		t = next_table(&t[idx(gpa, level)], alloc);
		if (!t)
			return NULL;
	}
	return &t[idx(gpa, 2)];
}

phys_addr_t vmx_ept_lookup(struct vm *vm, gpa_t gpa)
{
	u64 flags = spin_lock_irqsave(&ept_lock);
	u64 *pde = pd_entry(ept_of(vm), gpa, false);
	phys_addr_t hpa = 0;
	u64 e;

	if (pde && (*pde & EPT_LARGE)) {
		if (*pde & EPT_R)
			hpa = (*pde & EPT_ADDR & ~(SIZE_2M - 1)) |
			      (gpa & (SIZE_2M - 1));
	} else if (pde && (*pde & EPT_RWX)) {
		e = ((u64 *)phys_to_virt(*pde & EPT_ADDR))[idx(gpa, 1)];
		if (e & EPT_R)
			hpa = (e & EPT_ADDR) | (gpa & 0xFFF);
	}
	spin_unlock_irqrestore(&ept_lock, flags);
	return hpa;
}

static bool gpa_ok(gpa_t gpa, u64 size)
{
	u64 limit = 1ull << cpu.phys_addr_bits;

	return !((gpa | size) & 0xFFF) && gpa < limit && size <= limit - gpa;
}

int vmx_s2_map(struct vm *vm, gpa_t gpa, phys_addr_t hpa, u64 size,
	       unsigned int prot)
{
	struct vmx_ept *e = ept_of(vm);
	u64 attr = EPT_MT_WB;
	u64 flags;
	int ret = 0;

	if (!gpa_ok(gpa, size) || (hpa & 0xFFF))
		return -1;
	if (prot & S2_READ)
		attr |= EPT_R;
	if (prot & S2_WRITE)
		attr |= EPT_W | EPT_R; /* write-only is a misconfiguration */
	if (prot & S2_EXEC)
		attr |= EPT_X;
	/* Execute-only is a misconfiguration unless the CPU has it. */
	if ((attr & EPT_RWX) == EPT_X && !(vmx_caps.ept_vpid & EPTCAP_XONLY))
		attr |= EPT_R;
	flags = spin_lock_irqsave(&ept_lock);
	while (size) {
		u64 *pde = pd_entry(e, gpa, true);
		u64 *pt;

		if (!pde) {
			ret = -1;
			break;
		}
		if (!((gpa | hpa) & (SIZE_2M - 1)) && size >= SIZE_2M &&
		    (!(*pde & EPT_RWX) || (*pde & EPT_LARGE))) {
			WRITE_ONCE(*pde, hpa | attr | EPT_LARGE);
			gpa += SIZE_2M;
			hpa += SIZE_2M;
			size -= SIZE_2M;
			continue;
		}
		pt = next_table(pde, true);
		if (!pt) {
			ret = -1;
			break;
		}
		WRITE_ONCE(pt[idx(gpa, 1)], hpa | attr);
		gpa += PAGE_SIZE;
		hpa += PAGE_SIZE;
		size -= PAGE_SIZE;
	}
	e->gen++;
	if (vmx_cpu_on())
		vmx_flush_ept(e->eptp);
	spin_unlock_irqrestore(&ept_lock, flags);
	return ret;
}

int vmx_s2_unmap(struct vm *vm, gpa_t gpa, u64 size)
{
	struct vmx_ept *e = ept_of(vm);
	u64 flags;
	int ret = 0;

	if (!gpa_ok(gpa, size))
		return -1;
	flags = spin_lock_irqsave(&ept_lock);
	while (size) {
		u64 *pde = pd_entry(e, gpa, false);
		u64 step = SIZE_2M - (gpa & (SIZE_2M - 1));
		u64 *pt;

		if (!pde || !(*pde & EPT_RWX)) {
			/* Nothing mapped in this 2 MiB slot. */
		} else if ((*pde & EPT_LARGE) && !(gpa & (SIZE_2M - 1)) &&
			   size >= SIZE_2M) {
			WRITE_ONCE(*pde, 0);
		} else {
			/* Part of a 2 MiB leaf, or a 4 KiB table: per page. */
			pt = next_table(pde, true);
			if (!pt) {
				ret = -1;
				break;
			}
			step = PAGE_SIZE;
			WRITE_ONCE(pt[idx(gpa, 1)], 0);
		}
		if (step > size)
			step = size;
		gpa += step;
		size -= step;
	}
	e->gen++;
	if (vmx_cpu_on())
		vmx_flush_ept(e->eptp);
	spin_unlock_irqrestore(&ept_lock, flags);
	return ret;
}

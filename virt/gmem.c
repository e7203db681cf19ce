// SPDX-License-Identifier: GPL-2.0
/*
 * Guest RAM: 2 MiB buddy blocks (order 9), zeroed, mapped at GPA 0 up with
 * the backend's stage-2 tables; the hypervisor reaches them through the
 * direct map.
 */
#include <pv/heap.h>
#include <pv/pmm.h>
#include <pv/printk.h>
#include <pv/string.h>
#include <asm/layout.h>
#include "virt.h"

#define CHUNK_ORDER (GMEM_CHUNK_SHIFT - 12)

int gmem_alloc(struct vm *vm, u64 ram_size)
{
	unsigned int n = (unsigned int)(ram_size >> GMEM_CHUNK_SHIFT);

	vm->ram_chunks = kzalloc(n * sizeof(*vm->ram_chunks));
	if (!vm->ram_chunks)
		return -1;
	for (unsigned int i = 0; i < n; i++) {
		phys_addr_t pa = pmm_alloc_pages(CHUNK_ORDER);

		if (!pa) {
			pr_err("vm %s: out of memory after %u MiB of RAM\n",
			       vm->name, i * 2);
			return -1;
		}
		vm->ram_chunks[vm->nr_chunks++] = pa;
		memset(phys_to_virt(pa), 0, GMEM_CHUNK_SIZE);
		if (vcpu_ops->s2_map(vm, (gpa_t)i << GMEM_CHUNK_SHIFT, pa,
				     GMEM_CHUNK_SIZE, S2_RWX)) {
			pr_err("vm %s: stage-2 mapping of GPA %#llx failed\n",
			       vm->name,
			       (unsigned long long)i << GMEM_CHUNK_SHIFT);
			return -1;
		}
	}
	vm->ram_size = ram_size;
	return 0;
}

/* Called after the backend dropped its stage-2 tables. */
void gmem_free(struct vm *vm)
{
	for (unsigned int i = 0; i < vm->nr_chunks; i++)
		pmm_free_pages(vm->ram_chunks[i], CHUNK_ORDER);
	kfree(vm->ram_chunks);
	vm->ram_chunks = NULL;
	vm->nr_chunks = 0;
	vm->ram_size = 0;
}

void gmem_clear(struct vm *vm)
{
	for (unsigned int i = 0; i < vm->nr_chunks; i++)
		memset(phys_to_virt(vm->ram_chunks[i]), 0, GMEM_CHUNK_SIZE);
}

void *gpa_to_hva(struct vm *vm, gpa_t gpa)
{
	if (gpa >= vm->ram_size)
		return NULL;
	return (u8 *)phys_to_virt(vm->ram_chunks[gpa >> GMEM_CHUNK_SHIFT]) +
	       (gpa & (GMEM_CHUNK_SIZE - 1));
}

static int copy_phys(struct vm *vm, gpa_t gpa, void *buf, size_t len,
		     bool to_guest)
{
	u8 *p = buf;

	if (gpa + len < gpa || gpa + len > vm->ram_size)
		return -1;
	while (len) {
		size_t n = GMEM_CHUNK_SIZE - (gpa & (GMEM_CHUNK_SIZE - 1));
		u8 *h = gpa_to_hva(vm, gpa);

		n = MIN(n, len);
		if (to_guest)
			memcpy(h, p, n);
		else
			memcpy(p, h, n);
		p += n;
		gpa += n;
		len -= n;
	}
	return 0;
}

int vm_write_phys(struct vm *vm, gpa_t gpa, const void *src, size_t len)
{
	return copy_phys(vm, gpa, (void *)src, len, true);
}

int vm_read_phys(struct vm *vm, gpa_t gpa, void *dst, size_t len)
{
	return copy_phys(vm, gpa, dst, len, false);
}

bool vm_owns_hpa(struct vm *vm, phys_addr_t hpa)
{
	for (unsigned int i = 0; i < vm->nr_chunks; i++)
		if (hpa - vm->ram_chunks[i] < GMEM_CHUNK_SIZE)
			return true;
	return false;
}

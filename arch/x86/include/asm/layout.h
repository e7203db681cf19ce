/* SPDX-License-Identifier: GPL-2.0 */
/* Virtual and physical memory layout (docs/architecture.md has the picture). */
#ifndef ASM_LAYOUT_H
#define ASM_LAYOUT_H

/* Physical load address: 2 MiB keeps clear of BIOS/EFI data in the first MiB. */
#define KERNEL_PHYS 0x200000
/* The kernel image is linked in the top 2 GiB (-mcmodel=kernel). */
#define KERNEL_VMA 0xFFFFFFFF80000000
/* All RAM is mapped here (direct map). */
#define DIRECT_MAP 0xFFFF800000000000

#define PAGE_SHIFT 12
#define PAGE_SIZE 4096
#define BOOT_STACK_SIZE 16384

#ifndef __ASSEMBLY__
#include <pv/types.h>

extern char _kernel_start[], _text[], _etext[], _rodata[], _erodata[], _data[],
	_edata[], _bss[], _end[];

static inline void *phys_to_virt(phys_addr_t pa)
{
	return (void *)(uintptr_t)(pa + DIRECT_MAP);
}

static inline phys_addr_t virt_to_phys(const void *va)
{
	uintptr_t v = (uintptr_t)va;

	if (v >= KERNEL_VMA)
		return v - KERNEL_VMA;
	return v - DIRECT_MAP;
}
#endif

#endif

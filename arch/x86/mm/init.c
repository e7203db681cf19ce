// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's own page tables: a direct map of the first 4 GiB (as the
 * boot tables had, so firmware tables stay reachable with phys_to_virt)
 * plus all RAM above it, and the kernel image with W^X permissions.
 * boot_pml4 is left untouched for AP start-up.
 */
#include <pv/bootinfo.h>
#include <pv/panic.h>
#include <pv/pmm.h>
#include <pv/printk.h>
#include <asm/cpu.h>
#include <asm/cpufeature.h>
#include <asm/layout.h>
#include <asm/paging.h>

#define LOW_DIRECT (4ull << 30)

struct span {
	u64 start, end;
};

static bool is_ram(u32 type)
{
	return type == MEM_USABLE || type == MEM_ACPI_RECLAIM ||
	       type == MEM_ACPI_NVS;
}

static void map_or_die(u64 va, phys_addr_t pa, u64 size, u64 flags,
		       const char *what)
{
	int err = map_range(&kernel_pgtable, va, pa, size, flags);

	if (err)
		panic("paging: cannot map %s (%#llx, %llu KiB): error %d", what,
		      (unsigned long long)va, (unsigned long long)(size >> 10),
		      err);
}

static void map_direct(void)
{
	struct span s[BOOT_MAX_REGIONS + 1];
	unsigned int n = 0;
	u64 top = 0;

	s[n++] = (struct span){ 0, LOW_DIRECT };
	for (unsigned int i = 0; i < bootinfo.nr_regions; i++) {
		const struct mem_region *r = &bootinfo.regions[i];
		u64 b = ALIGN_DOWN(r->base, (u64)PAGE_SIZE);
		u64 e = ALIGN_UP(r->base + r->len, (u64)PAGE_SIZE);
		unsigned int j;

		if (!is_ram(r->type) || e <= LOW_DIRECT)
			continue;
		b = MAX(b, LOW_DIRECT);
		for (j = n; j > 0 && s[j - 1].start > b; j--)
			s[j] = s[j - 1];
		s[j] = (struct span){ b, e };
		n++;
	}
	/* Sorted: merge overlaps, then map each piece once. */
	for (unsigned int i = 0; i < n; i++) {
		u64 b = MAX(s[i].start, top), e = s[i].end;

		if (e <= b)
			continue;
		map_or_die(DIRECT_MAP + b, b, e - b,
			   PG_WRITE | PG_NX | PG_GLOBAL, "direct map");
		top = e;
	}
	pr_info("paging: direct map of %llu MiB%s\n",
		(unsigned long long)(top >> 20),
		cpu.pdpe1gb ? " (1 GiB pages)" : "");
}

static void map_image(const char *start, const char *end, u64 flags,
		      const char *what)
{
	u64 va = ALIGN_DOWN((u64)(uintptr_t)start, (u64)PAGE_SIZE);
	u64 ve = ALIGN_UP((u64)(uintptr_t)end, (u64)PAGE_SIZE);

	if (ve > va)
		map_or_die(va, virt_to_phys((void *)(uintptr_t)va), ve - va,
			   flags, what);
}

static void enable_features(void)
{
	if (cpu.nx && !(rdmsr(MSR_EFER) & EFER_NXE))
		wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
	if (cpu.pge)
		write_cr4(read_cr4() | CR4_PGE);
	write_cr0(read_cr0() | CR0_WP);
}

void paging_init(void)
{
	enable_features();
	paging_set_nx(cpu.nx);
	if (pgtable_create(&kernel_pgtable))
		panic("paging: no memory for the kernel page tables");
	map_direct();
	map_image(_kernel_start, _text, PG_NX | PG_GLOBAL, "boot section");
	map_image(_text, _etext, PG_GLOBAL, "kernel text");
	map_image(_rodata, _erodata, PG_NX | PG_GLOBAL, "kernel rodata");
	map_image(_data, _end, PG_WRITE | PG_NX | PG_GLOBAL, "kernel data");

	write_cr3(kernel_pgtable.pml4_pa);
	flush_tlb_all();
	pr_info("paging: kernel page tables at %#llx, NX %s\n",
		(unsigned long long)kernel_pgtable.pml4_pa,
		cpu.nx ? "on" : "unavailable");
	pmm_add_high_memory();
}

void paging_init_ap(void)
{
	enable_features();
	write_cr3(kernel_pgtable.pml4_pa);
}

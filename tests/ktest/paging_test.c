// SPDX-License-Identifier: GPL-2.0
/*
 * paging suite: map/unmap/protect/lookup on private tables, then real
 * accesses through the kernel's live tables: NX, read-only and unmapped
 * pages must fault (a #PF handler records the fault and skips ahead).
 */
#include <pv/bootinfo.h>
#include <pv/ktest.h>
#include <pv/pmm.h>
#include <pv/string.h>
#include <asm/cpu.h>
#include <asm/cpufeature.h>
#include <asm/io.h>
#include <asm/layout.h>
#include <asm/paging.h>
#include <asm/traps.h>

/* Free kernel-half virtual space (layout.h uses none of it). */
#define TEST_VA 0xFFFFA00000000000ull
#define PF_PRESENT 0x1
#define PF_WRITE 0x2
#define PF_FETCH 0x10
#define ATTRS(f) ((f) & (PG_ATTR_MASK | PG_SIZE_MASK))

static volatile u64 fixup_rip, fixup_pop, fault_cr2, fault_err;
static volatile unsigned int faults;

static bool pf_handler(struct trap_frame *tf)
{
	if (!fixup_rip)
		return false;
	faults++;
	fault_cr2 = read_cr2();
	fault_err = tf->error;
	tf->rip = fixup_rip;
	if (fixup_pop) /* faulted on the target of a call: drop its return */
		tf->rsp += 8;
	fixup_rip = 0;
	return true;
}

/* Each probe returns true if the access completed without a fault. */
static bool probe_read(u64 va)
{
	unsigned int before = faults;

	fixup_pop = 0;
	__asm__ __volatile__("leaq 1f(%%rip), %%rax\n\t"
			     "movq %%rax, %0\n\t"
			     "movb (%1), %%al\n"
			     "1:"
			     : "=m"(fixup_rip)
			     : "r"(va)
			     : "rax", "memory");
	fixup_rip = 0;
	return faults == before;
}

static bool probe_write(u64 va)
{
	unsigned int before = faults;

	fixup_pop = 0;
	__asm__ __volatile__("leaq 1f(%%rip), %%rax\n\t"
			     "movq %%rax, %0\n\t"
			     "movb $0x5a, (%1)\n"
			     "1:"
			     : "=m"(fixup_rip)
			     : "r"(va)
			     : "rax", "memory");
	fixup_rip = 0;
	return faults == before;
}

/* Call va, which holds a single RET. */
static bool probe_exec(u64 va)
{
	unsigned int before = faults;

	fixup_pop = 1;
	__asm__ __volatile__("leaq 1f(%%rip), %%rax\n\t"
			     "movq %%rax, %0\n\t"
			     "call *%1\n"
			     "1:"
			     : "=m"(fixup_rip)
			     : "r"(va)
			     : "rax", "memory", "cc");
	fixup_rip = 0;
	fixup_pop = 0;
	return faults == before;
}

static void map_lookup_4k(struct ktest *t)
{
	struct pgtable pt;
	u64 free0 = pmm_free_count(), f;
	phys_addr_t pa;

	KTEST_ASSERT(t, pgtable_create(&pt) == 0);
	KTEST_EXPECT_EQ(t,
			map_range(&pt, TEST_VA + 0x1000, 0x12345000, 0x2000,
				  PG_WRITE | PG_NX),
			0);
	KTEST_EXPECT_EQ(t, lookup(&pt, TEST_VA + 0x1abc, &pa, &f), 0);
	KTEST_EXPECT_EQ(t, pa, 0x12345abc);
	KTEST_EXPECT_EQ(t, ATTRS(f), PG_WRITE | (cpu.nx ? PG_NX : 0) | PG_4K);
	KTEST_EXPECT_EQ(t, lookup(&pt, TEST_VA + 0x2000, &pa, &f), 0);
	KTEST_EXPECT_EQ(t, pa, 0x12346000);
	KTEST_EXPECT_EQ(t, lookup(&pt, TEST_VA, &pa, &f), PAGING_ENOENT);
	KTEST_EXPECT_EQ(t, lookup(&pt, TEST_VA + 0x3000, &pa, &f),
			PAGING_ENOENT);
	/* Overlap and bad arguments are refused. */
	KTEST_EXPECT_EQ(t, map_range(&pt, TEST_VA, 0, 0x2000, 0),
			PAGING_EEXIST);
	KTEST_EXPECT_EQ(t, map_range(&pt, TEST_VA + 1, 0, 0x1000, 0),
			PAGING_EINVAL);
	KTEST_EXPECT_EQ(t, map_range(&pt, 0x0000900000000000ull, 0, 0x1000, 0),
			PAGING_EINVAL); /* not canonical */
	KTEST_EXPECT_EQ(t, unmap_range(&pt, TEST_VA + 0x1000, 0x1000), 0);
	KTEST_EXPECT_EQ(t, lookup(&pt, TEST_VA + 0x1000, &pa, &f),
			PAGING_ENOENT);
	KTEST_EXPECT_EQ(t, lookup(&pt, TEST_VA + 0x2000, &pa, &f), 0);
	KTEST_EXPECT_EQ(t, unmap_range(&pt, TEST_VA, 0x400000), 0);
	/* Empty tables were freed on the way: only the PML4 is left. */
	KTEST_EXPECT_EQ(t, pmm_free_count(), free0 - 1);
	pgtable_destroy(&pt);
	KTEST_EXPECT_EQ(t, pmm_free_count(), free0);
}

static void large_pages_by_alignment(struct ktest *t)
{
	struct pgtable pt;
	u64 free0 = pmm_free_count(), f;
	phys_addr_t pa;

	KTEST_ASSERT(t, pgtable_create(&pt) == 0);
	/* 2 MiB aligned on both sides: two 2 MiB pages. */
	KTEST_EXPECT_EQ(t, map_range(&pt, TEST_VA, 0x40000000, 0x400000, 0), 0);
	KTEST_EXPECT_EQ(t, lookup(&pt, TEST_VA + 0x234567, &pa, &f), 0);
	KTEST_EXPECT_EQ(t, pa, 0x40234567);
	KTEST_EXPECT_EQ(t, f & PG_SIZE_MASK, PG_2M);
	/* Physical side misaligned: falls back to 4 KiB pages. */
	KTEST_EXPECT_EQ(
		t, map_range(&pt, TEST_VA + 0x400000, 0x40001000, 0x200000, 0),
		0);
	KTEST_EXPECT_EQ(t, lookup(&pt, TEST_VA + 0x5FF000, &pa, &f), 0);
	KTEST_EXPECT_EQ(t, pa, 0x40200000);
	KTEST_EXPECT_EQ(t, f & PG_SIZE_MASK, PG_4K);
	/* Forced sizes. */
	KTEST_EXPECT_EQ(t,
			map_range(&pt, TEST_VA + 0x600000, 0x600000, 0x200000,
				  PG_4K),
			0);
	KTEST_EXPECT_EQ(t, lookup(&pt, TEST_VA + 0x600000, &pa, &f), 0);
	KTEST_EXPECT_EQ(t, f & PG_SIZE_MASK, PG_4K);
	KTEST_EXPECT_EQ(t,
			map_range(&pt, TEST_VA + 0x801000, 0x801000, 0x200000,
				  PG_2M),
			PAGING_EINVAL);
	/* 1 GiB pages when the CPU has them. */
	if (cpu.pdpe1gb) {
		KTEST_EXPECT_EQ(t,
				map_range(&pt, TEST_VA + SIZE_1G, SIZE_1G,
					  SIZE_1G, PG_WRITE),
				0);
		KTEST_EXPECT_EQ(
			t, lookup(&pt, TEST_VA + SIZE_1G + 0x1234567, &pa, &f),
			0);
		KTEST_EXPECT_EQ(t, pa, SIZE_1G + 0x1234567);
		KTEST_EXPECT_EQ(t, ATTRS(f), PG_WRITE | PG_1G);
		/* Forced 2 MiB inside a 1 GiB-capable range. */
		KTEST_EXPECT_EQ(t,
				map_range(&pt, TEST_VA + 2 * SIZE_1G, SIZE_1G,
					  SIZE_1G, PG_2M),
				0);
		KTEST_EXPECT_EQ(t, lookup(&pt, TEST_VA + 2 * SIZE_1G, &pa, &f),
				0);
		KTEST_EXPECT_EQ(t, f & PG_SIZE_MASK, PG_2M);
	} else {
		KTEST_EXPECT_EQ(t,
				map_range(&pt, TEST_VA + SIZE_1G, SIZE_1G,
					  SIZE_1G, PG_1G),
				PAGING_EINVAL);
		ktest_log(t, "no 1 GiB pages on this CPU");
	}
	/* Unmapping 4 KiB out of a 2 MiB page splits it. */
	KTEST_EXPECT_EQ(t, unmap_range(&pt, TEST_VA + 0x1000, 0x1000), 0);
	KTEST_EXPECT_EQ(t, lookup(&pt, TEST_VA + 0x1000, &pa, &f),
			PAGING_ENOENT);
	KTEST_EXPECT_EQ(t, lookup(&pt, TEST_VA + 0x2000, &pa, &f), 0);
	KTEST_EXPECT_EQ(t, pa, 0x40002000);
	KTEST_EXPECT_EQ(t, f & PG_SIZE_MASK, PG_4K);
	KTEST_EXPECT_EQ(t, lookup(&pt, TEST_VA + 0x200000, &pa, &f), 0);
	KTEST_EXPECT_EQ(t, f & PG_SIZE_MASK, PG_2M);
	pgtable_destroy(&pt);
	KTEST_EXPECT_EQ(t, pmm_free_count(), free0);
}

static void protect_splits_2m_page(struct ktest *t)
{
	struct pgtable pt;
	phys_addr_t pa;
	u64 f;

	KTEST_ASSERT(t, pgtable_create(&pt) == 0);
	KTEST_EXPECT_EQ(
		t, map_range(&pt, TEST_VA, 0x200000, SIZE_2M, PG_WRITE | PG_NX),
		0);
	KTEST_EXPECT_EQ(t, protect_range(&pt, TEST_VA + 0x10000, 0x1000, PG_NX),
			0);
	KTEST_EXPECT_EQ(t, lookup(&pt, TEST_VA + 0x10000, &pa, &f), 0);
	KTEST_EXPECT_EQ(t, pa, 0x210000);
	KTEST_EXPECT_EQ(t, ATTRS(f), (cpu.nx ? PG_NX : 0) | PG_4K);
	for (u64 off = 0; off < SIZE_2M; off += 0x1000) {
		bool ro = off == 0x10000;

		if (lookup(&pt, TEST_VA + off, &pa, &f) ||
		    pa != 0x200000 + off || !!(f & PG_WRITE) == ro ||
		    !(f & PG_4K)) {
			KTEST_EXPECT(t, false);
			ktest_log(t, "page +%#llx wrong",
				  (unsigned long long)off);
			break;
		}
	}
	/* Whole large page: no split needed. */
	KTEST_EXPECT_EQ(
		t, map_range(&pt, TEST_VA + SIZE_2M, 0x400000, SIZE_2M, 0), 0);
	KTEST_EXPECT_EQ(t,
			protect_range(&pt, TEST_VA + SIZE_2M, SIZE_2M,
				      PG_WRITE | PG_UNCACHED),
			0);
	KTEST_EXPECT_EQ(t, lookup(&pt, TEST_VA + SIZE_2M, &pa, &f), 0);
	KTEST_EXPECT_EQ(t, ATTRS(f), PG_WRITE | PG_UNCACHED | PG_2M);
	/* A hole is reported. */
	KTEST_EXPECT_EQ(t, protect_range(&pt, TEST_VA + 2 * SIZE_2M, 0x1000, 0),
			PAGING_ENOENT);
	pgtable_destroy(&pt);
}

/* A page of our own, mapped at TEST_VA in the live kernel tables. */
static phys_addr_t map_test_page(struct ktest *t, u64 flags)
{
	phys_addr_t pa = pmm_alloc_zeroed_page();

	if (!pa)
		return 0;
	*(u8 *)phys_to_virt(pa) = 0xC3; /* RET */
	if (map_range(&kernel_pgtable, TEST_VA, pa, PAGE_SIZE, flags)) {
		pmm_free_pages(pa, 0);
		return 0;
	}
	return pa;
}

static void unmap_test_page(phys_addr_t pa)
{
	unmap_range(&kernel_pgtable, TEST_VA, PAGE_SIZE);
	pmm_free_pages(pa, 0);
}

static void nx_page_faults_on_fetch(struct ktest *t)
{
	trap_handler_t old;
	phys_addr_t pa;

	if (!cpu.nx) {
		ktest_skip(t, "CPU has no NX");
		return;
	}
	pa = map_test_page(t, PG_NX);
	KTEST_ASSERT(t, pa != 0);
	old = trap_set_handler(X86_PF, pf_handler);
	faults = 0;
	KTEST_EXPECT(t, probe_read(TEST_VA)); /* readable */
	KTEST_EXPECT(t, !probe_exec(TEST_VA));
	KTEST_EXPECT_EQ(t, fault_cr2, TEST_VA);
	KTEST_EXPECT_EQ(t, fault_err & (PF_FETCH | PF_PRESENT),
			PF_FETCH | PF_PRESENT);
	/* Same page made executable: the call returns normally. */
	KTEST_EXPECT_EQ(
		t, protect_range(&kernel_pgtable, TEST_VA, PAGE_SIZE, 0), 0);
	KTEST_EXPECT(t, probe_exec(TEST_VA));
	KTEST_EXPECT_EQ(t, faults, 1);
	trap_set_handler(X86_PF, old);
	unmap_test_page(pa);
}

static void readonly_page_faults_on_write(struct ktest *t)
{
	trap_handler_t old = trap_set_handler(X86_PF, pf_handler);
	phys_addr_t pa = map_test_page(t, PG_NX);

	KTEST_ASSERT(t, pa != 0);
	faults = 0;
	KTEST_EXPECT(t, !probe_write(TEST_VA + 8));
	KTEST_EXPECT_EQ(t, fault_cr2, TEST_VA + 8);
	KTEST_EXPECT_EQ(t, fault_err & (PF_WRITE | PF_PRESENT),
			PF_WRITE | PF_PRESENT);
	KTEST_EXPECT_EQ(t, ((u8 *)phys_to_virt(pa))[8], 0);
	/* Made writable, the same store lands in the page. */
	KTEST_EXPECT_EQ(t,
			protect_range(&kernel_pgtable, TEST_VA, PAGE_SIZE,
				      PG_WRITE | PG_NX),
			0);
	KTEST_EXPECT(t, probe_write(TEST_VA + 8));
	KTEST_EXPECT_EQ(t, ((u8 *)phys_to_virt(pa))[8], 0x5a);
	/* And read-only again: the TLB must not keep the old entry. */
	KTEST_EXPECT_EQ(
		t, protect_range(&kernel_pgtable, TEST_VA, PAGE_SIZE, PG_NX),
		0);
	KTEST_EXPECT(t, !probe_write(TEST_VA + 8));
	KTEST_EXPECT_EQ(t, faults, 2);
	trap_set_handler(X86_PF, old);
	unmap_test_page(pa);
}

static void unmapped_access_faults(struct ktest *t)
{
	trap_handler_t old = trap_set_handler(X86_PF, pf_handler);
	phys_addr_t pa = map_test_page(t, PG_WRITE | PG_NX);

	KTEST_ASSERT(t, pa != 0);
	faults = 0;
	KTEST_EXPECT(t, probe_read(TEST_VA));
	unmap_test_page(pa);
	KTEST_EXPECT(t, !probe_read(TEST_VA)); /* stale TLB would succeed */
	KTEST_EXPECT_EQ(t, fault_err & PF_PRESENT, 0);
	KTEST_EXPECT(t, !probe_read(0)); /* no identity map any more */
	KTEST_EXPECT(t, !probe_write(TEST_VA + 0x5000));
	KTEST_EXPECT_EQ(t, faults, 3);
	trap_set_handler(X86_PF, old);
}

static void kernel_mappings_are_wx_clean(struct ktest *t)
{
	phys_addr_t pa;
	u64 f, nx = cpu.nx ? PG_NX : 0, top = 0;

	KTEST_EXPECT_EQ(
		t, lookup(&kernel_pgtable, (u64)(uintptr_t)_text, &pa, &f), 0);
	KTEST_EXPECT_EQ(t, pa, virt_to_phys(_text));
	KTEST_EXPECT_EQ(t, f & (PG_WRITE | PG_NX), 0);
	KTEST_EXPECT_EQ(
		t, lookup(&kernel_pgtable, (u64)(uintptr_t)_rodata, &pa, &f),
		0);
	KTEST_EXPECT_EQ(t, f & (PG_WRITE | PG_NX), nx);
	KTEST_EXPECT_EQ(
		t, lookup(&kernel_pgtable, (u64)(uintptr_t)_data, &pa, &f), 0);
	KTEST_EXPECT_EQ(t, f & (PG_WRITE | PG_NX), PG_WRITE | nx);
	KTEST_EXPECT_EQ(
		t, lookup(&kernel_pgtable, (u64)(uintptr_t)_end - 1, &pa, &f),
		0);
	KTEST_EXPECT_EQ(t, f & (PG_WRITE | PG_NX), PG_WRITE | nx);
	/* The last byte of RAM, wherever it is, is in the direct map. */
	for (unsigned int i = 0; i < bootinfo.nr_regions; i++)
		if (bootinfo.regions[i].type == MEM_USABLE)
			top = MAX(top, bootinfo.regions[i].base +
					       bootinfo.regions[i].len);
	KTEST_EXPECT_EQ(
		t, lookup(&kernel_pgtable, DIRECT_MAP + top - 1, &pa, &f), 0);
	KTEST_EXPECT_EQ(t, pa, top - 1);
	KTEST_EXPECT_EQ(t, f & (PG_WRITE | PG_NX), PG_WRITE | nx);
	ktest_log(t, "RAM ends at %#llx", (unsigned long long)top);
	KTEST_EXPECT_EQ(t, read_cr3() & PTE_ADDR_MASK, kernel_pgtable.pml4_pa);
}

static void ioremap_is_uncached(struct ktest *t)
{
	phys_addr_t pa = pmm_alloc_zeroed_page(), got;
	volatile u32 __iomem *io;
	u64 f;

	KTEST_ASSERT(t, pa != 0);
	*(u32 *)phys_to_virt(pa + 0x10) = 0xCAFEF00D;
	io = ioremap(pa + 0x10, 4);
	KTEST_ASSERT(t, io != NULL);
	KTEST_EXPECT(t, (u64)(__force uintptr_t)io >= IOREMAP_BASE);
	KTEST_EXPECT_EQ(t, (u64)(__force uintptr_t)io & 0xFFF, 0x10);
	KTEST_EXPECT_EQ(t, mmio_read32(io), 0xCAFEF00D);
	KTEST_EXPECT_EQ(t,
			lookup(&kernel_pgtable, (u64)(__force uintptr_t)io,
			       &got, &f),
			0);
	KTEST_EXPECT_EQ(t, got, pa + 0x10);
	KTEST_EXPECT_EQ(t, f & (PG_UNCACHED | PG_WRITE),
			PG_UNCACHED | PG_WRITE);
	iounmap(io, 4);
	KTEST_EXPECT_EQ(t,
			lookup(&kernel_pgtable, (u64)(__force uintptr_t)io,
			       &got, &f),
			PAGING_ENOENT);
	pmm_free_pages(pa, 0);
}

static const struct ktest_case paging_cases[] = {
	KTEST_CASE(map_lookup_4k),
	KTEST_CASE(large_pages_by_alignment),
	KTEST_CASE(protect_splits_2m_page),
	KTEST_CASE(nx_page_faults_on_fetch),
	KTEST_CASE(readonly_page_faults_on_write),
	KTEST_CASE(unmapped_access_faults),
	KTEST_CASE(kernel_mappings_are_wx_clean),
	KTEST_CASE(ioremap_is_uncached),
};
KTEST_SUITE("paging", paging_cases);

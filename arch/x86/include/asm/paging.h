/* SPDX-License-Identifier: GPL-2.0 */
/*
 * 4-level x86-64 page tables. Flags are PTE bits; PG_4K/PG_2M/PG_1G
 * (software-available bits, never written to an entry) force a page size
 * on input and report the size found by lookup().
 */
#ifndef ASM_PAGING_H
#define ASM_PAGING_H

#include <pv/types.h>
#include <asm/spinlock.h>

#define PG_PRESENT (1ull << 0)
#define PG_WRITE (1ull << 1)
#define PG_USER (1ull << 2)
#define PG_PWT (1ull << 3)
#define PG_PCD (1ull << 4)
#define PG_UNCACHED (PG_PWT | PG_PCD)
#define PG_ACCESSED (1ull << 5)
#define PG_DIRTY (1ull << 6)
#define PG_LARGE (1ull << 7) /* PS: 2 MiB / 1 GiB leaf */
#define PG_GLOBAL (1ull << 8)
#define PG_4K (1ull << 9)
#define PG_2M (1ull << 10)
#define PG_1G (1ull << 11)
#define PG_NX (1ull << 63)

#define PG_SIZE_MASK (PG_4K | PG_2M | PG_1G)
/* Attribute bits map_range/protect_range accept. */
#define PG_ATTR_MASK (PG_WRITE | PG_USER | PG_UNCACHED | PG_GLOBAL | PG_NX)
#define PTE_ADDR_MASK 0x000FFFFFFFFFF000ull

#define SIZE_2M (1ull << 21)
#define SIZE_1G (1ull << 30)

/* Error returns (negative). */
#define PAGING_ENOMEM (-12)
#define PAGING_EEXIST (-17)
#define PAGING_EINVAL (-22)
#define PAGING_ENOENT (-2)

/* MMIO window for ioremap(). */
#define IOREMAP_BASE 0xFFFFC00000000000ull
#define IOREMAP_SIZE (64ull << 30)

struct pgtable {
	u64 *pml4; /* through the direct map */
	phys_addr_t pml4_pa;
	spinlock_t lock;
};

/* The kernel's tables: every CPU runs on them once paging_init is done. */
extern struct pgtable kernel_pgtable;
/* head.S's tables (identity + direct map of 4 GiB): AP trampolines. */
extern u64 boot_pml4[512];

/*
 * Build the kernel's tables (direct map of all RAM, W^X kernel image),
 * switch the boot CPU to them and release RAM above 4 GiB to the PMM.
 */
void paging_init(void);
/* On an AP that runs on boot_pml4: enable NX/PGE, load kernel tables. */
void paging_init_ap(void);
/* Use PG_NX in entries (only once EFER.NXE is set; else it is reserved). */
void paging_set_nx(bool on);
/* Physical address of a zeroed page-table page from the PMM, or 0. */
phys_addr_t paging_alloc_table(void);

/* An empty table; 0 or PAGING_ENOMEM. pgtable_destroy frees the tables
 * (not the mapped memory). */
int pgtable_create(struct pgtable *pt);
void pgtable_destroy(struct pgtable *pt);

/*
 * Map [va, va + size) to [pa, ...). Page-aligned; uses the largest page
 * size alignment allows (1 GiB only with cpu.pdpe1gb) unless a PG_4K/2M/1G
 * flag forces one. Fails with PAGING_EEXIST if anything there is mapped.
 */
int map_range(struct pgtable *pt, u64 va, phys_addr_t pa, u64 size, u64 flags);
/* Unmap; large pages partly covered are split first. Holes are fine. */
int unmap_range(struct pgtable *pt, u64 va, u64 size);
/* Replace the attributes of mapped pages; PAGING_ENOENT if a hole was
 * met (the mapped parts are still changed). */
int protect_range(struct pgtable *pt, u64 va, u64 size, u64 flags);
/* 0 with the physical address and flags (PG_* incl. size), or ENOENT. */
int lookup(struct pgtable *pt, u64 va, phys_addr_t *pa, u64 *flags);

/* Flush this CPU's TLB for a range (everything if it is large). */
void flush_tlb_range(u64 va, u64 size);
void flush_tlb_all(void);
/* Set by SMP code: ask the other CPUs to flush the range too. */
extern void (*tlb_shootdown)(u64 va, u64 size);

/* Uncached mapping of MMIO in the ioremap window, or NULL. */
void __iomem *ioremap(phys_addr_t pa, size_t size);
void iounmap(volatile void __iomem *va, size_t size);

#endif

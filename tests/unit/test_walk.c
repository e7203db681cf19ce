// SPDX-License-Identifier: GPL-2.0
/*
 * Page-table walker tests: page tables are built in a fake guest memory for
 * each paging mode; translations, page sizes and #PF error codes checked.
 */
#include <string.h>
#include <asm/emulate.h>
#include "unit.h"

#define PG 4096ull
#define NPAGES 64
#define P (1ull << 0)
#define W (1ull << 1)
#define U (1ull << 2)
#define PS (1ull << 7)
#define NX (1ull << 63)

#define CR0_PE 1ull
#define CR0_WP (1ull << 16)
#define CR0_PG (1ull << 31)
#define CR4_PSE (1ull << 4)
#define CR4_PAE (1ull << 5)
#define CR4_LA57 (1ull << 12)
#define CR4_SMEP (1ull << 20)
#define CR4_SMAP (1ull << 21)
#define EFER_LME (1ull << 8)
#define EFER_LMA (1ull << 10)
#define EFER_NXE (1ull << 11)

static u8 mem[NPAGES * PG];
static unsigned int next_page;
static int reads;

static int rd(void *opaque, u64 gpa, void *buf, unsigned int size)
{
	reads++;
	if (gpa >= sizeof(mem) || size > sizeof(mem) - gpa)
		return -1;
	memcpy(buf, mem + gpa, size);
	return 0;
}

static void reset(void)
{
	memset(mem, 0, sizeof(mem));
	next_page = 1;
}

static u64 alloc_pt(void)
{
	return (u64)next_page++ * PG;
}

static u64 get64(u64 gpa)
{
	u64 v;

	memcpy(&v, mem + gpa, 8);
	return v;
}

static void set64(u64 gpa, u64 v)
{
	memcpy(mem + gpa, &v, 8);
}

static void set32(u64 gpa, u32 v)
{
	memcpy(mem + gpa, &v, 4);
}

/*
 * Maps la to pa in a 64-bit-entry hierarchy rooted at table (top level
 * `top`), with a leaf at `leaf` (1: 4K, 2: 2M, 3: 1G). New intermediate
 * entries get `upper`. Returns the leaf entry's address.
 */
static u64 map(u64 table, u64 la, unsigned int top, unsigned int leaf, u64 pa,
	       u64 upper, u64 flags)
{
	u64 ea;

	for (unsigned int level = top; level > leaf; level--) {
		u64 e;

		ea = table + ((la >> (12 + 9 * (level - 1))) & 511) * 8;
		e = get64(ea);
		if (!(e & P)) {
			e = alloc_pt() | upper;
			set64(ea, e);
		}
		table = e & 0x000ffffffffff000ull;
	}
	ea = table + ((la >> (12 + 9 * (leaf - 1))) & 511) * 8;
	set64(ea, pa | flags | (leaf > 1 ? PS : 0));
	return ea;
}

/* Address of the entry for la at `level` of a 4-level hierarchy. */
static u64 entry(u64 cr3, u64 la, unsigned int level)
{
	u64 table = cr3;

	for (unsigned int l = 4; l > level; l--)
		table = get64(table + ((la >> (12 + 9 * (l - 1))) & 511) * 8) &
			0x000ffffffffff000ull;
	return table + ((la >> (12 + 9 * (level - 1))) & 511) * 8;
}

static int walk(const struct x86_paging *pg, u64 la, u32 acc,
		struct x86_walk *w)
{
	return x86_walk(pg, la, acc, rd, NULL, w);
}

UNIT_TEST(no_paging)
{
	struct x86_paging pg = { .cr0 = CR0_PE };
	struct x86_walk w;

	reads = 0;
	CHECK_EQ(walk(&pg, 0x123456789ull, X86_PF_W | X86_PF_U, &w), 0);
	CHECK_EQ(w.gpa, 0x23456789);
	CHECK_EQ(reads, 0);
}

UNIT_TEST(legacy_32bit_4k)
{
	struct x86_paging pg = { .cr0 = CR0_PE | CR0_PG };
	struct x86_walk w;
	u64 pd, pt, la = 0x00403123;

	reset();
	pd = alloc_pt();
	pt = alloc_pt();
	pg.cr3 = pd | 0x18; /* PWT/PCD bits are not address bits */
	set32(pd + (la >> 22) * 4, pt | P | W | U);
	set32(pt + ((la >> 12) & 1023) * 4, 0x5000 | P | U);
	CHECK_EQ(walk(&pg, la, 0, &w), 0);
	CHECK_EQ(w.gpa, 0x5123);
	CHECK_EQ(w.page_size, 4096);
	/* Fetches cannot fault for NX here; user reads are fine. */
	CHECK_EQ(walk(&pg, la, X86_PF_I | X86_PF_U, &w), 0);
	/* User write to a read-only page. */
	CHECK_EQ(walk(&pg, la, X86_PF_W | X86_PF_U, &w), -X86_WALK_EPF);
	CHECK_EQ(w.pfec, X86_PF_P | X86_PF_W | X86_PF_U);
	/* Supervisor write: allowed unless CR0.WP. */
	CHECK_EQ(walk(&pg, la, X86_PF_W, &w), 0);
	pg.cr0 |= CR0_WP;
	CHECK_EQ(walk(&pg, la, X86_PF_W, &w), -X86_WALK_EPF);
	CHECK_EQ(w.pfec, X86_PF_P | X86_PF_W);
	/* Supervisor-only page. */
	set32(pt + ((la >> 12) & 1023) * 4, 0x5000 | P | W);
	CHECK_EQ(walk(&pg, la, X86_PF_U, &w), -X86_WALK_EPF);
	CHECK_EQ(w.pfec, X86_PF_P | X86_PF_U);
	/* Not present: P clear; I/D only with SMEP in 32-bit paging, even
	 * with EFER.NXE set. */
	pg.efer = EFER_NXE;
	CHECK_EQ(walk(&pg, la + 0x1000, X86_PF_I, &w), -X86_WALK_EPF);
	CHECK_EQ(w.pfec, 0);
	pg.cr4 |= CR4_SMEP;
	CHECK_EQ(walk(&pg, la + 0x1000, X86_PF_I, &w), -X86_WALK_EPF);
	CHECK_EQ(w.pfec, X86_PF_I);
	CHECK_EQ(walk(&pg, 0x80000000, X86_PF_W | X86_PF_U, &w), -X86_WALK_EPF);
	CHECK_EQ(w.pfec, X86_PF_W | X86_PF_U);
}

UNIT_TEST(legacy_32bit_pse_4m)
{
	struct x86_paging pg = { .cr0 = CR0_PE | CR0_PG,
				 .cr4 = CR4_PSE,
				 .maxphyaddr = 40 };
	struct x86_walk w;
	u64 pd, la = 0x00812345;

	reset();
	pd = alloc_pt();
	pg.cr3 = pd;
	/* PSE-36: PDE bits 20:13 are physical address bits 39:32. */
	set32(pd + (la >> 22) * 4, 0x40000000 | (0x3 << 13) | PS | P | W);
	CHECK_EQ(walk(&pg, la, X86_PF_W, &w), 0);
	CHECK_EQ(w.gpa, 0x340012345ull);
	CHECK_EQ(w.page_size, 4ull << 20);
	/* Bit 21 is reserved. */
	set32(pd + (la >> 22) * 4, 0x40000000 | (1 << 21) | PS | P | W);
	CHECK_EQ(walk(&pg, la, 0, &w), -X86_WALK_EPF);
	CHECK_EQ(w.pfec, X86_PF_P | X86_PF_RSVD);
	/* So are address bits beyond MAXPHYADDR. */
	pg.maxphyaddr = 36;
	set32(pd + (la >> 22) * 4, 0x40000000 | (0x10 << 13) | PS | P | W);
	CHECK_EQ(walk(&pg, la, 0, &w), -X86_WALK_EPF);
	CHECK_EQ(w.pfec, X86_PF_P | X86_PF_RSVD);
	/* Without CR4.PSE, PS is ignored: the PDE points at a page table
	 * (here outside guest memory). */
	pg.cr4 = 0;
	set32(pd + (la >> 22) * 4, 0x40000000 | PS | P | W);
	CHECK_EQ(walk(&pg, la, 0, &w), -X86_WALK_EMEM);
}

UNIT_TEST(pae_paging)
{
	struct x86_paging pg = { .cr0 = CR0_PE | CR0_PG,
				 .cr4 = CR4_PAE,
				 .efer = EFER_NXE };
	struct x86_walk w;
	u64 pdpt, pd, pt, la = 0xc0201234;

	reset();
	pdpt = alloc_pt() + 0x20; /* 32-byte aligned, not page aligned */
	pd = alloc_pt();
	pt = alloc_pt();
	pg.cr3 = pdpt;
	set64(pdpt + 3 * 8, pd | P);
	set64(pd + ((la >> 21) & 511) * 8, pt | P | W | U);
	set64(pt + ((la >> 12) & 511) * 8, 0x7000 | P | W | U | NX);
	CHECK_EQ(walk(&pg, la, X86_PF_W | X86_PF_U, &w), 0);
	CHECK_EQ(w.gpa, 0x7234);
	/* Linear addresses are 32-bit outside long mode. */
	CHECK_EQ(walk(&pg, la | (1ull << 40), 0, &w), 0);
	CHECK_EQ(w.gpa, 0x7234);
	/* NX with EFER.NXE: fetch faults with I/D. */
	CHECK_EQ(walk(&pg, la, X86_PF_I, &w), -X86_WALK_EPF);
	CHECK_EQ(w.pfec, X86_PF_P | X86_PF_I);
	/* Without NXE, bit 63 is reserved. */
	pg.efer = 0;
	CHECK_EQ(walk(&pg, la, 0, &w), -X86_WALK_EPF);
	CHECK_EQ(w.pfec, X86_PF_P | X86_PF_RSVD);
	pg.efer = EFER_NXE;
	/* 2 MiB page. */
	set64(pd + 5 * 8, 0x600000 | PS | P | W);
	CHECK_EQ(walk(&pg, 0xc0a12345, 0, &w), 0);
	CHECK_EQ(w.gpa, 0x612345);
	CHECK_EQ(w.page_size, 2ull << 20);
	/* 2 MiB page with bit 13 set: reserved. */
	set64(pd + 5 * 8, 0x600000 | (1 << 13) | PS | P | W);
	CHECK_EQ(walk(&pg, 0xc0a12345, X86_PF_W, &w), -X86_WALK_EPF);
	CHECK_EQ(w.pfec, X86_PF_P | X86_PF_RSVD | X86_PF_W);
	/* PDPTE: RW is a reserved bit; a missing PDPTE is not present. */
	set64(pdpt + 3 * 8, pd | P | W);
	CHECK_EQ(walk(&pg, la, 0, &w), -X86_WALK_EPF);
	CHECK_EQ(w.pfec, X86_PF_P | X86_PF_RSVD);
	CHECK_EQ(walk(&pg, 0x40000000, X86_PF_I, &w), -X86_WALK_EPF);
	CHECK_EQ(w.pfec, X86_PF_I);
}

UNIT_TEST(long_mode_4level)
{
	struct x86_paging pg = { .cr0 = CR0_PE | CR0_PG | CR0_WP,
				 .cr4 = CR4_PAE,
				 .efer = EFER_LME | EFER_LMA | EFER_NXE };
	struct x86_walk w;
	u64 la4k = 0xffff800000201abcull, la2m = 0x40234567ull;
	u64 la1g = 0x7f8123456789ull, e;

	reset();
	pg.cr3 = alloc_pt();
	map(pg.cr3, la4k, 4, 1, 0xabcd000, P | W | U, P | W);
	map(pg.cr3, la2m, 4, 2, 0x80000000, P | W | U, P | W | U);
	map(pg.cr3, la1g, 4, 3, 0x1c0000000ull, P | W | U, P | U);
	CHECK_EQ(walk(&pg, la4k, X86_PF_W, &w), 0);
	CHECK_EQ(w.gpa, 0xabcdabc);
	CHECK_EQ(w.page_size, 4096);
	CHECK_EQ(walk(&pg, la2m, X86_PF_U | X86_PF_W, &w), 0);
	CHECK_EQ(w.gpa, 0x80034567);
	CHECK_EQ(w.page_size, 2ull << 20);
	CHECK_EQ(walk(&pg, la1g, X86_PF_U, &w), 0);
	CHECK_EQ(w.gpa, 0x1c0000000ull + (la1g & ((1ull << 30) - 1)));
	CHECK_EQ(w.page_size, 1ull << 30);
	/* Read-only 1G page, supervisor write with WP. */
	CHECK_EQ(walk(&pg, la1g, X86_PF_W, &w), -X86_WALK_EPF);
	CHECK_EQ(w.pfec, X86_PF_P | X86_PF_W);
	/* Non-canonical. */
	CHECK_EQ(walk(&pg, 0x0000800000000000ull, 0, &w), -X86_WALK_EGP);
	/* Supervisor-only leaf under user upper levels. */
	CHECK_EQ(walk(&pg, la4k, X86_PF_U, &w), -X86_WALK_EPF);
	CHECK_EQ(w.pfec, X86_PF_P | X86_PF_U);
	/* U clear at the PML4E alone denies user access. */
	e = entry(pg.cr3, la2m, 4);
	set64(e, get64(e) & ~U);
	CHECK_EQ(walk(&pg, la2m, X86_PF_U, &w), -X86_WALK_EPF);
	CHECK_EQ(w.pfec, X86_PF_P | X86_PF_U);
	CHECK_EQ(walk(&pg, la2m, 0, &w), 0);
	set64(e, get64(e) | U);
	/* W clear at the PDPTE denies user writes. */
	e = entry(pg.cr3, la2m, 3);
	set64(e, get64(e) & ~W);
	CHECK_EQ(walk(&pg, la2m, X86_PF_U | X86_PF_W, &w), -X86_WALK_EPF);
	CHECK_EQ(w.pfec, X86_PF_P | X86_PF_W | X86_PF_U);
	set64(e, get64(e) | W);
	/* NX at the PML4E covers everything below. */
	e = entry(pg.cr3, la2m, 4);
	set64(e, get64(e) | NX);
	CHECK_EQ(walk(&pg, la2m, X86_PF_I | X86_PF_U, &w), -X86_WALK_EPF);
	CHECK_EQ(w.pfec, X86_PF_P | X86_PF_I | X86_PF_U);
	set64(e, get64(e) & ~NX);
	/* PS in a PML4E is reserved. */
	set64(e, get64(e) | PS);
	CHECK_EQ(walk(&pg, la2m, 0, &w), -X86_WALK_EPF);
	CHECK_EQ(w.pfec, X86_PF_P | X86_PF_RSVD);
	set64(e, get64(e) & ~PS);
	/* Address bits beyond MAXPHYADDR are reserved. */
	pg.maxphyaddr = 36;
	CHECK_EQ(walk(&pg, la2m, 0, &w), 0);
	e = entry(pg.cr3, la4k, 1);
	set64(e, get64(e) | (1ull << 40));
	CHECK_EQ(walk(&pg, la4k, 0, &w), -X86_WALK_EPF);
	CHECK_EQ(w.pfec, X86_PF_P | X86_PF_RSVD);
	pg.maxphyaddr = 0;
	CHECK_EQ(walk(&pg, la4k, 0, &w), 0);
	CHECK_EQ(w.gpa, 0x1000abcdabcull);
	/* 1G page with bit 13 set. */
	e = entry(pg.cr3, la1g, 3);
	set64(e, get64(e) | (1 << 13));
	CHECK_EQ(walk(&pg, la1g, 0, &w), -X86_WALK_EPF);
	CHECK_EQ(w.pfec, X86_PF_P | X86_PF_RSVD);
	/* Not present at the PT level. */
	CHECK_EQ(walk(&pg, la4k + 0x1000, X86_PF_W, &w), -X86_WALK_EPF);
	CHECK_EQ(w.pfec, X86_PF_W);
	/* A paging structure outside guest memory. */
	e = entry(pg.cr3, la4k, 2);
	set64(e, 0x7ff000000ull | P | W);
	CHECK_EQ(walk(&pg, la4k, 0, &w), -X86_WALK_EMEM);
}

UNIT_TEST(smep_smap)
{
	struct x86_paging pg = { .cr0 = CR0_PE | CR0_PG,
				 .cr4 = CR4_PAE | CR4_SMEP | CR4_SMAP,
				 .efer = EFER_LMA };
	struct x86_walk w;
	u64 la = 0x400000;

	reset();
	pg.cr3 = alloc_pt();
	map(pg.cr3, la, 4, 1, 0x9000, P | W | U, P | W | U);
	/* Supervisor fetch from a user page. */
	CHECK_EQ(walk(&pg, la, X86_PF_I, &w), -X86_WALK_EPF);
	CHECK_EQ(w.pfec, X86_PF_P | X86_PF_I);
	/* Supervisor data access: SMAP unless RFLAGS.AC. */
	CHECK_EQ(walk(&pg, la, X86_PF_W, &w), -X86_WALK_EPF);
	CHECK_EQ(w.pfec, X86_PF_P | X86_PF_W);
	CHECK_EQ(walk(&pg, la, X86_PF_W | X86_ACC_AC, &w), 0);
	/* User accesses are not affected. */
	CHECK_EQ(walk(&pg, la, X86_PF_I | X86_PF_U, &w), 0);
	CHECK_EQ(w.gpa, 0x9000);
}

UNIT_TEST(five_level)
{
	struct x86_paging pg = { .cr0 = CR0_PE | CR0_PG,
				 .cr4 = CR4_PAE | CR4_LA57,
				 .efer = EFER_LMA };
	struct x86_walk w;
	u64 la = 0x0001234500001000ull; /* canonical only with 57 bits */

	reset();
	pg.cr3 = alloc_pt();
	map(pg.cr3, la, 5, 1, 0x3000, P | W, P | W);
	CHECK_EQ(walk(&pg, la + 0x10, 0, &w), 0);
	CHECK_EQ(w.gpa, 0x3010);
	CHECK_EQ(walk(&pg, 0x0100000000000000ull, 0, &w), -X86_WALK_EGP);
	pg.cr4 &= ~CR4_LA57;
	CHECK_EQ(walk(&pg, la, 0, &w), -X86_WALK_EGP);
}

UNIT_TEST(read_linear_across_pages)
{
	struct x86_paging pg = { .cr0 = CR0_PE | CR0_PG,
				 .cr4 = CR4_PAE,
				 .efer = EFER_LMA | EFER_NXE };
	struct x86_walk w;
	u8 buf[16];
	unsigned int done;
	u64 leaf2;

	reset();
	pg.cr3 = alloc_pt();
	map(pg.cr3, 0x401000, 4, 1, 0x8000, P | W, P | W);
	leaf2 = map(pg.cr3, 0x402000, 4, 1, 0x3000, P | W, P | W);
	for (unsigned int i = 0; i < 8; i++) {
		mem[0x8ff8 + i] = 0xa0 + i;
		mem[0x3000 + i] = 0xb0 + i;
	}
	CHECK_EQ(x86_read_linear(&pg, 0x401ff8, buf, 16, X86_PF_I, rd, NULL,
				 &done, &w),
		 0);
	CHECK_EQ(done, 16);
	CHECK_EQ(buf[0], 0xa0);
	CHECK_EQ(buf[7], 0xa7);
	CHECK_EQ(buf[8], 0xb0);
	CHECK_EQ(buf[15], 0xb7);
	/* Second page gone: the first 8 bytes still arrive. */
	set64(leaf2, 0);
	memset(buf, 0, sizeof(buf));
	CHECK_EQ(x86_read_linear(&pg, 0x401ff8, buf, 16, X86_PF_I, rd, NULL,
				 &done, &w),
		 -X86_WALK_EPF);
	CHECK_EQ(done, 8);
	CHECK_EQ(buf[7], 0xa7);
	CHECK_EQ(w.pfec, X86_PF_I);
}

UNIT_MAIN();

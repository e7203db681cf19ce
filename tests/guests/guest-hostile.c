// SPDX-License-Identifier: GPL-2.0
/*
 * A guest that tries to escape: it fills all of its RAM with a pattern
 * (guest-physical 0x200000 and up is where the hypervisor lives on the
 * host), then writes beyond its RAM (up to the APIC pages below 4 GiB),
 * reads everything back, pokes MSRs it must not have, and executes VMRUN.
 * Its own RAM must hold the pattern, everything else must read all-ones,
 * and each forbidden instruction must raise an exception in the guest.
 */
#include "guest.h"

#define LOW_FREE 0x10000u /* above the loader's information block */

static u32 ram_end;
static volatile u32 gp_count, ud_count;

static u32 pattern(u32 addr)
{
	return addr ^ 0x5A5AA5A5u;
}

/* Not checked: the loader's map does not call 640K-1M RAM (it is
 * written all the same). */
static bool legacy_hole(u32 a)
{
	return a >= 0xA0000 && a < 0x100000;
}

static bool own(u32 a)
{
	/* Our image, stack and BSS; the information block below LOW_FREE. */
	return a < LOW_FREE || (a >= (u32)_start_image &&
				a < ((u32)_end + 0xFFF) / 0x1000 * 0x1000);
}

static void fill_ram(void)
{
	u32 bad = 0;

	for (u32 a = LOW_FREE; a < ram_end; a += 4)
		if (!own(a))
			*(volatile u32 *)a = pattern(a);
	for (u32 a = LOW_FREE; a < ram_end; a += 4) {
		if (own(a) || legacy_hole(a))
			continue;
		if (*(volatile u32 *)a != pattern(a) && bad++ < 4)
			printf("# RAM %#x reads %#x\n", a, *(volatile u32 *)a);
	}
	EXPECT_EQ(bad, 0);
	printf("# filled %u KiB of RAM (0x200000 included)\n", ram_end >> 10);
}

/* Addresses past RAM: the first pages, then every 16 MiB, the hypervisor's
 * physical range mirrored above RAM, and the top of 32-bit space. */
static u32 outside(unsigned int i, bool *more)
{
	static const u32 fixed[] = { 0xFEBFF000, 0xFEC00000, 0xFED00000,
				     0xFEE00000, 0xFFFFF000, 0xFFFFFFFC };
	u32 n_pages = 16, n_stride = (0xFE000000u - ram_end) >> 24;

	*more = true;
	if (i < n_pages)
		return ram_end + i * 0x1000;
	i -= n_pages;
	if (i < n_stride)
		return ram_end + 0x1000000 + (i << 24);
	i -= n_stride;
	if (i < ARRAY_SIZE(fixed))
		return fixed[i];
	*more = false;
	return 0;
}

static void beyond_ram(void)
{
	unsigned int count = 0, bad = 0;
	bool more;

	for (unsigned int i = 0;; i++) {
		u32 a = outside(i, &more);

		if (!more)
			break;
		*(volatile u32 *)a = pattern(a);
		count++;
	}
	for (unsigned int i = 0;; i++) {
		u32 a = outside(i, &more), v;

		if (!more)
			break;
		v = *(volatile u32 *)a;
		if (v != 0xFFFFFFFF && bad++ < 4)
			printf("# %#x reads %#x after a write\n", a, v);
	}
	EXPECT_EQ(bad, 0);
	printf("# %u writes outside RAM\n", count);
}

static void ram_intact(void)
{
	u32 bad = 0;

	/* After the stray writes: our RAM still holds exactly the pattern. */
	for (u32 a = LOW_FREE; a < ram_end; a += 4)
		if (!own(a) && !legacy_hole(a) &&
		    *(volatile u32 *)a != pattern(a))
			bad++;
	EXPECT_EQ(bad, 0);
}

static void on_gp(struct frame *f)
{
	gp_count++;
	f->eip += 2; /* rdmsr / wrmsr */
}

static void on_ud(struct frame *f)
{
	ud_count++;
	f->eip += 3; /* vmrun / vmxon-less probes below are 3 bytes */
}

static void rdmsr_gp(u32 msr)
{
	u32 before = gp_count, lo = 0, hi = 0;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	if (gp_count != before + 1)
		printf("# rdmsr %#x: no #GP (read %#x:%#x)\n", msr, hi, lo);
	EXPECT_EQ(gp_count, before + 1);
}

static void wrmsr_gp(u32 msr)
{
	u32 before = gp_count;

	__asm__ volatile("wrmsr" : : "c"(msr), "a"(0x1000), "d"(0));
	if (gp_count != before + 1)
		printf("# wrmsr %#x: no #GP\n", msr);
	EXPECT_EQ(gp_count, before + 1);
}

static void bad_msrs(void)
{
	rdmsr_gp(0x480); /* IA32_VMX_BASIC: VMX is hidden */
	rdmsr_gp(0xC0010117); /* VM_HSAVE_PA: SVM is hidden */
	rdmsr_gp(0x0000DEAD); /* nothing */
	wrmsr_gp(0xC0010117);
	wrmsr_gp(0x480);
	wrmsr_gp(0x0000DEAD);
}

static void virtualization_insns(void)
{
	u32 before = ud_count;

	/* VMRUN (0f 01 d8) with EAX = our own "VMCB": must be #UD. */
	__asm__ volatile("vmrun" : : "a"(0x20000) : "memory");
	EXPECT_EQ(ud_count, before + 1);
}

void guest_main(void)
{
	ram_end = 0x100000 + mb->mem_upper * 1024;
	set_handler(13, on_gp);
	set_handler(6, on_ud);
	printf("# RAM ends at %#x\n", ram_end);
	ktap_plan(5);
	ktap_case("fill_all_ram", fill_ram);
	ktap_case("beyond_ram_reads_all_ones", beyond_ram);
	ktap_case("ram_intact", ram_intact);
	ktap_case("bad_msrs_gp", bad_msrs);
	ktap_case("vmrun_ud", virtualization_insns);
	ktap_done();
}

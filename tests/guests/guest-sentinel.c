// SPDX-License-Identifier: GPL-2.0
/*
 * Isolation from the other side: fill our RAM with a pattern, then check it
 * again and again while the other VMs (guest-hostile among them) run. A
 * byte another VM managed to change fails the test.
 */
#include "guest.h"

#define LOW_FREE 0x10000u
#define WATCH_NS 300000000u /* how long to keep checking */

static u32 ram_end, img_end;

static u32 pattern(u32 a)
{
	return ~a ^ 0x3C3CC3C3u;
}

static bool checked(u32 a)
{
	return a >= LOW_FREE && !(a >= 0xA0000 && a < img_end);
}

static void on_timer(struct frame *f)
{
}

static void fill(void)
{
	for (u32 a = LOW_FREE; a < ram_end; a += 4)
		if (checked(a))
			*(volatile u32 *)a = pattern(a);
}

static u32 verify(void)
{
	u32 bad = 0;

	for (u32 a = LOW_FREE; a < ram_end; a += 4)
		if (checked(a) && *(volatile u32 *)a != pattern(a) && !bad++)
			printf("# %#x changed to %#x\n", a, *(volatile u32 *)a);
	return bad;
}

static void ram_untouched(void)
{
	u32 t0 = hypercall(HC_UPTIME_NS, 0, 0, 0), rounds = 0, bad = 0;

	fill();
	while (hypercall(HC_UPTIME_NS, 0, 0, 0) - t0 < WATCH_NS) {
		bad += verify();
		rounds++;
		/* Sleep 10 ms so the others get the CPUs. */
		hypercall(HC_TIMER_ONESHOT, 10000000, GUEST_TIMER_VECTOR, 0);
		__asm__ volatile("sti; hlt; cli" ::: "memory");
	}
	bad += verify();
	printf("# %u checks of %u KiB\n", rounds + 1, ram_end >> 10);
	EXPECT_EQ(bad, 0);
}

void guest_main(void)
{
	ram_end = 0x100000 + mb->mem_upper * 1024;
	img_end = ((u32)_end + 0xFFF) & ~0xFFFu;
	set_handler(GUEST_TIMER_VECTOR, on_timer);
	ktap_plan(1);
	ktap_case("ram_untouched_by_other_vms", ram_untouched);
	ktap_done();
}

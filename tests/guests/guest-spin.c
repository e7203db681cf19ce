// SPDX-License-Identifier: GPL-2.0
/* Never exits: prints "tick N" every 200 ms (one-shot hypercall timer +
 * HLT), so a profile can drive the monitor while it runs and see a paused
 * VM's ticks stop (tests/profiles/qemu-amd-monitor.profile). */
#include "guest.h"

#define TICK_NS 200000000u

static volatile u32 fired;

static void on_timer(struct frame *f)
{
	fired = 1;
}

void guest_main(void)
{
	set_handler(GUEST_TIMER_VECTOR, on_timer);
	for (u32 n = 0;; n++) {
		printf("tick %u\n", n);
		fired = 0;
		__asm__ volatile("cli");
		hypercall(HC_TIMER_ONESHOT, TICK_NS, GUEST_TIMER_VECTOR, 0);
		/* STI's shadow covers HLT: the interrupt cannot slip in. */
		while (!fired)
			__asm__ volatile("sti; hlt; cli" ::: "memory");
		__asm__ volatile("sti");
	}
}

// SPDX-License-Identifier: GPL-2.0
/* HLT sleeps until an interrupt: a one-shot hypercall timer wakes the vCPU
 * and the guest's handler runs before HLT returns. */
#include "guest.h"

static volatile u32 ticks, tick_eip;

static void on_timer(struct frame *f)
{
	ticks++;
	tick_eip = f->eip;
}

static u64 now(void)
{
	/* Nanoseconds: EAX only, wraps every 4.3 s; deltas are short. */
	return hypercall(HC_UPTIME_NS, 0, 0, 0);
}

static void sleep_once(u32 ns)
{
	u32 t0, dt;

	ticks = 0;
	__asm__ volatile("cli");
	EXPECT_EQ(hypercall(HC_TIMER_ONESHOT, ns, GUEST_TIMER_VECTOR, 0), 0);
	t0 = now();
	/* STI's shadow covers HLT: the interrupt cannot slip in between. */
	while (!ticks)
		__asm__ volatile("sti; hlt; cli" ::: "memory");
	dt = now() - t0;
	__asm__ volatile("sti");
	EXPECT_EQ(ticks, 1);
	EXPECT(dt >= ns / 2); /* slept, not a spurious wake-up */
	if (dt < ns / 2)
		printf("# woke after %u ns, wanted %u\n", dt, ns);
}

static void wake_1ms(void)
{
	sleep_once(1000000);
}

static void wake_20ms(void)
{
	sleep_once(20000000);
}

static void handler_runs_before_hlt_returns(void)
{
	u32 seen;

	ticks = 0;
	__asm__ volatile("cli");
	EXPECT_EQ(hypercall(HC_TIMER_ONESHOT, 2000000, GUEST_TIMER_VECTOR, 0),
		  0);
	/* One HLT only: when it returns the handler must already have run. */
	__asm__ volatile("sti; hlt; cli" ::: "memory");
	seen = ticks;
	__asm__ volatile("sti");
	EXPECT_EQ(seen, 1);
}

static void masked_interrupt_waits(void)
{
	u32 spin = 0;

	ticks = 0;
	__asm__ volatile("cli");
	EXPECT_EQ(hypercall(HC_TIMER_ONESHOT, 1000000, GUEST_TIMER_VECTOR, 0),
		  0);
	/* With IF=0 nothing is delivered, however long we wait. */
	for (u32 t0 = now(); now() - t0 < 5000000; spin++)
		;
	EXPECT_EQ(ticks, 0);
	/* Unmasked, it arrives (at the latest on the next exit). */
	__asm__ volatile("sti" ::: "memory");
	for (u32 t0 = now(); !ticks && now() - t0 < 100000000;)
		;
	EXPECT_EQ(ticks, 1);
	(void)spin;
}

void guest_main(void)
{
	set_handler(GUEST_TIMER_VECTOR, on_timer);
	ktap_plan(4);
	ktap_case("wake_1ms", wake_1ms);
	ktap_case("wake_20ms", wake_20ms);
	ktap_case("handler_runs_before_hlt_returns",
		  handler_runs_before_hlt_returns);
	ktap_case("masked_interrupt_waits", masked_interrupt_waits);
	ktap_done();
}

// SPDX-License-Identifier: GPL-2.0
/* Timer suite: calibration, one-shot and periodic LAPIC timer, delays. */
#include <pv/ktest.h>
#include <asm/apic.h>
#include <asm/cpu.h>
#include <asm/percpu.h>
#include <asm/smp.h>
#include <asm/timer.h>

static void calibrated(struct ktest *t)
{
	ktest_log(t, "TSC %u kHz, LAPIC timer %u kHz", tsc_khz,
		  lapic_timer_khz);
	KTEST_EXPECT(t, tsc_khz >= 100000 && tsc_khz <= 10000000);
	KTEST_EXPECT(t, lapic_timer_khz >= 1000 && lapic_timer_khz <= 5000000);
}

/* Wait (interrupts on) until *p != old or timeout; returns elapsed ns. */
static u64 wait_change(const u64 *p, u64 old, u64 timeout_ns)
{
	u64 start = uptime_ns();

	while (READ_ONCE(*p) == old && uptime_ns() - start < timeout_ns)
		cpu_relax();
	return uptime_ns() - start;
}

static void oneshot_fires(struct ktest *t)
{
	struct percpu *pc = this_cpu();
	u64 flags = irq_save();
	u64 before, elapsed;

	lapic_timer_stop();
	/* Take a tick that was already pending before the timer stopped. */
	irq_enable();
	udelay(100);
	irq_disable();
	before = pc->timer_irqs;
	lapic_timer_oneshot(5000000); /* 5 ms */
	irq_enable();
	elapsed = wait_change(&pc->timer_irqs, before, 1000000000);
	/*
	 * A tick of the stopped periodic timer can still be in flight when
	 * the host is loaded (QEMU raises it late): the one-shot's own
	 * interrupt finds the current count at zero, a stray one does not.
	 */
	if (READ_ONCE(pc->timer_irqs) == before + 1 &&
	    lapic_read(APIC_TIMER_COUNT) != 0) {
		u64 more;

		ktest_log(t, "stray timer interrupt after %llu us, waiting on",
			  (unsigned long long)(elapsed / 1000));
		before++;
		more = wait_change(&pc->timer_irqs, before, 1000000000);
		elapsed += more;
	}
	KTEST_EXPECT_EQ(t, READ_ONCE(pc->timer_irqs), before + 1);
	ktest_log(t, "one-shot of 5 ms fired after %llu us",
		  (unsigned long long)(elapsed / 1000));
	/* Never early (small slack for when the TSC read lands). */
	KTEST_EXPECT(t, elapsed >= 4500000);
	KTEST_EXPECT(t, elapsed < 1000000000);
	/* One-shot: nothing more arrives. */
	mdelay(30);
	KTEST_EXPECT_EQ(t, READ_ONCE(pc->timer_irqs), before + 1);
	KTEST_EXPECT(t, !pc->timer_periodic);
	irq_disable();
	lapic_timer_periodic(TIMER_HZ);
	irq_restore(flags);
}

static void periodic_rate(struct ktest *t)
{
	u64 flags = irq_save();
	u64 ticks0, ticks, ns0, ns, expect;
	u64 ap0[CONFIG_NR_CPUS];

	for (unsigned int c = 0; c < CONFIG_NR_CPUS; c++)
		ap0[c] = cpu_online(c) ? READ_ONCE(percpu_of(c)->timer_ticks)
				       : 0;
	irq_enable();
	ticks0 = READ_ONCE(timer_ticks);
	ns0 = uptime_ns();
	mdelay(300);
	ticks = READ_ONCE(timer_ticks) - ticks0;
	ns = uptime_ns() - ns0;
	irq_restore(flags);

	expect = ns * TIMER_HZ / 1000000000;
	ktest_log(t, "%llu ticks in %llu ms at %u Hz (expected %llu)",
		  (unsigned long long)ticks, (unsigned long long)(ns / 1000000),
		  TIMER_HZ, (unsigned long long)expect);
	KTEST_EXPECT(t, ticks * 2 >= expect && ticks <= expect * 3 / 2 + 1);
	/* Every CPU runs its own tick. */
	for (unsigned int c = 1; c < CONFIG_NR_CPUS; c++) {
		if (!cpu_online(c))
			continue;
		if (!KTEST_EXPECT(t, READ_ONCE(percpu_of(c)->timer_ticks) >
					     ap0[c]))
			ktest_log(t, "CPU %u's tick did not advance", c);
	}
}

static void udelay_monotonic(struct ktest *t)
{
	u64 prev = uptime_ns(), start, d;
	bool mono = true;

	for (int i = 0; i < 1000; i++) {
		u64 now = uptime_ns();

		mono &= now >= prev;
		prev = now;
	}
	KTEST_EXPECT(t, mono);
	for (u64 us = 100; us <= 10000; us *= 10) {
		start = uptime_ns();
		udelay(us);
		d = uptime_ns() - start;
		KTEST_EXPECT(t, d >= us * 1000);
		KTEST_EXPECT(t, d < us * 1000 * 20 + 5000000);
	}
}

static const struct ktest_case timer_cases[] = {
	KTEST_CASE(calibrated),
	KTEST_CASE(oneshot_fires),
	KTEST_CASE(periodic_rate),
	KTEST_CASE(udelay_monotonic),
};
KTEST_SUITE("timer", timer_cases);

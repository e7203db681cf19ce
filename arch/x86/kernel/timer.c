// SPDX-License-Identifier: GPL-2.0
/*
 * Time: the LAPIC timer and the TSC are calibrated against PIT channel 2
 * (gated through port 0x61 and read back, so no PIT interrupt is needed).
 * uptime_ns() and udelay() run on the TSC; the LAPIC timer gives each CPU
 * a periodic tick or a one-shot interrupt.
 */
#include <pv/printk.h>
#include <asm/apic.h>
#include <asm/cpu.h>
#include <asm/cpufeature.h>
#include <asm/io.h>
#include <asm/percpu.h>
#include <asm/timer.h>
#include <asm/traps.h>

#define PIT_HZ 1193182u
#define PIT_CH2 0x42
#define PIT_CMD 0x43
#define PORT_B 0x61
#define PORT_B_GATE2 0x01
#define PORT_B_SPEAKER 0x02

#define CAL_MS 20
#define CAL_RUNS 3 /* median3() */
#define APIC_DIV_16 0x3

u32 lapic_timer_khz;
u32 tsc_khz;
u64 timer_ticks;
static u64 boot_tsc;
/* ns = tsc * tsc_mult >> 32 */
static u64 tsc_mult;

static u32 median3(const u32 v[3])
{
	u32 lo = MIN(v[0], v[1]), hi = MAX(v[0], v[1]);

	return v[2] < lo ? lo : v[2] > hi ? hi : v[2];
}

u64 tsc_to_ns(u64 delta)
{
	return (u64)(((unsigned __int128)delta * tsc_mult) >> 32);
}

u64 uptime_ns(void)
{
	return tsc_to_ns(rdtsc() - boot_tsc);
}

void udelay(u64 us)
{
	u64 start, ticks;

	if (!tsc_khz) {
		/* Before calibration: port 0x80 writes take about 1 us. */
		while (us--)
			io_delay();
		return;
	}
	ticks = us * tsc_khz / 1000;
	start = rdtsc();
	while (rdtsc() - start < ticks)
		cpu_relax();
}

void mdelay(u64 ms)
{
	udelay(ms * 1000);
}

/* Latch channel 2 and read its current count. */
static u16 pit_ch2_count(void)
{
	u8 lo, hi;

	outb(PIT_CMD, 0x80); /* counter latch, channel 2 */
	lo = inb(PIT_CH2);
	hi = inb(PIT_CH2);
	return (u16)(lo | hi << 8);
}

struct cal_sample {
	u16 pit;
	u64 tsc;
	u32 apic;
};

static void sample(struct cal_sample *s)
{
	s->pit = pit_ch2_count();
	s->tsc = rdtsc();
	s->apic = lapic_read(APIC_TIMER_COUNT);
}

/*
 * One window: PIT channel 2 counts down from 0xFFFF (mode 0, gate on via
 * port 0x61); the PIT count, TSC and LAPIC count are sampled together at
 * both ends. Sampling positions instead of waiting for OUT2 keeps a late
 * poll (a descheduled vCPU) from stretching the window. Returns false if
 * the PIT does not count.
 */
static bool calibrate_once(u64 *tsc_delta, u32 *apic_delta, u32 *pit_delta)
{
	const u32 want = PIT_HZ * CAL_MS / 1000;
	struct cal_sample a, b;
	u64 spins = 0;
	u8 port_b = inb(PORT_B);

	outb(PORT_B, (u8)((port_b & ~PORT_B_SPEAKER) | PORT_B_GATE2));
	outb(PIT_CMD, 0xB0); /* channel 2, lo/hi byte, mode 0, binary */
	outb(PIT_CH2, 0xFF);
	outb(PIT_CH2, 0xFF);
	lapic_write(APIC_TIMER_INIT, 0xFFFFFFFF);
	/* Start on a fresh count, after loading has settled. */
	while (pit_ch2_count() > 0xFFF0)
		if (++spins > 10000000)
			return false;
	sample(&a);
	do {
		sample(&b);
		if (++spins > 100000000)
			return false;
	} while ((u32)(a.pit - b.pit) < want || b.pit > a.pit);
	lapic_write(APIC_TIMER_INIT, 0);
	*tsc_delta = b.tsc - a.tsc;
	*apic_delta = a.apic - b.apic;
	*pit_delta = (u32)(a.pit - b.pit);
	return true;
}

static int calibrate(void)
{
	u32 tsc[CAL_RUNS], apic[CAL_RUNS];

	lapic_write(APIC_TIMER_DIV, APIC_DIV_16);
	lapic_write(APIC_LVT_TIMER, APIC_LVT_MASKED);
	for (int i = 0; i < CAL_RUNS; i++) {
		u64 t;
		u32 a, p;

		if (!calibrate_once(&t, &a, &p))
			return -1;
		tsc[i] = (u32)(t * PIT_HZ / p / 1000);
		apic[i] = (u32)((u64)a * PIT_HZ / p / 1000);
	}
	/* The median shrugs off one disturbed window. */
	tsc_khz = median3(tsc);
	lapic_timer_khz = median3(apic);
	return tsc_khz && lapic_timer_khz ? 0 : -1;
}

static void timer_irq(struct trap_frame *tf, void *data)
{
	struct percpu *pc = this_cpu();

	pc->timer_irqs++;
	if (pc->wake_ns && !pc->timer_periodic) {
		/* A timer_wake_at() one-shot: the tick comes back. */
		pc->wake_ns = 0;
		pc->timer_ticks++;
		lapic_timer_periodic(TIMER_HZ);
	} else if (pc->timer_periodic) {
		pc->timer_ticks++;
		if (pc->cpu_id == 0)
			WRITE_ONCE(timer_ticks, timer_ticks + 1);
	}
}

void lapic_timer_periodic(u32 hz)
{
	u32 init = (u32)((u64)lapic_timer_khz * 1000 / hz);
	struct percpu *pc = this_cpu();

	lapic_write(APIC_TIMER_INIT, 0);
	lapic_write(APIC_TIMER_DIV, APIC_DIV_16);
	pc->timer_periodic = true;
	lapic_write(APIC_LVT_TIMER, APIC_TIMER_VECTOR | APIC_LVT_PERIODIC);
	lapic_write(APIC_TIMER_INIT, init ? init : 1);
}

void lapic_timer_oneshot(u64 ns)
{
	u64 count = ns * lapic_timer_khz / 1000000;

	if (count == 0)
		count = 1;
	if (count > 0xFFFFFFFF)
		count = 0xFFFFFFFF;
	lapic_write(APIC_TIMER_INIT, 0);
	this_cpu()->timer_periodic = false;
	lapic_write(APIC_TIMER_DIV, APIC_DIV_16);
	lapic_write(APIC_LVT_TIMER, APIC_TIMER_VECTOR);
	lapic_write(APIC_TIMER_INIT, (u32)count);
}

void timer_wake_at(u64 ns)
{
	struct percpu *pc = this_cpu();
	u64 now;

	if (!ns || ns == pc->wake_ns)
		return;
	now = uptime_ns();
	if (ns > now + 1000000000ull / TIMER_HZ)
		return;
	pc->wake_ns = ns;
	lapic_timer_oneshot(ns > now ? ns - now : 1);
}

void lapic_timer_stop(void)
{
	lapic_write(APIC_LVT_TIMER, APIC_LVT_MASKED);
	lapic_write(APIC_TIMER_INIT, 0);
	this_cpu()->timer_periodic = false;
}

void timer_init_cpu(void)
{
	lapic_timer_periodic(TIMER_HZ);
}

int timer_init(void)
{
	u64 flags = irq_save();
	int ret = calibrate();

	irq_restore(flags);
	if (ret) {
		pr_err("timer: PIT calibration failed; assuming a 1 GHz TSC and 62.5 MHz LAPIC timer\n");
		tsc_khz = 1000000;
		lapic_timer_khz = 62500;
	}
	tsc_mult = (1000000ull << 32) / tsc_khz;
	boot_tsc = rdtsc();
	irq_register(APIC_TIMER_VECTOR, timer_irq, NULL);
	pr_info("timer: LAPIC timer %u kHz, TSC %u MHz%s\n", lapic_timer_khz,
		tsc_khz / 1000, cpu.tsc_invariant ? " (invariant)" : "");
	timer_init_cpu();
	return ret;
}

/* SPDX-License-Identifier: GPL-2.0 */
/* LAPIC timer (calibrated against the PIT), TSC time base, delays. */
#ifndef ASM_TIMER_H
#define ASM_TIMER_H

#include <pv/types.h>

/* Periodic tick rate on every CPU. */
#define TIMER_HZ 100

/* LAPIC timer input rate after the divider, and the TSC rate. */
extern u32 lapic_timer_khz;
extern u32 tsc_khz;
/* Periodic ticks taken by the boot CPU since timer_init(). */
extern u64 timer_ticks;

/* Boot CPU: calibrate against PIT channel 2, start the periodic tick. */
int timer_init(void);
/* Application processors: start this CPU's periodic tick. */
void timer_init_cpu(void);

void lapic_timer_periodic(u32 hz);
/* One interrupt after ns nanoseconds (replaces the periodic tick). */
void lapic_timer_oneshot(u64 ns);
void lapic_timer_stop(void);
/* Interrupts off: make sure this CPU takes a timer interrupt by uptime
 * ns (guest timers). A one-shot stands in for the periodic tick until it
 * fires; requests later than the next tick wait for the tick. */
void timer_wake_at(u64 ns);

/* Nanoseconds since timer_init(), from the TSC. */
u64 uptime_ns(void);
u64 tsc_to_ns(u64 tsc_delta);
/* Busy-wait; usable with interrupts off. */
void udelay(u64 us);
void mdelay(u64 ms);

#endif

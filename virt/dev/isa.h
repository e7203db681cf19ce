/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the legacy ISA models (PIC, PIT, RTC, 16550): their
 * lock, and conversions between vclock nanoseconds and the ticks of a
 * device clock (1.193182 MHz, 32.768 kHz) without 128-bit division.
 */
#ifndef VIRT_DEV_ISA_H
#define VIRT_DEV_ISA_H

#include <pv/types.h>
#include <asm/spinlock.h>

#define NSEC_PER_SEC 1000000000ull

/* Host unit tests run these models in a user process, where cli/sti
 * fault: there the lock is a plain spinlock. */
static inline u64 isa_lock(spinlock_t *l)
{
#ifdef HOST_UNIT_TEST
	spin_lock(l);
	return 0;
#else
	return spin_lock_irqsave(l);
#endif
}

static inline void isa_unlock(spinlock_t *l, u64 flags)
{
#ifdef HOST_UNIT_TEST
	(void)flags;
	spin_unlock(l);
#else
	spin_unlock_irqrestore(l, flags);
#endif
}

/* Whole ticks of a hz clock in ns nanoseconds (rounded down). */
static inline u64 ns_to_ticks(u64 ns, u64 hz)
{
	return (ns / NSEC_PER_SEC) * hz +
	       (ns % NSEC_PER_SEC) * hz / NSEC_PER_SEC;
}

/* The first nanosecond at which ticks ticks have elapsed (rounded up),
 * so that ns_to_ticks(ticks_to_ns(t)) == t. */
static inline u64 ticks_to_ns(u64 ticks, u64 hz)
{
	return (ticks / hz) * NSEC_PER_SEC +
	       ((ticks % hz) * NSEC_PER_SEC + hz - 1) / hz;
}

#endif

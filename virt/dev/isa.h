/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the legacy models (PIT, RTC, ACPI PM timer):
 * conversions between vclock nanoseconds and the ticks of a device clock
 * (1.193182 MHz, 32.768 kHz, 3.579545 MHz) without 128-bit division.
 */
#ifndef VIRT_DEV_ISA_H
#define VIRT_DEV_ISA_H

#include <pv/types.h>
#include <asm/spinlock.h>

#define NSEC_PER_SEC 1000000000ull

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

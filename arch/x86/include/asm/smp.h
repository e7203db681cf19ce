/* SPDX-License-Identifier: GPL-2.0 */
/* Application processor start-up and cross-CPU function calls. */
#ifndef ASM_SMP_H
#define ASM_SMP_H

/* Parameter block at the end of the AP trampoline (trampoline.S). */
#define TR_STARTED 0 /* u32, set by the AP in real mode */
#define TR_EFER 4 /* u32 */
#define TR_BOOT_CR3 8 /* u32: boot_pml4, identity-maps the low page */
#define TR_CR0 16
#define TR_CR4 24
#define TR_KERNEL_CR3 32
#define TR_STACK 40
#define TR_PERCPU 48
#define TR_PARAMS_SIZE 56

#ifndef __ASSEMBLY__
#include <pv/types.h>

/* Start every enabled CPU in the MADT (up to CONFIG_NR_CPUS). */
int smp_init(void);

/* CPUs the MADT lists that this build may run (min with NR_CPUS). */
extern unsigned int smp_cpus_expected;

/*
 * Run fn(arg) on cpu: directly on the calling CPU, else in the target's
 * handler for IPI_CALL_VECTOR (interrupts off there; the target must have
 * them on to take it, as idle CPUs do). With wait, return after fn
 * finished; without, once the target has taken the call. Returns -1 if
 * cpu is not online. Two CPUs calling each other with interrupts off
 * would deadlock.
 */
int smp_call_function(unsigned int cpu, void (*fn)(void *), void *arg,
		      bool wait);

bool cpu_online(unsigned int cpu);

/* Run by every AP's idle loop after each wake-up, interrupts on (virt/
 * runs vCPUs from here: never inside an IPI handler). */
extern void (*idle_work)(void);

#endif
#endif

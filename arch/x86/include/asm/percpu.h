/* SPDX-License-Identifier: GPL-2.0 */
/* Per-CPU data: GS base points at the running CPU's struct percpu. */
#ifndef ASM_PERCPU_H
#define ASM_PERCPU_H

#include <pv/types.h>
#include <asm/spinlock.h>

enum cpu_state { CPU_OFFLINE, CPU_BOOTING, CPU_ONLINE, CPU_STOPPED };

struct percpu {
	struct percpu *self; /* at %gs:0, so this_cpu() is one load */
	unsigned int cpu_id; /* dense, 0 = boot CPU */
	u32 apic_id;
	int state; /* enum cpu_state, written with atomics */
	void *stack; /* lowest address; NULL for the boot CPU */
	u64 stack_top;
	void *ist; /* 3 * IST_STACK_SIZE for gdt_init_cpu() */
	u64 timer_ticks; /* periodic LAPIC timer interrupts on this CPU */
	u64 timer_irqs; /* every LAPIC timer interrupt, one-shots too */
	bool timer_periodic;
	u64 wake_ns; /* timer_wake_at() one-shot armed for, 0 = none */

	/* One smp_call_function() slot, run by the CPU's idle loop. */
	spinlock_t call_lock; /* held by the sender until the call is taken */
	void (*call_fn)(void *arg);
	void *call_arg;
	u32 call_req, call_taken, call_done;
};

extern struct percpu *percpu_areas[CONFIG_NR_CPUS];
extern unsigned int nr_cpus_online;

static inline struct percpu *this_cpu(void)
{
	struct percpu *p;

	__asm__ __volatile__("movq %%gs:0, %0" : "=r"(p));
	return p;
}

static inline unsigned int smp_processor_id(void)
{
	return this_cpu()->cpu_id;
}

static inline struct percpu *percpu_of(unsigned int cpu)
{
	return cpu < CONFIG_NR_CPUS ? percpu_areas[cpu] : NULL;
}

/* Zeroed area for cpu, registered in percpu_areas[]; NULL if no memory. */
struct percpu *percpu_alloc(unsigned int cpu);
/* Point this CPU's GS base at pc. */
void percpu_install(struct percpu *pc);
/* The boot CPU's area (static: usable before the heap). */
void percpu_init_bsp(void);

#endif

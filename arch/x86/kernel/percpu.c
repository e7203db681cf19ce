// SPDX-License-Identifier: GPL-2.0
/* Per-CPU areas and the GS base that finds them. */
#include <pv/heap.h>
#include <asm/cpu.h>
#include <asm/percpu.h>
#include <asm/traps.h>

struct percpu *percpu_areas[CONFIG_NR_CPUS];
unsigned int nr_cpus_online;

static struct percpu bsp_area;

struct percpu *percpu_alloc(unsigned int cpu)
{
	struct percpu *pc;

	if (cpu >= CONFIG_NR_CPUS)
		return NULL;
	if (percpu_areas[cpu])
		return percpu_areas[cpu];
	pc = cpu ? kzalloc(sizeof(*pc)) : &bsp_area;
	if (!pc)
		return NULL;
	pc->self = pc;
	pc->cpu_id = cpu;
	pc->call_lock = (spinlock_t)SPINLOCK_INIT;
	percpu_areas[cpu] = pc;
	return pc;
}

void percpu_install(struct percpu *pc)
{
	wrmsr(MSR_GS_BASE, (u64)(uintptr_t)pc);
}

void percpu_init_bsp(void)
{
	struct percpu *pc = percpu_alloc(0);

	pc->state = CPU_ONLINE;
	percpu_install(pc);
	nr_cpus_online = 1;
}

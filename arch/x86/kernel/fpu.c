// SPDX-License-Identifier: GPL-2.0
/* Lazy switching of guest x87/SSE state between vCPUs (see asm/fpu.h). */
#include <pv/string.h>
#include <asm/cpu.h>
#include <asm/fpu.h>
#include <asm/percpu.h>
#include <asm/smp.h>

/* Whose state each CPU's registers hold. */
static struct guest_fpu *owner[CONFIG_NR_CPUS];

void fpu_cpu_init(void)
{
	write_cr4(read_cr4() | CR4_OSFXSR);
}

void guest_fpu_init(struct guest_fpu *f)
{
	memset(f->area, 0, sizeof(f->area));
	f->area[0] = 0x7F; /* FCW = 0x037F */
	f->area[1] = 0x03;
	f->area[24] = 0x80; /* MXCSR = 0x1F80 */
	f->area[25] = 0x1F;
	f->cpu = -1;
}

static void save_here(void *arg)
{
	struct guest_fpu *f = arg;
	unsigned int cpu = smp_processor_id();

	if (owner[cpu] != f)
		return;
	__asm__ __volatile__("fxsave64 %0" : "=m"(f->area));
	owner[cpu] = NULL;
	WRITE_ONCE(f->cpu, -1);
}

void guest_fpu_put(struct guest_fpu *f)
{
	int cpu = READ_ONCE(f->cpu);

	if (cpu >= 0)
		smp_call_function((unsigned int)cpu, save_here, f, true);
}

void guest_fpu_switch(struct guest_fpu *f)
{
	unsigned int cpu = smp_processor_id();
	struct guest_fpu *prev = owner[cpu];

	if (prev == f)
		return;
	/* Live on another CPU (the vCPU moved): fetch it from there first. */
	if (READ_ONCE(f->cpu) >= 0)
		guest_fpu_put(f);
	if (prev) {
		__asm__ __volatile__("fxsave64 %0" : "=m"(prev->area));
		WRITE_ONCE(prev->cpu, -1);
	}
	__asm__ __volatile__("fxrstor64 %0" : : "m"(f->area));
	owner[cpu] = f;
	WRITE_ONCE(f->cpu, (int)cpu);
}

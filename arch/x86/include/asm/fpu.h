/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest x87/SSE state. The hypervisor itself never touches these registers
 * (-mno-sse, -mgeneral-regs-only), so they belong to one guest vCPU per
 * physical CPU at a time and are saved only when another vCPU runs there
 * (lazy switching, shared by the SVM and VMX backends).
 */
#ifndef ASM_FPU_H
#define ASM_FPU_H

#include <pv/types.h>
#include <asm/percpu.h>

struct guest_fpu {
	u8 area[512] __aligned(16); /* FXSAVE image while not live */
	int cpu; /* CPU whose registers hold the state, or -1 */
};

/* Set CR4.OSFXSR so FXSAVE/FXRSTOR cover XMM (each CPU, at boot). */
void fpu_cpu_init(void);
/* The state after INIT: FCW 0x37F, MXCSR 0x1F80, everything else 0. */
void guest_fpu_init(struct guest_fpu *f);
void guest_fpu_switch(struct guest_fpu *f);

/* Make f live on this CPU (before entering the guest). Inline: on the
 * exit fast path f is nearly always live here already. */
static inline void guest_fpu_load(struct guest_fpu *f)
{
	if (likely(READ_ONCE(f->cpu) == (int)smp_processor_id()))
		return;
	guest_fpu_switch(f);
}
/* Save f back to memory wherever it is live (before migration or
 * destruction). Call with interrupts enabled. */
void guest_fpu_put(struct guest_fpu *f);

#endif

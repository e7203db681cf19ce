// SPDX-License-Identifier: GPL-2.0
/* The boot vCPU's first state: what the loader computed, in flat 32-bit
 * protected mode (vcpu_set_flat32 programs the segments). */
#include <pv/loader.h>
#include <pv/virt.h>

void loader_enter(struct vcpu *v, const struct boot_state *bs)
{
	vcpu_set_flat32(v, bs->entry, 0);
	v->regs.gpr[X86_RAX] = bs->eax;
	v->regs.gpr[X86_RBX] = bs->ebx;
}

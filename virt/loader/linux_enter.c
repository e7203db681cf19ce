// SPDX-License-Identifier: GPL-2.0
/* The boot vCPU of a Linux guest: the 64-bit entry state linux_load built
 * (long mode, paging on, RSI = boot_params, interrupts off). */
#include <pv/loader.h>
#include <pv/virt.h>

void linux_enter(struct vcpu *v, const struct linux_entry *e)
{
	struct vcpu_sregs s;

	linux_entry_sregs(e, &s);
	vcpu_ops->set_sregs(v, &s);
	for (unsigned int i = 0; i < X86_NR_GPRS; i++)
		v->regs.gpr[i] = 0;
	v->regs.gpr[X86_RSI] = e->rsi;
	v->regs.gpr[X86_RSP] = e->rsp;
	v->regs.rip = e->rip;
	v->regs.rflags = e->rflags;
}

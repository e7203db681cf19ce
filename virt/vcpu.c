// SPDX-License-Identifier: GPL-2.0
/* The chosen backend, exit names, event injection, entry-state helpers. */
#include <pv/printk.h>
#include "virt.h"

const struct vcpu_vendor_ops *vcpu_ops;

static const char *const exit_names[EXIT_NR] = {
	[EXIT_NONE] = "none",
	[EXIT_CPUID] = "cpuid",
	[EXIT_RDMSR] = "rdmsr",
	[EXIT_WRMSR] = "wrmsr",
	[EXIT_IO] = "io",
	[EXIT_HLT] = "hlt",
	[EXIT_NPF] = "npf",
	[EXIT_HYPERCALL] = "hypercall",
	[EXIT_EXTINT] = "extint",
	[EXIT_NMI] = "nmi",
	[EXIT_INTR_WINDOW] = "intr-window",
	[EXIT_SHUTDOWN] = "shutdown",
	[EXIT_EXCEPTION] = "exception",
	[EXIT_INIT] = "init",
	[EXIT_SIPI] = "sipi",
	[EXIT_INVALID] = "invalid",
	[EXIT_OTHER] = "other",
};

const char *vcpu_exit_name(enum vcpu_exit_reason r)
{
	if ((unsigned int)r >= EXIT_NR || !exit_names[r])
		return "?";
	return exit_names[r];
}

void vcpu_inject_irq(struct vcpu *v, u8 vector)
{
	struct vcpu_priv *vp = to_vp(v);
	u64 f;

	if (vector < 32)
		return;
	f = spin_lock_irqsave(&vp->lock);
	vp->irq_pending[vector / 64] |= 1ull << (vector % 64);
	spin_unlock_irqrestore(&vp->lock, f);
	sched_kick(v);
}

void vcpu_inject_exception(struct vcpu *v, u8 vector, bool has_error, u32 error)
{
	struct vcpu_priv *vp = to_vp(v);
	u64 f = spin_lock_irqsave(&vp->lock);

	/* A second exception before the first is delivered: the first one
	 * wins (the guest re-executes and raises the second again). */
	if (!vp->exc.pending)
		vp->exc = (struct vcpu_event){ .pending = true,
					       .type = EVENT_EXCEPTION,
					       .vector = vector,
					       .has_error = has_error,
					       .error = error };
	spin_unlock_irqrestore(&vp->lock, f);
}

static void flat_seg(struct vcpu_seg *s, u16 sel, u16 type)
{
	*s = (struct vcpu_seg){ .sel = sel,
				.attr = (u16)(type | SEG_ATTR_S | SEG_ATTR_P |
					      SEG_ATTR_DB | SEG_ATTR_G),
				.limit = 0xFFFFFFFF,
				.base = 0 };
}

void vcpu_set_flat32(struct vcpu *v, u32 eip, u32 esp)
{
	struct vcpu_sregs s;

	vcpu_ops->get_sregs(v, &s);
	s.cr0 = 0x11; /* PE, ET */
	s.cr2 = 0;
	s.cr3 = 0;
	s.cr4 = 0;
	s.efer = 0;
	flat_seg(&s.cs, 0x08, 0xB); /* execute/read, accessed */
	flat_seg(&s.ds, 0x10, 0x3); /* read/write, accessed */
	s.es = s.ds;
	s.fs = s.ds;
	s.gs = s.ds;
	s.ss = s.ds;
	/* A busy 32-bit TSS and no LDT: what VM entry checks demand. */
	s.tr = (struct vcpu_seg){ .sel = 0,
				  .attr = 0x8B | SEG_ATTR_P,
				  .limit = 0x67 };
	s.ldtr = (struct vcpu_seg){ .attr = 0x82 | SEG_ATTR_P,
				    .limit = 0xFFFF,
				    .unusable = true };
	s.gdtr = (struct vcpu_dtable){ 0, 0 };
	s.idtr = (struct vcpu_dtable){ 0, 0 };
	vcpu_ops->set_sregs(v, &s);
	for (unsigned int i = 0; i < X86_NR_GPRS; i++)
		v->regs.gpr[i] = 0;
	v->regs.gpr[X86_RSP] = esp;
	v->regs.rip = eip;
	v->regs.rflags = 0x2;
}

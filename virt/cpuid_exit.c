// SPDX-License-Identifier: GPL-2.0
/* CPUID and MSR exits: the policies of cpuid.c/msr.c applied to a vCPU. */
#include <asm/cpu.h>
#include <asm/cpufeature.h>
#include "virt.h"

static struct cpuid_out host_cpuid(u32 leaf, u32 subleaf)
{
	struct cpuid_regs r = cpuid(leaf, subleaf);

	return (struct cpuid_out){ r.eax, r.ebx, r.ecx, r.edx };
}

void handle_cpuid(struct vcpu_priv *vp, const struct vcpu_exit *e)
{
	struct vcpu *v = &vp->v;
	struct cpuid_ctx c = { host_cpuid, v->id, v->vm->nr_vcpus,
			       v->vm->plat != NULL };
	struct cpuid_out o;
	u64 *g = v->regs.gpr;

	if (!cpuid_policy(&c, (u32)g[X86_RAX], (u32)g[X86_RCX], &o))
		__atomic_fetch_add(&v->vm->stats.cpuid_unknown_leaves, 1,
				   __ATOMIC_RELAXED);
	g[X86_RAX] = o.eax;
	g[X86_RBX] = o.ebx;
	g[X86_RCX] = o.ecx;
	g[X86_RDX] = o.edx;
	vcpu_skip_insn(v, e, 2);
}

/* EFER, FS.base and GS.base are vendor guest state. */
static int sregs_msr(struct vcpu *v, u32 msr, bool wr, u64 *val)
{
	struct vcpu_sregs s;

	vcpu_ops->get_sregs(v, &s);
	switch (msr) {
	case MSR_IA32_EFER:
		if (!wr) {
			*val = s.efer & EFER_GUEST_BITS;
			return 0;
		}
		if (msr_efer_check(*val, cpu.nx))
			return -1;
		/* LMA is the CPU's to set; vendor bits (SVME) are kept. */
		s.efer = (s.efer & ~EFER_GUEST_BITS) |
			 (*val & (EFER_GUEST_BITS & ~EFER_LMA)) |
			 (s.efer & EFER_LMA);
		break;
	case MSR_IA32_FS_BASE:
	case MSR_IA32_GS_BASE: {
		struct vcpu_seg *seg = msr == MSR_IA32_FS_BASE ? &s.fs : &s.gs;

		if (!wr) {
			*val = seg->base;
			return 0;
		}
		if ((u64)((s64)(*val << 16) >> 16) != *val)
			return -1;
		seg->base = *val;
		break;
	}
	default: return 1;
	}
	vcpu_ops->set_sregs(v, &s);
	return 0;
}

void handle_msr(struct vcpu_priv *vp, const struct vcpu_exit *e, bool wr)
{
	struct vcpu *v = &vp->v;
	u64 *g = v->regs.gpr;
	u32 msr = (u32)g[X86_RCX];
	u64 val = (g[X86_RDX] << 32) | (u32)g[X86_RAX];
	int r;

	if (v->vm->plat && lapic_msr_owned(msr))
		r = wr ? lapic_wrmsr(vcpu_lapic(v), msr, val)
		       : lapic_rdmsr(vcpu_lapic(v), msr, &val);
	else
		r = sregs_msr(v, msr, wr, &val);
	if (r > 0)
		r = wr ? msr_policy_write(&vp->msr, msr, val)
		       : msr_policy_read(&vp->msr, msr,
					 rdtsc() + (u64)v->vm->tsc_offset,
					 &val);
	if (r) {
		__atomic_fetch_add(&v->vm->stats.msr_gp, 1, __ATOMIC_RELAXED);
		vcpu_inject_exception(v, 13, true, 0);
		return;
	}
	if (!wr) {
		g[X86_RAX] = (u32)val;
		g[X86_RDX] = val >> 32;
	}
	vcpu_skip_insn(v, e, 2);
}

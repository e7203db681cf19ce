// SPDX-License-Identifier: GPL-2.0
/* Exit dispatch and the small handlers (HLT, interrupts, shutdown). */
#include <asm/cpu.h>
#include <asm/timer.h>
#include "virt.h"

#define SLICE_NS 10000000ull /* one 100 Hz tick */

void vcpu_skip_insn(struct vcpu *v, const struct vcpu_exit *e, u8 dflt)
{
	v->regs.rip += e->insn_len ? e->insn_len : dflt;
}

/*
 * HLT sleeps until an interrupt is pending. With RFLAGS.IF clear nothing
 * can wake a bare VM (no NMI source): a real CPU would hang forever, so
 * the VM is stopped with a reason instead, which is more useful.
 */
bool handle_hlt(struct vcpu_priv *vp, const struct vcpu_exit *e)
{
	struct vcpu *v = &vp->v;

	vcpu_skip_insn(v, e, 1);
	/* A platform VM can be woken by NMI or INIT (CPUs parked at
	 * shutdown wait like that), so it just sleeps. */
	if (!(v->regs.rflags & RFLAGS_IF) && !vp->exc.pending && !v->vm->plat) {
		vm_stop(v->vm, VM_STOP_ERROR, 0,
			"vCPU %u halted with interrupts disabled at RIP %#llx",
			v->id, (unsigned long long)v->regs.rip - 1);
		return false;
	}
	WRITE_ONCE(v->state, VCPU_HALTED);
	return false; /* the scheduler wakes it when an event is pending */
}

static void reflect_exception(struct vcpu *v, const struct vcpu_exit *e)
{
	if (e->exc.vector == 14) {
		struct vcpu_sregs s;

		vcpu_ops->get_sregs(v, &s);
		s.cr2 = e->exc.cr2;
		vcpu_ops->set_sregs(v, &s);
	}
	vcpu_inject_exception(v, e->exc.vector, e->exc.has_error, e->exc.error);
}

bool handle_exit(struct vcpu_priv *vp, struct vcpu_exit *e)
{
	struct vcpu *v = &vp->v;
	struct vm *vm = v->vm;
	unsigned long long rip = v->regs.rip;

	switch (e->reason) {
	case EXIT_CPUID: handle_cpuid(vp, e); return true;
	case EXIT_RDMSR:
	case EXIT_WRMSR:
		handle_msr(vp, e, e->reason == EXIT_WRMSR);
		return true;
	case EXIT_IO: handle_io(vp, e); return true;
	case EXIT_HLT: return handle_hlt(vp, e);
	case EXIT_NPF: handle_npf(vp, e); return true;
	case EXIT_HYPERCALL: return handle_hypercall(vp, e);
	case EXIT_EXTINT:
	case EXIT_NMI:
		/* The host already took it; a tick may end the slice. */
		return uptime_ns() - vp->slice_start < SLICE_NS;
	case EXIT_INTR_WINDOW:
		return true; /* prepare_events() injects at the next entry */
	case EXIT_EXCEPTION: reflect_exception(v, e); return true;
	case EXIT_INIT:
	case EXIT_SIPI: return true; /* no guest APs are started this way yet */
	case EXIT_SHUTDOWN:
		vm_stop(vm, VM_STOP_SHUTDOWN, 0,
			"triple fault on vCPU %u at RIP %#llx", v->id, rip);
		return false;
	case EXIT_INVALID:
		vm_stop(vm, VM_STOP_ERROR, 0,
			"CPU refused the guest state (vendor code %#llx), RIP %#llx",
			(unsigned long long)e->hw_code, rip);
		return false;
	default:
		vm_stop(vm, VM_STOP_ERROR, 0,
			"unhandled exit %s (vendor code %#llx) at RIP %#llx",
			vcpu_exit_name(e->reason),
			(unsigned long long)e->hw_code, rip);
		return false;
	}
}

// SPDX-License-Identifier: GPL-2.0
/*
 * The SVM run loop: one VMRUN per call, event injection and the interrupt
 * window on the way in, #VMEXIT codes into struct vcpu_exit on the way
 * out. The common case (same CPU, nothing to inject) takes a short path:
 * the svm ktest suite reports its cost (cpuid round trip).
 */
#include <pv/string.h>
#include <pv/vm.h>
#include <asm/cpu.h>
#include <asm/cpufeature.h>
#include <asm/percpu.h>
#include <asm/traps.h>
#include "svm.h"

/* svm_entry.S; its register convention lets this caller save only what
 * it needs across the run. */
static inline void enter_guest(struct svm_vcpu *sv)
{
	__asm__ __volatile__("call svm_vmrun"
			     : "+D"(sv)
			     :
			     : "rax", "rbx", "rcx", "rdx", "rsi", "r8", "r9",
			       "r10", "r11", "r12", "r13", "r14", "r15",
			       "memory", "cc");
}

static inline void clgi(void)
{
	__asm__ __volatile__("clgi" ::: "memory");
}

static inline void stgi(void)
{
	__asm__ __volatile__("stgi" ::: "memory");
}

/*
 * EVENTINJ for v->event. Without nRIP a software interrupt pushes the
 * VMCB's RIP as its return address: the core moves RIP past INT n first.
 */
static u64 event_inj(struct vcpu_event *e)
{
	static const u8 type[] = {
		[EVENT_EXTINT] = EVTINJ_TYPE_INTR,
		[EVENT_NMI] = EVTINJ_TYPE_NMI,
		[EVENT_EXCEPTION] = EVTINJ_TYPE_EXC,
		[EVENT_SOFTINT] = EVTINJ_TYPE_SOFT,
	};
	u64 inj = e->vector | EVTINJ_VALID;

	inj |= (u64)type[e->type & 3] << EVTINJ_TYPE_SHIFT;
	if (e->type == EVENT_NMI)
		inj = (inj & ~EVTINJ_VEC_MASK) | X86_NMI;
	if (e->has_error)
		inj |= EVTINJ_EV | ((u64)e->error << 32);
	e->pending = false;
	return inj;
}

/*
 * An event whose delivery the exit interrupted goes back to v->event so
 * it is delivered at the next entry. Software interrupts and INT3/INTO
 * are not re-injected: RIP still points at the instruction, which runs
 * again.
 */
static __noinline void requeue_event(struct vcpu *v, u64 info)
{
	unsigned int t = (info & EVTINJ_TYPE_MASK) >> EVTINJ_TYPE_SHIFT;
	u8 vec = info & EVTINJ_VEC_MASK;
	struct vcpu_event *e = &v->event;

	if (!(info & EVTINJ_VALID) || t == EVTINJ_TYPE_SOFT ||
	    (t == EVTINJ_TYPE_EXC && (vec == X86_BP || vec == X86_OF)))
		return;
	e->pending = true;
	e->vector = vec;
	e->type = t == EVTINJ_TYPE_INTR	 ? EVENT_EXTINT
		  : t == EVTINJ_TYPE_NMI ? EVENT_NMI
					 : EVENT_EXCEPTION;
	e->has_error = info & EVTINJ_EV;
	e->error = info >> 32;
}

static bool exc_has_error(unsigned int vec)
{
	return vec == X86_DF || (vec >= X86_TS && vec <= X86_PF) ||
	       vec == X86_AC || vec == X86_CP;
}

/* Exits that carry nothing but a reason and, for an instruction with a
 * fixed encoding, its length. */
static const struct {
	u8 reason, len;
} simple_exits[SVM_EXIT_VMMCALL + 1] = {
	[SVM_EXIT_INTR] = { EXIT_EXTINT, 0 },
	[SVM_EXIT_NMI] = { EXIT_NMI, 0 },
	[SVM_EXIT_INIT] = { EXIT_INIT, 0 },
	[SVM_EXIT_CPUID] = { EXIT_CPUID, 2 },
	[SVM_EXIT_HLT] = { EXIT_HLT, 1 },
	[SVM_EXIT_SHUTDOWN] = { EXIT_SHUTDOWN, 0 },
	[SVM_EXIT_VMMCALL] = { EXIT_HYPERCALL, 3 },
};

/* With nRIP saved by the CPU, the exiting instruction's real length
 * (prefixes included). */
static u8 nrip_len(const struct vmcb *vmcb, u8 len)
{
	u64 n = vmcb->c.next_rip - vmcb->s.rip;

	return n && n <= 15 ? n : len;
}

static u8 fixed_len(const struct vmcb *vmcb, u8 len)
{
	return svm_caps.nrip ? nrip_len(vmcb, len) : len;
}

static __noinline void decode_other(struct svm_vcpu *sv, struct vcpu_exit *ex)
{
	struct vmcb *vmcb = sv->vmcb;
	u64 code = vmcb->c.exit_code, i1 = vmcb->c.exit_info1;

	switch (code) {
	case SVM_EXIT_VINTR:
		/* Disarm: the next entry arms it again if still wanted, so
		 * the request holds whatever the CPU did with V_IRQ. */
		ex->reason = EXIT_INTR_WINDOW;
		sv->window = false;
		vmcb->c.v_intr = V_INTR_MASKING;
		vmcb->c.intercept3 &= ~INTERCEPT_VINTR;
		break;
	case SVM_EXIT_MSR:
		ex->reason = i1 ? EXIT_WRMSR : EXIT_RDMSR;
		ex->insn_len = fixed_len(vmcb, 2);
		break;
	case SVM_EXIT_IOIO:
		ex->reason = EXIT_IO;
		ex->insn_len = vmcb->c.exit_info2 - vmcb->s.rip;
		ex->io.port = i1 >> IOIO_PORT_SHIFT;
		ex->io.size = (i1 >> IOIO_SZ_SHIFT) & 7;
		ex->io.in = i1 & IOIO_IN;
		ex->io.string = i1 & IOIO_STR;
		ex->io.rep = i1 & IOIO_REP;
		break;
	case SVM_EXIT_NPF:
		ex->reason = EXIT_NPF;
		ex->npf.gpa = vmcb->c.exit_info2;
		ex->npf.write = i1 & NPF_WRITE;
		ex->npf.fetch = i1 & NPF_FETCH;
		ex->npf.read = !ex->npf.write && !ex->npf.fetch;
		ex->npf.translation = i1 & NPF_FINAL;
		break;
	case SVM_EXIT_INVLPGA:
	case SVM_EXIT_VMRUN:
	case SVM_EXIT_VMLOAD:
	case SVM_EXIT_VMSAVE:
	case SVM_EXIT_STGI:
	case SVM_EXIT_CLGI:
	case SVM_EXIT_SKINIT:
		/* The guest has no SVM (CPUID says so and EFER.SVME reads
		 * 0): on such a CPU these raise #UD, so the core reflects one. */
		ex->reason = EXIT_EXCEPTION;
		ex->exc.vector = 6;
		ex->exc.has_error = false;
		ex->exc.error = 0;
		break;
	default:
		if (code >= SVM_EXIT_EXC_BASE &&
		    code < SVM_EXIT_EXC_BASE + 32) {
			ex->reason = EXIT_EXCEPTION;
			ex->exc.vector = code - SVM_EXIT_EXC_BASE;
			ex->exc.has_error = exc_has_error(ex->exc.vector);
			ex->exc.error = ex->exc.has_error ? (u32)i1 : 0;
			ex->exc.cr2 = vmcb->c.exit_info2;
		} else {
			ex->reason = EXIT_OTHER;
		}
		break;
	}
}

static inline void decode_exit(struct svm_vcpu *sv, struct vcpu_exit *ex)
{
	struct vmcb *vmcb = sv->vmcb;
	u64 code = vmcb->c.exit_code;

	ex->hw_code = code;
	if (likely(code < ARRAY_SIZE(simple_exits) &&
		   simple_exits[code].reason)) {
		ex->reason = simple_exits[code].reason;
		ex->insn_len = simple_exits[code].len;
		if (unlikely(svm_caps.nrip) && ex->insn_len)
			ex->insn_len = nrip_len(vmcb, ex->insn_len);
		return;
	}
	ex->insn_len = 0;
	decode_other(sv, ex);
}

/*
 * Everything an entry rarely needs: enabling this CPU, TLB flushes, event
 * injection, the interrupt window, keeping state VMRUN may refuse. Runs
 * with GIF=0. Returns -1 if this CPU cannot run guests.
 */
static __noinline int prepare_slow(struct vcpu *v, struct svm_vcpu *sv, int cpu)
{
	struct vmcb *vmcb = sv->vmcb;
	struct svm_s2 *s2 = v->vm->s2;
	u32 gen = READ_ONCE(s2->gen);

	if (unlikely(!svm_cpus[cpu].enabled) && svm_cpu_enable())
		return -1;
	sv->host_pa = svm_cpus[cpu].host_vmcb_pa;
	if (sv->last_cpu != cpu || sv->s2_gen != gen || s2->asid_shared) {
		/* No flush-by-ASID under QEMU: flush everything when this
		 * vCPU's translations on this CPU may be stale. */
		vmcb->c.tlb_control = svm_caps.flush_by_asid
					      ? TLB_CONTROL_FLUSH_ASID
					      : TLB_CONTROL_FLUSH_ALL;
		/* The shared ASID stays on this path: it flushes every time. */
		sv->last_cpu = s2->asid_shared ? -1 : cpu;
		sv->s2_gen = gen;
	}
	if (v->event.pending)
		vmcb->c.event_inj = event_inj(&v->event);
	if (v->want_intr_window != sv->window) {
		/* A virtual interrupt nobody takes: VINTR exits as soon as
		 * the guest could take it. */
		sv->window = v->want_intr_window;
		if (sv->window) {
			vmcb->c.v_intr = V_INTR_MASKING | V_IRQ | V_IGN_TPR |
					 (0xFull << V_INTR_PRIO_SHIFT);
			vmcb->c.intercept3 |= INTERCEPT_VINTR;
		} else {
			vmcb->c.v_intr = V_INTR_MASKING;
			vmcb->c.intercept3 &= ~INTERCEPT_VINTR;
		}
	}
	if (sv->state_unproven)
		memcpy(sv->save_copy, &vmcb->s, SVM_SAVE_COPY);
	return 0;
}

static __noinline int refused(struct vcpu *v, struct svm_vcpu *sv,
			      struct vcpu_exit *ex)
{
	struct vmcb *vmcb = sv->vmcb;

	/* The guest did not run: its state is what it was. */
	if (sv->state_unproven)
		memcpy(&vmcb->s, sv->save_copy, SVM_SAVE_COPY);
	if (vmcb->c.event_inj & EVTINJ_VALID)
		v->event.pending = true; /* not delivered */
	vmcb->c.event_inj = 0;
	vmcb->c.tlb_control = TLB_CONTROL_NONE;
	sv->last_cpu = -1;
	ex->reason = EXIT_INVALID;
	ex->hw_code = vmcb->c.exit_code;
	ex->insn_len = 0;
	return -1;
}

int svm_vcpu_run(struct vcpu *v, struct vcpu_exit *ex)
{
	struct svm_vcpu *sv = v->vendor;
	struct vmcb *vmcb = sv->vmcb;
	int cpu;

	cpu = smp_processor_id();
	if (unlikely(sv->fpu.cpu != cpu))
		guest_fpu_switch(&sv->fpu);
	/* GIF=0 holds interrupts and NMIs until STGI, whatever IF says;
	 * the caller's RFLAGS.IF decides whether they end the guest run. */
	clgi();
	if (unlikely(sv->last_cpu != cpu ||
		     sv->s2_gen != READ_ONCE(*sv->s2_genp) ||
		     v->event.pending || v->want_intr_window != sv->window)) {
		if (prepare_slow(v, sv, cpu)) {
			/* This CPU cannot run guests; nothing was touched. */
			stgi();
			ex->reason = EXIT_INVALID;
			ex->hw_code = SVM_EXIT_INVALID;
			ex->insn_len = 0;
			return -1;
		}
	}
	vmcb->s.rax = v->regs.gpr[X86_RAX];
	vmcb->s.rsp = v->regs.gpr[X86_RSP];
	vmcb->s.rip = v->regs.rip;
	vmcb->s.rflags = v->regs.rflags;

	enter_guest(sv);
	stgi(); /* an interrupt that ended the run is handled here */

	if (unlikely((u32)vmcb->c.exit_code == SVM_EXIT_INVALID))
		return refused(v, sv, ex);
	vmcb->c.tlb_control = TLB_CONTROL_NONE;
	vmcb->c.event_inj = 0;
	sv->state_unproven = false;
	v->regs.gpr[X86_RAX] = vmcb->s.rax;
	v->regs.gpr[X86_RSP] = vmcb->s.rsp;
	v->regs.rip = vmcb->s.rip;
	v->regs.rflags = vmcb->s.rflags;
	v->exits++;
	if (unlikely(vmcb->c.exit_int_info & EVTINJ_VALID))
		requeue_event(v, vmcb->c.exit_int_info);
	decode_exit(sv, ex);
	return 0;
}

bool svm_intr_allowed(struct vcpu *v)
{
	struct svm_vcpu *sv = v->vendor;

	return (v->regs.rflags & RFLAGS_IF) &&
	       !(sv->vmcb->c.int_state & INT_SHADOW) && !v->event.pending;
}

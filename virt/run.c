// SPDX-License-Identifier: GPL-2.0
/*
 * The vCPU run loop: event injection, entry, exit accounting, dispatch.
 *
 * Interrupts come from one of two sources. A bare VM (test guests) has a
 * 256-bit pending set fed by vcpu_inject_irq and its one-shot hypercall
 * timer. A VM with the PC platform (vm->plat) has a local APIC per vCPU,
 * and vCPU 0 also takes the PIC's INTR through LINT0. NMI, INIT and SIPI
 * requests may come from any CPU; they are flags applied here, on the
 * vCPU's own CPU, where its VMCB/VMCS may be touched.
 */
#include <pv/string.h>
#include <asm/cpu.h>
#include <asm/timer.h>
#include "virt.h"

static int highest_irq(const struct vcpu_priv *vp)
{
	for (int i = 3; i >= 0; i--)
		if (vp->irq_pending[i])
			return i * 64 + 63 -
			       __builtin_clzll(vp->irq_pending[i]);
	return -1;
}

static bool pic_wants(struct vcpu *v)
{
	struct vplat *p = v->vm->plat;

	return v->id == 0 && p->pic && lapic_accepts_pic(p->lapic[0]) &&
	       vpic_has_intr(p->pic);
}

/* A maskable interrupt is waiting (the guest may not take it yet). */
static bool intr_waiting(struct vcpu_priv *vp)
{
	struct vcpu *v = &vp->v;

	if (!v->vm->plat)
		return highest_irq(vp) >= 0;
	return lapic_pending_vector(vcpu_lapic(v)) >= 0 || pic_wants(v);
}

bool vcpu_irq_pending(struct vcpu_priv *vp)
{
	if (vp->exc.pending || READ_ONCE(vp->nmi_pending) ||
	    READ_ONCE(vp->init_pending))
		return true;
	/* Halted with interrupts off: only NMI/INIT wake a platform vCPU. */
	if (vp->v.vm->plat && !(vp->v.regs.rflags & RFLAGS_IF))
		return false;
	return intr_waiting(vp);
}

/* An expired HC_TIMER_ONESHOT becomes a pending interrupt. */
static void timer_check(struct vcpu_priv *vp)
{
	u64 dl = READ_ONCE(vp->timer_deadline);

	if (dl && uptime_ns() >= dl) {
		u64 f = spin_lock_irqsave(&vp->lock);

		vp->timer_deadline = 0;
		vp->irq_pending[vp->timer_vector / 64] |=
			1ull << (vp->timer_vector % 64);
		spin_unlock_irqrestore(&vp->lock, f);
	}
	vtimers_run(vp);
}

bool vcpu_ready(struct vcpu_priv *vp)
{
	if (READ_ONCE(vp->v.vm->state) != VM_RUNNING)
		return false;
	switch (READ_ONCE(vp->v.state)) {
	case VCPU_RUNNABLE: return true;
	case VCPU_HALTED:
		timer_check(vp);
		if (!vcpu_irq_pending(vp))
			return false;
		WRITE_ONCE(vp->v.state, VCPU_RUNNABLE);
		return true;
	case VCPU_STOPPED:
		/* An AP waiting for its start-up IPI. */
		return READ_ONCE(vp->sipi_vector) >= 0;
	}
	return false;
}

/* ---- services for the platform models (any CPU) ------------------- */

void vcpu_kick(struct vcpu *v)
{
	sched_kick(v);
}

void vcpu_deliver_nmi(struct vcpu *v)
{
	WRITE_ONCE(to_vp(v)->nmi_pending, true);
	sched_kick(v);
}

void vcpu_deliver_init(struct vcpu *v)
{
	struct vcpu_priv *vp = to_vp(v);

	WRITE_ONCE(vp->sipi_vector, -1); /* a start-up IPI must follow */
	WRITE_ONCE(vp->init_pending, true);
	sched_kick(v);
}

void vcpu_deliver_sipi(struct vcpu *v, u8 vector)
{
	struct vcpu_priv *vp = to_vp(v);

	/* Only a vCPU waiting for SIPI (or about to, after INIT) takes it. */
	if (READ_ONCE(v->state) == VCPU_STOPPED || READ_ONCE(vp->init_pending))
		WRITE_ONCE(vp->sipi_vector, vector);
	sched_kick(v);
}

static void seg_real(struct vcpu_seg *s, u16 sel, u16 attr)
{
	*s = (struct vcpu_seg){
		.sel = sel, .attr = attr, .limit = 0xFFFF, .base = (u64)sel << 4
	};
}

/* The state after INIT + SIPI: real mode at vector << 12, as an AP
 * starts (SDM "MP initialization"). */
static void apply_sipi(struct vcpu_priv *vp, u8 vector)
{
	struct vcpu *v = &vp->v;
	struct vcpu_sregs s;

	vcpu_ops->get_sregs(v, &s);
	s.cr0 = 0x60000010; /* CD NW ET */
	s.cr2 = s.cr3 = s.cr4 = s.efer = 0;
	seg_real(&s.cs, (u16)(vector << 8), 0x9B);
	seg_real(&s.ds, 0, 0x93);
	seg_real(&s.es, 0, 0x93);
	seg_real(&s.fs, 0, 0x93);
	seg_real(&s.gs, 0, 0x93);
	seg_real(&s.ss, 0, 0x93);
	seg_real(&s.tr, 0, 0x8B);
	seg_real(&s.ldtr, 0, 0x82);
	s.gdtr = (struct vcpu_dtable){ 0, 0xFFFF };
	s.idtr = (struct vcpu_dtable){ 0, 0xFFFF };
	vcpu_ops->set_sregs(v, &s);
	memset(&v->regs, 0, sizeof(v->regs));
	v->regs.rip = 0;
	v->regs.rflags = 2;
	v->event.pending = false;
	vp->exc.pending = false;
	WRITE_ONCE(v->state, VCPU_RUNNABLE);
}

/* INIT/SIPI on the vCPU's own CPU. Returns false if it must not run. */
static bool apply_init_sipi(struct vcpu_priv *vp)
{
	struct vcpu *v = &vp->v;
	int sipi;

	if (READ_ONCE(vp->init_pending)) {
		WRITE_ONCE(vp->init_pending, false);
		/* The LAPIC did its own INIT reset when it took the
		 * message (x2APIC mode survives it, per the SDM). */
		WRITE_ONCE(v->state, VCPU_STOPPED);
	}
	sipi = READ_ONCE(vp->sipi_vector);
	if (v->state == VCPU_STOPPED && sipi >= 0) {
		WRITE_ONCE(vp->sipi_vector, -1);
		apply_sipi(vp, (u8)sipi);
	}
	return v->state != VCPU_STOPPED;
}

/* Platform VMs: NMI, then the LAPIC's highest deliverable vector, then
 * (vCPU 0) the PIC through LINT0. */
static void prepare_platform(struct vcpu_priv *vp)
{
	struct vcpu *v = &vp->v;
	struct lapic *l = vcpu_lapic(v);
	int vec;

	if (!v->event.pending && READ_ONCE(vp->nmi_pending)) {
		WRITE_ONCE(vp->nmi_pending, false);
		v->event = (struct vcpu_event){ .pending = true,
						.type = EVENT_NMI,
						.vector = 2 };
	}
	if (!v->event.pending && vcpu_ops->intr_allowed(v)) {
		vec = lapic_pending_vector(l);
		if (vec >= 0) {
			lapic_ack_vector(l, (u8)vec);
		} else if (pic_wants(v)) {
			vec = vpic_ack(v->vm->plat->pic);
		}
		if (vec >= 0)
			v->event = (struct vcpu_event){ .pending = true,
							.type = EVENT_EXTINT,
							.vector = (u8)vec };
	}
	v->want_intr_window = intr_waiting(vp);
}

/* Exceptions first, then the highest pending interrupt vector if the
 * guest can take it now, else ask for an interrupt-window exit. */
static void prepare_events(struct vcpu_priv *vp)
{
	struct vcpu *v = &vp->v;
	u64 f = spin_lock_irqsave(&vp->lock);
	int vec;

	if (!v->event.pending && vp->exc.pending) {
		v->event = vp->exc;
		vp->exc.pending = false;
	}
	if (v->vm->plat) {
		spin_unlock_irqrestore(&vp->lock, f);
		prepare_platform(vp);
		return;
	}
	vec = highest_irq(vp);
	if (vec >= 0 && !v->event.pending && vcpu_ops->intr_allowed(v)) {
		v->event = (struct vcpu_event){ .pending = true,
						.type = EVENT_EXTINT,
						.vector = (u8)vec };
		vp->irq_pending[vec / 64] &= ~(1ull << (vec % 64));
		vec = highest_irq(vp);
	}
	v->want_intr_window = vec >= 0;
	spin_unlock_irqrestore(&vp->lock, f);
}

/* Wake this CPU for the vCPU's earliest device timer while it runs. */
static void arm_timers(struct vcpu_priv *vp)
{
	u64 next = vtimers_next(vp);

	if (next) {
		u64 f = irq_save();

		timer_wake_at(next);
		irq_restore(f);
	}
}

void vcpu_run_slice(struct vcpu_priv *vp)
{
	struct vcpu *v = &vp->v;
	struct vm *vm = v->vm;
	struct vcpu_exit e;

	vp->slice_start = uptime_ns();
	vp->yield = false;
	if (!apply_init_sipi(vp))
		return;
	WRITE_ONCE(v->state, VCPU_RUNNING);
	while (READ_ONCE(vm->state) == VM_RUNNING) {
		if (unlikely(READ_ONCE(vp->init_pending)) &&
		    !apply_init_sipi(vp))
			return;
		timer_check(vp);
		prepare_events(vp);
		arm_timers(vp);
		memset(&e, 0, sizeof(e));
		if (vcpu_ops->vcpu_run(v, &e))
			e.reason = EXIT_INVALID;
		/* v->exits is the backend's count; the VM's is by reason. */
		if ((unsigned int)e.reason >= EXIT_NR)
			e.reason = EXIT_OTHER;
		__atomic_fetch_add(&vm->stats.exits[e.reason], 1,
				   __ATOMIC_RELAXED);
		if (!handle_exit(vp, &e))
			break;
	}
	if (READ_ONCE(v->state) == VCPU_RUNNING)
		WRITE_ONCE(v->state, VCPU_RUNNABLE);
}

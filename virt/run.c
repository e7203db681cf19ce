// SPDX-License-Identifier: GPL-2.0
/* The vCPU run loop: event injection, entry, exit accounting, dispatch. */
#include <pv/string.h>
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

bool vcpu_irq_pending(struct vcpu_priv *vp)
{
	return highest_irq(vp) >= 0 || vp->exc.pending;
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
	}
	return false;
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

void vcpu_run_slice(struct vcpu_priv *vp)
{
	struct vcpu *v = &vp->v;
	struct vm *vm = v->vm;
	struct vcpu_exit e;

	vp->slice_start = uptime_ns();
	vp->yield = false;
	WRITE_ONCE(v->state, VCPU_RUNNING);
	while (READ_ONCE(vm->state) == VM_RUNNING) {
		timer_check(vp);
		prepare_events(vp);
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

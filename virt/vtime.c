// SPDX-License-Identifier: GPL-2.0
/*
 * Guest time and device timers. Guest time is host time (uptime_ns, the
 * host TSC with no offset), so device models compute counters from
 * vclock_ns() instead of ticking. A vtimer is owned by one vCPU and fires
 * on that vCPU's physical CPU from the run loop; the CPU is woken for the
 * earliest deadline of the vCPUs it runs (timer_wake_at).
 */
#include <asm/cpu.h>
#include <asm/timer.h>
#include "virt.h"

u64 vclock_ns(void)
{
	return uptime_ns();
}

u64 vclock_tsc(struct vm *vm)
{
	return rdtsc() + (u64)vm->tsc_offset;
}

u64 vclock_tsc_to_ns(struct vm *vm, u64 guest_tsc)
{
	u64 tsc = guest_tsc - (u64)vm->tsc_offset;
	u64 now_tsc = rdtsc(), now = uptime_ns(), d;

	if (tsc >= now_tsc)
		return now + tsc_to_ns(tsc - now_tsc);
	d = tsc_to_ns(now_tsc - tsc);
	return d < now ? now - d : 0;
}

int vtimer_init(struct vtimer *t, struct vcpu *owner,
		void (*fire)(struct vtimer *t, u64 now), void *data)
{
	struct vcpu_priv *vp = to_vp(owner);
	u64 f;
	int ret = -1;

	t->deadline = 0;
	t->fire = fire;
	t->owner = owner;
	t->data = data;
	f = spin_lock_irqsave(&vp->lock);
	if (vp->nr_timers < VTIMER_PER_VCPU) {
		vp->timers[vp->nr_timers++] = t;
		ret = 0;
	}
	spin_unlock_irqrestore(&vp->lock, f);
	return ret;
}

void vtimer_arm(struct vtimer *t, u64 deadline)
{
	__atomic_store_n(&t->deadline, deadline ? deadline : 1,
			 __ATOMIC_RELEASE);
	/* The owner re-arms its CPU's wake-up at its next look. */
	if (current_vcpu() != t->owner)
		vcpu_kick(t->owner);
}

void vtimer_cancel(struct vtimer *t)
{
	__atomic_store_n(&t->deadline, 0, __ATOMIC_RELEASE);
}

void vtimers_run(struct vcpu_priv *vp)
{
	unsigned int n = READ_ONCE(vp->nr_timers);
	u64 now = 0;

	for (unsigned int i = 0; i < n; i++) {
		struct vtimer *t = vp->timers[i];
		u64 d = __atomic_load_n(&t->deadline, __ATOMIC_ACQUIRE);

		if (!d)
			continue;
		if (!now)
			now = vclock_ns();
		/* Claim it: a concurrent re-arm wins over this firing. */
		if (d <= now && __atomic_compare_exchange_n(
					&t->deadline, &d, 0, false,
					__ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
			t->fire(t, now);
	}
}

u64 vtimers_next(struct vcpu_priv *vp)
{
	unsigned int n = READ_ONCE(vp->nr_timers);
	u64 next = 0;

	for (unsigned int i = 0; i < n; i++) {
		u64 d = __atomic_load_n(&vp->timers[i]->deadline,
					__ATOMIC_ACQUIRE);

		if (d && (!next || d < next))
			next = d;
	}
	return next;
}

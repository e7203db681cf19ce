// SPDX-License-Identifier: GPL-2.0
/*
 * Placement of vCPUs on physical CPUs and the per-CPU run queues. A vCPU
 * stays on the CPU it was placed on (its VMCS/VMCB never migrates). The
 * least loaded application processor gets the next vCPU; the boot CPU only
 * when there is no AP with the backend enabled. vCPUs sharing a CPU take
 * turns: a vCPU leaves its CPU when it halts, yields, its VM pauses or
 * stops, or at the first host interrupt (the 100 Hz tick) after its slice.
 */
#include <pv/printk.h>
#include <asm/apic.h>
#include <asm/percpu.h>
#include <asm/smp.h>
#include <asm/timer.h>
#include <asm/traps.h>
#include "virt.h"

struct sched_cpu {
	spinlock_t lock;
	struct list_head rq; /* vcpu_priv.rq, all vCPUs placed here */
	struct vcpu_priv *cur; /* running now (written under lock) */
	unsigned int nr;
	bool enabled; /* the backend is enabled on this CPU */
};

static struct sched_cpu sched[CONFIG_NR_CPUS];
static int kick_vector = -1;

static void kick_irq(struct trap_frame *tf, void *data)
{
	/* Nothing to do: the interrupt itself made the guest exit or the
	 * idle CPU leave hlt. */
}

void sched_init(void)
{
	for (unsigned int c = 0; c < CONFIG_NR_CPUS; c++)
		INIT_LIST_HEAD(&sched[c].rq);
	kick_vector = irq_alloc_vector();
	if (kick_vector < 0 ||
	    irq_register((unsigned int)kick_vector, kick_irq, NULL)) {
		pr_warn("virt: no vector for vCPU kicks; wake-ups wait for the tick\n");
		kick_vector = -1;
	}
}

void sched_cpu_enabled(unsigned int cpu)
{
	sched[cpu].enabled = true;
}

bool sched_cpu_has_vcpus(unsigned int cpu)
{
	return READ_ONCE(sched[cpu].nr) != 0;
}

/* vCPUs of VMs that are not stopped: those still compete for the CPU. */
static unsigned int load(struct sched_cpu *sc)
{
	unsigned int n = 0;
	struct vcpu_priv *vp;
	u64 f = spin_lock_irqsave(&sc->lock);

	list_for_each_entry(vp, &sc->rq, rq)
		if (READ_ONCE(vp->v.vm->state) != VM_STOPPED)
			n++;
	spin_unlock_irqrestore(&sc->lock, f);
	return n;
}

static int pick_cpu(void)
{
	unsigned int best_load = 0;
	int best = -1;

	for (unsigned int c = 1; c < CONFIG_NR_CPUS; c++) {
		unsigned int l;

		if (!sched[c].enabled || !cpu_online(c))
			continue;
		l = load(&sched[c]);
		if (best < 0 || l < best_load) {
			best = (int)c;
			best_load = l;
		}
	}
	if (best < 0 && sched[0].enabled)
		best = 0;
	return best;
}

void sched_place(struct vcpu *v)
{
	struct vcpu_priv *vp = to_vp(v);
	struct sched_cpu *sc;
	int cpu;
	u64 f;

	if (v->pcpu >= 0) {
		sched_kick(v);
		return;
	}
	cpu = pick_cpu();
	if (cpu < 0) {
		vm_stop(v->vm, VM_STOP_ERROR, 0,
			"no CPU has the virtualization backend enabled");
		return;
	}
	sc = &sched[cpu];
	f = spin_lock_irqsave(&sc->lock);
	v->pcpu = cpu;
	list_add_tail(&vp->rq, &sc->rq);
	sc->nr++;
	spin_unlock_irqrestore(&sc->lock, f);
	pr_info("vm %s: vCPU %u on CPU %d\n", v->vm->name, v->id, cpu);
	sched_kick(v);
}

void sched_remove(struct vcpu *v)
{
	struct sched_cpu *sc;
	u64 f;

	if (v->pcpu < 0)
		return;
	sc = &sched[v->pcpu];
	f = spin_lock_irqsave(&sc->lock);
	list_del(&to_vp(v)->rq);
	sc->nr--;
	v->pcpu = -1;
	spin_unlock_irqrestore(&sc->lock, f);
}

void sched_quiesce(struct vm *vm)
{
	for (unsigned int c = 0; c < CONFIG_NR_CPUS; c++) {
		struct sched_cpu *sc = &sched[c];

		if (!sc->enabled)
			continue;
		for (;;) {
			u64 f = spin_lock_irqsave(&sc->lock);
			struct vcpu_priv *cur = sc->cur;

			spin_unlock_irqrestore(&sc->lock, f);
			if (!cur || cur->v.vm != vm)
				break;
			cpu_relax();
		}
	}
}

struct vcpu *current_vcpu(void)
{
	struct vcpu_priv *vp = READ_ONCE(sched[smp_processor_id()].cur);

	return vp ? &vp->v : NULL;
}

void sched_kick(struct vcpu *v)
{
	int cpu = READ_ONCE(v->pcpu);
	struct percpu *pc;

	if (cpu < 0 || (unsigned int)cpu == smp_processor_id() ||
	    kick_vector < 0)
		return;
	pc = percpu_of((unsigned int)cpu);
	if (pc && cpu_online((unsigned int)cpu))
		lapic_ipi_fixed(pc->apic_id, (u8)kick_vector);
}

/* Nothing is ready: wake this CPU for the earliest device timer of the
 * vCPUs waiting here (lock held, interrupts off). */
static void arm_wakeup(struct sched_cpu *sc)
{
	struct vcpu_priv *it;
	u64 next = 0;

	list_for_each_entry(it, &sc->rq, rq) {
		u64 d = vtimers_next(it);

		if (d && (!next || d < next))
			next = d;
	}
	timer_wake_at(next);
}

bool sched_run_local(bool once)
{
	struct sched_cpu *sc = &sched[smp_processor_id()];
	bool ran = false;

	if (!READ_ONCE(sc->nr))
		return false;
	for (;;) {
		struct vcpu_priv *vp = NULL, *it;
		u64 f = spin_lock_irqsave(&sc->lock);

		list_for_each_entry(it, &sc->rq, rq)
			if (vcpu_ready(it)) {
				vp = it;
				break;
			}
		if (vp) {
			/* Round robin: the chosen one goes to the back. */
			list_move_tail(&vp->rq, &sc->rq);
			sc->cur = vp;
		}
		if (!vp)
			arm_wakeup(sc);
		spin_unlock_irqrestore(&sc->lock, f);
		if (!vp)
			return ran;
		vcpu_run_slice(vp);
		f = spin_lock_irqsave(&sc->lock);
		sc->cur = NULL;
		spin_unlock_irqrestore(&sc->lock, f);
		ran = true;
		if (once)
			return true;
	}
}

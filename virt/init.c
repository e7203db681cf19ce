// SPDX-License-Identifier: GPL-2.0
/* Bring-up: the backend on every CPU, the AP idle hook, the boot CPU loop. */
#include <pv/printk.h>
#include <asm/cpu.h>
#include <asm/percpu.h>
#include <asm/smp.h>
#include "virt.h"

static bool ready;

struct enable_result {
	int rc;
};

static void enable_here(void *arg)
{
	((struct enable_result *)arg)->rc = vcpu_ops->cpu_enable();
}

/* Application processors run their vCPUs from the idle loop, with
 * interrupts on, after every wake-up. */
static void ap_idle_work(void)
{
	sched_run_local(false);
}

bool virt_ready(void)
{
	return ready;
}

int virt_init(void)
{
	unsigned int ok = 0, bad = 0;

	if (!vcpu_ops)
		return 0;
	sched_init();
	for (unsigned int c = 0; c < CONFIG_NR_CPUS; c++) {
		struct enable_result r = { -1 };

		if (!cpu_online(c) && c != 0)
			continue;
		if (c == smp_processor_id())
			enable_here(&r);
		else if (smp_call_function(c, enable_here, &r, true))
			continue;
		if (r.rc) {
			pr_err("virt: %s could not be enabled on CPU %u (error %d); it runs no vCPUs\n",
			       vcpu_ops->name, c, r.rc);
			bad++;
			continue;
		}
		sched_cpu_enabled(c);
		ok++;
	}
	if (!ok) {
		pr_err("virt: %s enabled on no CPU: VMs cannot run\n",
		       vcpu_ops->name);
		return (int)bad;
	}
	idle_work = ap_idle_work;
	ready = true;
	pr_info("virt: %s enabled on %u CPU%s%s\n", vcpu_ops->name, ok,
		ok == 1 ? "" : "s", bad ? " (some failed, see above)" : "");
	return (int)bad;
}

static void any_vm(struct vm *vm, void *arg)
{
	*(bool *)arg = true;
}

void virt_idle(void)
{
	bool summary = false;

	irq_enable();
	for (;;) {
		bool have = false;

		/* Runs (or sleeps) 10 ms; returns at once when no VM runs. */
		if (vm_wait_all(10) == 0) {
			vm_for_each(any_vm, &have);
			if (have && !summary) {
				vm_print_summary();
				summary = true;
			}
			monitor_poll();
			halt();
		} else {
			summary = false;
			monitor_poll();
		}
	}
}

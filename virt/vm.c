// SPDX-License-Identifier: GPL-2.0
/* VM objects: creation, lifecycle, the list of VMs. */
#include <pv/heap.h>
#include <pv/printf.h>
#include <pv/printk.h>
#include <pv/string.h>
#include <asm/cpu.h>
#include <asm/percpu.h>
#include <asm/timer.h>
#include "virt.h"

spinlock_t vm_list_lock = SPINLOCK_INIT;
LIST_HEAD(vm_list);
static unsigned int next_vm_id;

const char *vm_state_name(int state)
{
	static const char *const n[] = { "created", "running", "paused",
					 "stopped" };

	return (unsigned int)state < ARRAY_SIZE(n) ? n[state] : "?";
}

const char *vm_stop_reason_name(int reason)
{
	static const char *const n[] = { "none", "exit", "shutdown", "error",
					 "destroyed" };

	return (unsigned int)reason < ARRAY_SIZE(n) ? n[reason] : "?";
}

static void vcpus_free(struct vm *vm)
{
	for (unsigned int i = 0; i < vm->nr_vcpus; i++) {
		struct vcpu *v = vm->vcpus[i];

		if (!v)
			continue;
		if (v->vendor)
			vcpu_ops->vcpu_destroy(v);
		kfree(to_vp(v));
		vm->vcpus[i] = NULL;
	}
}

static void vm_free(struct vm_priv *p, bool backend_vm)
{
	struct vm *vm = &p->vm;

	vcpus_free(vm);
	if (backend_vm)
		vcpu_ops->vm_destroy(vm);
	gmem_free(vm);
	for (unsigned int i = 0; i < VM_DEV_ALLOCS; i++)
		kfree(p->dev_allocs[i]);
	kfree(p);
}

static int vcpu_create(struct vm *vm, unsigned int id)
{
	struct vcpu_priv *vp = kzalloc(sizeof(*vp));

	if (!vp)
		return -1;
	vp->v.vm = vm;
	vp->v.id = id;
	vp->v.pcpu = -1;
	/* Like hardware: the BSP runs, APs wait for a start (the loader or
	 * a later INIT/SIPI model marks them runnable). */
	vp->v.state = id == 0 ? VCPU_RUNNABLE : VCPU_STOPPED;
	INIT_LIST_HEAD(&vp->rq);
	vp->sipi_vector = -1;
	msr_state_reset(&vp->msr, id == 0);
	vm->vcpus[id] = &vp->v;
	if (vcpu_ops->vcpu_init(&vp->v)) {
		vp->v.vendor = NULL;
		return -1;
	}
	return 0;
}

struct vm *vm_create(const char *name, u64 ram_size, unsigned int nr_vcpus)
{
	struct vm_priv *p;
	struct vm *vm;
	unsigned int count = 0;
	struct vm *it;

	if (!vcpu_ops) {
		pr_err("vm %s: no virtualization backend\n", name);
		return NULL;
	}
	if (!name[0] || strlen(name) >= VM_NAME_MAX || !nr_vcpus ||
	    nr_vcpus > VM_MAX_VCPUS || !ram_size ||
	    ram_size & (GMEM_CHUNK_SIZE - 1)) {
		pr_err("vm %s: bad parameters (%u vCPUs, %llu bytes of RAM)\n",
		       name, nr_vcpus, (unsigned long long)ram_size);
		return NULL;
	}
	spin_lock(&vm_list_lock);
	list_for_each_entry(it, &vm_list, node)
		count++;
	spin_unlock(&vm_list_lock);
	if (vm_find(name) || count >= VM_MAX) {
		pr_err("vm %s: %s\n", name,
		       count >= VM_MAX ? "too many VMs" : "name taken");
		return NULL;
	}
	p = kzalloc(sizeof(*p));
	if (!p)
		return NULL;
	vm = &p->vm;
	strlcpy(vm->name, name, sizeof(vm->name));
	INIT_LIST_HEAD(&vm->node);
	vm->state = VM_CREATED;
	if (vcpu_ops->vm_init(vm)) {
		pr_err("vm %s: backend could not set up stage-2 tables\n",
		       name);
		kfree(p);
		return NULL;
	}
	if (gmem_alloc(vm, ram_size))
		goto fail;
	vm->tsc_offset = -(s64)rdtsc();
	vm->nr_vcpus = nr_vcpus;
	for (unsigned int i = 0; i < nr_vcpus; i++)
		if (vcpu_create(vm, i)) {
			pr_err("vm %s: vCPU %u could not be created\n", name,
			       i);
			goto fail;
		}
	spin_lock(&vm_list_lock);
	vm->id = next_vm_id++;
	list_add_tail(&vm->node, &vm_list);
	spin_unlock(&vm_list_lock);
	return vm;
fail:
	vm_free(p, true);
	return NULL;
}

int vm_start(struct vm *vm)
{
	if (vm->state != VM_CREATED)
		return -1;
	to_vmp(vm)->start_ns = uptime_ns();
	WRITE_ONCE(vm->state, VM_RUNNING);
	for (unsigned int i = 0; i < vm->nr_vcpus; i++)
		sched_place(vm->vcpus[i]);
	return 0;
}

/* Appends to buf (size n, at *len) the busiest device ranges of a bus,
 * "name@base=hits" each, busiest first: where the I/O exits went. */
static void top_handlers(char *buf, size_t n, size_t *len,
			 const struct io_bus *bus, const char *what)
{
	bool shown[IO_BUS_MAX] = { false };
	unsigned int k;

	*len += snprintf(buf + *len, n - *len, " %s", what);
	for (k = 0; k < 4 && *len < n; k++) {
		int best = -1;

		for (unsigned int i = 0; i < bus->nr; i++)
			if (!shown[i] && bus->h[i].hits &&
			    (best < 0 || bus->h[i].hits > bus->h[best].hits))
				best = (int)i;
		if (best < 0)
			break;
		shown[best] = true;
		*len += snprintf(buf + *len, n - *len, " %s@%#llx=%llu",
				 bus->h[best].name,
				 (unsigned long long)bus->h[best].base,
				 (unsigned long long)bus->h[best].hits);
	}
	if (!k && *len < n)
		*len += snprintf(buf + *len, n - *len, " -");
}

/* Exits per second by reason over the VM's run, and the busiest port and
 * MMIO ranges (make bench reads these lines). One kprint, so that other
 * CPUs' lines do not cut into it. */
static void print_rates(struct vm *vm)
{
	u64 ms = (uptime_ns() - to_vmp(vm)->start_ns) / 1000000;
	char buf[512];
	size_t n = sizeof(buf), len;

	if (!ms)
		ms = 1;
	len = snprintf(buf, n, "[%s] exits/s over %llu.%03llu s:", vm->name,
		       (unsigned long long)(ms / 1000),
		       (unsigned long long)(ms % 1000));
	for (unsigned int r = 0; r < EXIT_NR && len < n; r++)
		if (vm->stats.exits[r])
			len += snprintf(
				buf + len, n - len, " %s=%llu",
				vcpu_exit_name(r),
				(unsigned long long)(vm->stats.exits[r] * 1000 /
						     ms));
	if (len < n)
		len += snprintf(buf + len, n - len,
				"\n[%s] busiest:", vm->name);
	if (len < n)
		top_handlers(buf, n, &len, &vm->pio, "pio");
	if (len < n)
		top_handlers(buf, n, &len, &vm->mmio, "mmio");
	kprint("%s\n", buf);
}

void vm_stop(struct vm *vm, int reason, int status, const char *fmt, ...)
{
	va_list ap;
	u64 f;

	/* Before the state changes: the boot CPU may end the machine as soon
	 * as it sees every VM stopped. */
	if (READ_ONCE(vm->state) != VM_STOPPED)
		print_rates(vm);
	f = spin_lock_irqsave(&vm->lock);
	if (vm->state == VM_STOPPED) {
		spin_unlock_irqrestore(&vm->lock, f);
		return;
	}
	vm->stop_reason = reason;
	vm->exit_status = status;
	va_start(ap, fmt);
	vsnprintf(vm->stop_msg, sizeof(vm->stop_msg), fmt, ap);
	va_end(ap);
	/* Said before the state changes, for the same reason as above. */
	if (reason == VM_STOP_EXIT)
		pr_info("vm %s: exited with status %#x\n", vm->name, status);
	else
		pr_warn("vm %s: stopped (%s): %s\n", vm->name,
			vm_stop_reason_name(reason), vm->stop_msg);
	__atomic_store_n(&vm->state, VM_STOPPED, __ATOMIC_RELEASE);
	spin_unlock_irqrestore(&vm->lock, f);
	for (unsigned int i = 0; i < vm->nr_vcpus; i++)
		sched_kick(vm->vcpus[i]);
}

int vm_pause(struct vm *vm)
{
	u64 f = spin_lock_irqsave(&vm->lock);
	int ok = vm->state == VM_RUNNING;

	if (ok)
		__atomic_store_n(&vm->state, VM_PAUSED, __ATOMIC_RELEASE);
	spin_unlock_irqrestore(&vm->lock, f);
	if (!ok)
		return -1;
	for (unsigned int i = 0; i < vm->nr_vcpus; i++)
		sched_kick(vm->vcpus[i]);
	sched_quiesce(vm);
	return 0;
}

int vm_resume(struct vm *vm)
{
	u64 f = spin_lock_irqsave(&vm->lock);
	int ok = vm->state == VM_PAUSED;

	if (ok)
		__atomic_store_n(&vm->state, VM_RUNNING, __ATOMIC_RELEASE);
	spin_unlock_irqrestore(&vm->lock, f);
	if (!ok)
		return -1;
	for (unsigned int i = 0; i < vm->nr_vcpus; i++)
		sched_kick(vm->vcpus[i]);
	return 0;
}

void vm_set_reset_hook(struct vm *vm, int (*fn)(struct vm *vm, void *arg),
		       void *arg)
{
	to_vmp(vm)->reset_hook = fn;
	to_vmp(vm)->reset_arg = arg;
}

/* Power cycle: RAM cleared, vCPUs back in reset state, devices reset, the
 * image reloaded by the reset hook; the VM then runs again. */
int vm_reset(struct vm *vm)
{
	struct vm_priv *p = to_vmp(vm);
	int was = READ_ONCE(vm->state);
	u64 f;

	if (was == VM_CREATED)
		return -1;
	f = spin_lock_irqsave(&vm->lock);
	__atomic_store_n(&vm->state, VM_PAUSED, __ATOMIC_RELEASE);
	spin_unlock_irqrestore(&vm->lock, f);
	for (unsigned int i = 0; i < vm->nr_vcpus; i++)
		sched_kick(vm->vcpus[i]);
	sched_quiesce(vm);

	gmem_clear(vm);
	for (unsigned int i = 0; i < vm->nr_vcpus; i++) {
		struct vcpu_priv *vp = to_vp(vm->vcpus[i]);

		vcpu_ops->vcpu_destroy(&vp->v);
		vp->v.vendor = NULL;
		memset(&vp->v.regs, 0, sizeof(vp->v.regs));
		vp->v.event.pending = false;
		vp->v.want_intr_window = false;
		memset(vp->irq_pending, 0, sizeof(vp->irq_pending));
		vp->exc.pending = false;
		vp->timer_deadline = 0;
		vp->nmi_pending = vp->init_pending = false;
		vp->sipi_vector = -1;
		for (unsigned int t = 0; t < vp->nr_timers; t++)
			vtimer_cancel(vp->timers[t]);
		if (vm->plat)
			lapic_reset(vcpu_lapic(&vp->v));
		msr_state_reset(&vp->msr, i == 0);
		if (vcpu_ops->vcpu_init(&vp->v)) {
			vm_stop(vm, VM_STOP_ERROR, 0, "reset: vCPU %u failed",
				i);
			return -1;
		}
		WRITE_ONCE(vp->v.state, i == 0 ? VCPU_RUNNABLE : VCPU_STOPPED);
	}
	vm_devices_reset(vm);
	if (vm->plat && plat_reset(vm)) {
		vm_stop(vm, VM_STOP_ERROR, 0, "reset: platform reset failed");
		return -1;
	}
	if (p->reset_hook && p->reset_hook(vm, p->reset_arg)) {
		vm_stop(vm, VM_STOP_ERROR, 0, "reset: image reload failed");
		return -1;
	}
	vm->stop_reason = VM_STOP_NONE;
	vm->exit_status = 0;
	vm->stop_msg[0] = '\0';
	p->start_ns = uptime_ns();
	p->summary_done = false;
	__atomic_store_n(&vm->state, VM_RUNNING, __ATOMIC_RELEASE);
	for (unsigned int i = 0; i < vm->nr_vcpus; i++)
		sched_kick(vm->vcpus[i]);
	pr_info("vm %s: reset (was %s)\n", vm->name, vm_state_name(was));
	return 0;
}

void vm_destroy(struct vm *vm)
{
	struct vm_priv *p = to_vmp(vm);

	vm_stop(vm, VM_STOP_DESTROYED, 0, "destroyed by the operator");
	sched_quiesce(vm);
	for (unsigned int i = 0; i < vm->nr_vcpus; i++)
		sched_remove(vm->vcpus[i]);
	spin_lock(&vm_list_lock);
	list_del(&vm->node);
	spin_unlock(&vm_list_lock);
	vm_free(p, true);
}

struct vm *vm_find(const char *name)
{
	struct vm *vm, *found = NULL;

	spin_lock(&vm_list_lock);
	list_for_each_entry(vm, &vm_list, node)
		if (!strcmp(vm->name, name)) {
			found = vm;
			break;
		}
	spin_unlock(&vm_list_lock);
	return found;
}

void vm_for_each(void (*fn)(struct vm *vm, void *arg), void *arg)
{
	struct vm *vm;

	spin_lock(&vm_list_lock);
	list_for_each_entry(vm, &vm_list, node)
		fn(vm, arg);
	spin_unlock(&vm_list_lock);
}

static void count_live(struct vm *vm, void *arg)
{
	int s = READ_ONCE(vm->state);

	if (s == VM_RUNNING || s == VM_PAUSED)
		(*(unsigned int *)arg)++;
}

unsigned int vm_wait_all(u64 timeout_ms)
{
	u64 end = uptime_ns() + timeout_ms * 1000000ull;
	u64 flags = read_rflags();
	unsigned int live;

	/* vCPUs run, and this CPU sleeps, with interrupts on. */
	irq_enable();
	for (;;) {
		live = 0;
		vm_for_each(count_live, &live);
		if (!live || uptime_ns() >= end)
			break;
		if (smp_processor_id() == 0)
			vm_console_idle();
		/* On a machine without APs the vCPUs are ours to run. */
		if (sched_run_local(true))
			continue;
		if (smp_processor_id() == 0)
			monitor_poll();
		halt();
	}
	if (!(flags & RFLAGS_IF))
		irq_disable();
	return live;
}

void *vm_dev_zalloc(struct vm *vm, size_t size)
{
	struct vm_priv *p = to_vmp(vm);

	for (unsigned int i = 0; i < VM_DEV_ALLOCS; i++)
		if (!p->dev_allocs[i]) {
			p->dev_allocs[i] = kzalloc(size);
			return p->dev_allocs[i];
		}
	return NULL;
}

/* SPDX-License-Identifier: GPL-2.0 */
/* Private to virt/: the core's per-vCPU and per-VM state, scheduler and
 * exit handlers. */
#ifndef VIRT_VIRT_H
#define VIRT_VIRT_H

#include <pv/virt.h>
#include <pv/list.h>
#include "policy.h"
#include "dev/platform.h"

#define CONSOLE_LINE_MAX 120

/* What vm_create allocates for each vCPU: the contract's struct vcpu plus
 * the core's own state. */
struct vcpu_priv {
	struct vcpu v;
	spinlock_t lock; /* pending events */
	u64 irq_pending[4]; /* external interrupt vectors, 256 bits */
	struct vcpu_event exc; /* exception waiting for entry */
	u64 timer_deadline; /* uptime_ns of HC_TIMER_ONESHOT, 0 = off */
	u8 timer_vector;
	bool yield; /* leave the physical CPU after this exit */
	u64 slice_start; /* uptime_ns when it got its pCPU */
	struct msr_state msr;
	struct list_head rq; /* on its physical CPU's run queue */
	/* Device timers this vCPU runs (virt/vtime.c). */
	struct vtimer *timers[VTIMER_PER_VCPU];
	unsigned int nr_timers;
	/* Platform events from other CPUs, applied on the vCPU's own CPU. */
	bool nmi_pending;
	bool init_pending;
	int sipi_vector; /* -1: none */
};

static inline struct vcpu_priv *to_vp(struct vcpu *v)
{
	return container_of(v, struct vcpu_priv, v);
}

#define VM_DEV_ALLOCS 64

struct vm_priv {
	struct vm vm;
	u64 start_ns;
	int (*reset_hook)(struct vm *vm, void *arg);
	void *reset_arg;
	void *dev_allocs[VM_DEV_ALLOCS];
	spinlock_t con_lock;
	char con_line[CONSOLE_LINE_MAX + 1];
	unsigned int con_len;
	unsigned int con_shown; /* of con_line, already printed (console.c) */
	u64 con_ns; /* uptime of the last output, with vms.console_idle_ms */
	u8 con_esc; /* inside an escape sequence: 1 after ESC, 2 in CSI */
	char con_last[CONSOLE_LINE_MAX + 1];
	bool summary_done;
};

static inline struct vm_priv *to_vmp(struct vm *vm)
{
	return container_of(vm, struct vm_priv, vm);
}

/* gmem.c */
int gmem_alloc(struct vm *vm, u64 ram_size);
void gmem_free(struct vm *vm);
void gmem_clear(struct vm *vm);

/* sched.c */
void sched_init(void);
void sched_cpu_enabled(unsigned int cpu);
void sched_place(struct vcpu *v);
void sched_remove(struct vcpu *v);
/* Wait until no physical CPU is running a vCPU of vm. */
void sched_quiesce(struct vm *vm);
/* Make v's physical CPU look at its run queue now. */
void sched_kick(struct vcpu *v);
/* Run this CPU's ready vCPUs; with once, return after one time slice.
 * Returns true if any vCPU ran. */
bool sched_run_local(bool once);
bool sched_cpu_has_vcpus(unsigned int cpu);

/* run.c */
bool vcpu_ready(struct vcpu_priv *vp);
/* Run v until it must leave its physical CPU. */
void vcpu_run_slice(struct vcpu_priv *vp);
bool vcpu_irq_pending(struct vcpu_priv *vp);

/* exit.c and friends: return false when the vCPU must leave its pCPU. */
bool handle_exit(struct vcpu_priv *vp, struct vcpu_exit *e);
void handle_cpuid(struct vcpu_priv *vp, const struct vcpu_exit *e);
void handle_msr(struct vcpu_priv *vp, const struct vcpu_exit *e, bool wr);
void handle_io(struct vcpu_priv *vp, const struct vcpu_exit *e);
void handle_npf(struct vcpu_priv *vp, const struct vcpu_exit *e);
bool handle_hlt(struct vcpu_priv *vp, const struct vcpu_exit *e);
bool handle_hypercall(struct vcpu_priv *vp, const struct vcpu_exit *e);
/* Move RIP past the exiting instruction (len from the exit or default). */
void vcpu_skip_insn(struct vcpu *v, const struct vcpu_exit *e, u8 dflt);

/* guest.c: guest-linear accesses with the vCPU's paging state. They
 * return 0, -1 when a #PF/#GP was queued for the guest, -2 when the
 * memory is not RAM. */
int vcpu_translate(struct vcpu *v, u64 la, u32 access, u64 *gpa);
int vcpu_read_linear(struct vcpu *v, u64 la, void *buf, unsigned int len,
		     u32 access);
int vcpu_write_linear(struct vcpu *v, u64 la, const void *buf,
		      unsigned int len);
void vcpu_paging(struct vcpu *v, const struct vcpu_sregs *s,
		 struct x86_paging *pg);
unsigned int vcpu_cpl(const struct vcpu_sregs *s);
int vcpu_gpa_read(void *opaque, u64 gpa, void *buf, unsigned int size);

/* vtime.c: fire this vCPU's expired device timers; the earliest
 * deadline still armed (0 if none). */
void vtimers_run(struct vcpu_priv *vp);
u64 vtimers_next(struct vcpu_priv *vp);

/* vm.c */
extern spinlock_t vm_list_lock;
extern struct list_head vm_list;
void vm_devices_reset(struct vm *vm);

/* console.c: show unfinished console lines idle for vms.console_idle_ms
 * (the boot CPU's loop calls it). */
void vm_console_idle(void);

#endif

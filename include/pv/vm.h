/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Virtual machines: guest memory, the port-I/O and MMIO buses device models
 * register on, lifecycle and statistics. Arch-neutral (virt/).
 */
#ifndef PV_VM_H
#define PV_VM_H

#include <pv/types.h>
#include <pv/list.h>
#include <pv/vcpu.h>
#include <asm/spinlock.h>

#define VM_NAME_MAX 32
#define VM_MAX_VCPUS 8
#define VM_MAX 16
/* Guest RAM is made of 2 MiB host blocks (buddy order 9). */
#define GMEM_CHUNK_SHIFT 21
#define GMEM_CHUNK_SIZE (1ull << GMEM_CHUNK_SHIFT)

/* ---- I/O buses ----------------------------------------------------- */

struct io_handler;
struct vplat;

/* Access handlers: size is 1, 2, 4 or 8; offset is from the range base.
 * A read returns the value in *val; errors are not reported back to the
 * guest (real buses have none): return 0. */
struct io_ops {
	u64 (*read)(void *dev, u64 offset, unsigned int size);
	void (*write)(void *dev, u64 offset, u64 val, unsigned int size);
};

struct io_handler {
	u64 base, len;
	const struct io_ops *ops;
	void *dev;
	const char *name;
	u64 hits; /* guest accesses dispatched here (statistics) */
};

#define IO_BUS_MAX 32

struct io_bus {
	struct io_handler h[IO_BUS_MAX];
	unsigned int nr;
	u64 unclaimed_reads, unclaimed_writes; /* accesses nobody claimed */
};

/* Register a range; fails (-1) if it overlaps another or the bus is full. */
int io_bus_register(struct io_bus *bus, u64 base, u64 len,
		    const struct io_ops *ops, void *dev, const char *name);
/* Dispatch; an unclaimed read returns all-ones, an unclaimed write is
 * dropped; both are counted. */
u64 io_bus_read(struct io_bus *bus, u64 addr, unsigned int size);
void io_bus_write(struct io_bus *bus, u64 addr, u64 val, unsigned int size);

/* ---- VMs ----------------------------------------------------------- */

enum vm_state { VM_CREATED, VM_RUNNING, VM_PAUSED, VM_STOPPED };

enum vm_stop_reason {
	VM_STOP_NONE,
	VM_STOP_EXIT, /* the guest wrote its status to the debug-exit port */
	VM_STOP_SHUTDOWN, /* triple fault */
	VM_STOP_ERROR, /* invalid state, unhandled exit, bad image... */
	VM_STOP_DESTROYED, /* by the operator */
};

struct vm_stats {
	u64 exits[EXIT_NR];
	u64 cpuid_unknown_leaves;
	u64 msr_gp; /* #GP injected for MSRs the guest cannot have */
	u64 npf_unbacked; /* accesses to guest-physical space with no RAM */
	u64 emulation_failures;
};

struct vm {
	char name[VM_NAME_MAX];
	unsigned int id;
	int state; /* enum vm_state */
	spinlock_t lock;
	struct list_head node; /* all VMs */

	/* Guest TSC = host TSC + tsc_offset: every vCPU of the VM reads the
	 * same clock, 0 when the VM was created. */
	s64 tsc_offset;
	u64 ram_size; /* bytes, a multiple of GMEM_CHUNK_SIZE, from GPA 0 */
	phys_addr_t *ram_chunks; /* host address of each 2 MiB block */
	unsigned int nr_chunks;
	void *s2; /* backend's stage-2 page tables */

	struct io_bus pio, mmio;
	struct vcpu *vcpus[VM_MAX_VCPUS];
	unsigned int nr_vcpus;

	struct vm_stats stats;
	int stop_reason; /* enum vm_stop_reason */
	int exit_status; /* VM_STOP_EXIT: the value written to port 0xf4 */
	char stop_msg[96];

	void *devices; /* device-model state (virt/dev) */
	struct vplat *plat; /* PC platform of a full guest, else NULL */
};

/* Create a VM with ram_size bytes of RAM at GPA 0 and nr_vcpus vCPUs in
 * reset state. Returns NULL with a message if memory or the backend is
 * lacking. */
struct vm *vm_create(const char *name, u64 ram_size, unsigned int nr_vcpus);
/* Start every vCPU on its physical CPU (placed by the scheduler). */
int vm_start(struct vm *vm);
int vm_pause(struct vm *vm);
int vm_resume(struct vm *vm);
int vm_reset(struct vm *vm);
/* Stop (if running) and free everything. */
void vm_destroy(struct vm *vm);
/* Mark the VM stopped with a reason; its vCPUs leave the run loop. */
void vm_stop(struct vm *vm, int reason, int status, const char *fmt, ...)
	__printf(4, 5);

struct vm *vm_find(const char *name);
/* Iterate the VM list (under the VM list lock). */
void vm_for_each(void (*fn)(struct vm *vm, void *arg), void *arg);
/* Block the caller until every VM has stopped or timeout_ms passes;
 * returns the number still running. */
unsigned int vm_wait_all(u64 timeout_ms);

/* ---- guest-physical memory ----------------------------------------- */

/* Host virtual address of a guest-physical byte, or NULL outside RAM.
 * Valid up to the end of its 2 MiB chunk. */
void *gpa_to_hva(struct vm *vm, gpa_t gpa);
/* Copy to/from guest RAM; -1 if any byte is outside RAM. */
int vm_write_phys(struct vm *vm, gpa_t gpa, const void *src, size_t len);
int vm_read_phys(struct vm *vm, gpa_t gpa, void *dst, size_t len);
/* Is this host physical address inside this VM's RAM? (isolation tests) */
bool vm_owns_hpa(struct vm *vm, phys_addr_t hpa);

#endif

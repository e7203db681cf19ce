/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Services of the arch-neutral hypervisor core (virt/) beyond the VM object
 * API of <pv/vm.h>: bring-up, event injection, device models, the
 * operator's monitor and diagnostics.
 */
#ifndef PV_VIRT_H
#define PV_VIRT_H

#include <pv/vm.h>

/* kmain: enable the backend on every online CPU and hook the idle loops.
 * Returns the number of CPUs that failed (0 when no backend is usable). */
int virt_init(void);
/* True once virt_init() found a backend and enabled it on some CPU. */
bool virt_ready(void);
/* The boot CPU's loop after boot: runs its vCPUs (when it has no APs),
 * polls the monitor, prints vm_print_summary() once all VMs stopped. */
void virt_idle(void) __noreturn;

/* Queue an external interrupt (vector 32..255) / an exception for the
 * vCPU; delivered at its next entry when the guest can take it. */
void vcpu_inject_irq(struct vcpu *v, u8 vector);
void vcpu_inject_exception(struct vcpu *v, u8 vector, bool has_error,
			   u32 error);

/* Put a vCPU in 32-bit protected mode, paging off, flat 4 GiB CS/DS/ES/
 * FS/GS/SS (selectors 0x08 code, 0x10 data), EIP = eip, ESP = esp: the
 * Multiboot entry state. GDTR/IDTR are zero (the guest loads its own). */
void vcpu_set_flat32(struct vcpu *v, u32 eip, u32 esp);

/* Called by vm_reset() after RAM was cleared and vCPUs were reset, to
 * reload the image and entry state; NULL: the VM restarts from reset. */
void vm_set_reset_hook(struct vm *vm, int (*fn)(struct vm *vm, void *arg),
		       void *arg);

/* Device models (virt/dev). Each returns 0 or -1 (range taken, memory). */
int uart16550_attach(struct vm *vm, u16 base);
int debugexit_attach(struct vm *vm, u16 port);
/* A 16550 at 0x3F8 and the debug-exit port at 0xF4. */
int vm_add_default_devices(struct vm *vm);
/* Memory for a device model, freed with the VM. */
void *vm_dev_zalloc(struct vm *vm, size_t size);

/* The VM's console: output is collected per line and printed on the
 * hypervisor console as "[name] line". */
void vm_console_putc(struct vm *vm, char c);
/* The last complete line the VM printed (for tests), "" if none. */
const char *vm_console_last_line(struct vm *vm);
/* A character typed for the VM: into its console UART's receiver (the
 * 16550 at 0x3F8, else the first). 0 taken, -1 no UART, -2 receiver
 * full (nothing lost: offer it again later). */
int vm_console_input(struct vm *vm, char c);

const char *vm_state_name(int state);
const char *vm_stop_reason_name(int reason);
/* One VM's / every VM's state and exits by reason, on the console. */
void vm_print_exits(struct vm *vm);
void vm_print_summary(void);

/* Serial monitor: poll the host UART (boot CPU), run one command line. */
void monitor_poll(void);
int monitor_exec(const char *line);

#endif

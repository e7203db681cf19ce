/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one vCPU interface between the arch-neutral VM code (virt/) and the
 * vendor backends (arch/x86/svm, arch/x86/vmx). Everything above this
 * header is vendor-free; a backend fills struct vcpu_vendor_ops.
 */
#ifndef PV_VCPU_H
#define PV_VCPU_H

#include <pv/types.h>
#include <asm/emulate.h> /* struct x86_regs: the canonical GPR/RIP/RFLAGS file */

struct vm;

/* A segment register in a vendor-neutral form (VMX access-rights layout:
 * type[3:0] S[4] DPL[6:5] P[7] AVL[12] L[13] D/B[14] G[15]; the SVM backend
 * packs/unpacks its 12-bit form). unusable = VMX "segment unusable". */
struct vcpu_seg {
	u16 sel;
	u16 attr;
	u32 limit;
	u64 base;
	bool unusable;
};

#define SEG_ATTR_TYPE(a) ((a)&0xF)
#define SEG_ATTR_S (1u << 4)
#define SEG_ATTR_DPL(a) (((a) >> 5) & 3)
#define SEG_ATTR_P (1u << 7)
#define SEG_ATTR_L (1u << 13)
#define SEG_ATTR_DB (1u << 14)
#define SEG_ATTR_G (1u << 15)

struct vcpu_dtable {
	u64 base;
	u16 limit;
};

/* Control and segment state, read/written through the vendor ops. */
struct vcpu_sregs {
	u64 cr0, cr2, cr3, cr4, efer;
	struct vcpu_seg cs, ds, es, fs, gs, ss, tr, ldtr;
	struct vcpu_dtable gdtr, idtr;
};

enum vcpu_exit_reason {
	EXIT_NONE,
	EXIT_CPUID,
	EXIT_RDMSR,
	EXIT_WRMSR,
	EXIT_IO, /* port I/O: exit.io */
	EXIT_HLT,
	EXIT_NPF, /* nested/EPT page fault: exit.npf (MMIO or a stray access) */
	EXIT_HYPERCALL, /* VMMCALL / VMCALL */
	EXIT_EXTINT, /* a host interrupt arrived (already handled by the host) */
	EXIT_NMI,
	EXIT_INTR_WINDOW, /* the guest can take an interrupt now */
	EXIT_SHUTDOWN, /* triple fault */
	EXIT_EXCEPTION, /* an intercepted guest exception: exit.exc */
	EXIT_INIT, /* INIT signal (guest APs, later) */
	EXIT_SIPI,
	EXIT_INVALID, /* VMRUN/VMLAUNCH refused the guest state */
	EXIT_OTHER, /* anything else: the raw code is in hw_code */
	EXIT_NR
};

struct vcpu_exit {
	enum vcpu_exit_reason reason;
	u64 hw_code; /* vendor exit code, for diagnostics and stats */
	/* Length of the exiting instruction when the backend knows it
	 * (VMX always; SVM: fixed-length instructions and IOIO), else 0. */
	u8 insn_len;
	union {
		struct {
			u16 port;
			u8 size; /* 1, 2 or 4 */
			bool in;
			bool string;
			bool rep;
		} io;
		struct {
			u64 gpa;
			bool read, write, fetch;
			bool translation; /* fault on the final GPA (not in a guest walk) */
		} npf;
		struct {
			u8 vector;
			bool has_error;
			u32 error;
			u64 cr2; /* #PF only */
		} exc;
	};
};

enum vcpu_event_type {
	EVENT_EXTINT, /* external interrupt */
	EVENT_NMI,
	EVENT_EXCEPTION, /* hardware exception, error code if has_error */
	EVENT_SOFTINT,
};

struct vcpu_event {
	bool pending;
	u8 type; /* enum vcpu_event_type */
	u8 vector;
	bool has_error;
	u32 error;
};

enum vcpu_state { VCPU_STOPPED, VCPU_RUNNABLE, VCPU_RUNNING, VCPU_HALTED };

struct vcpu {
	struct vm *vm;
	unsigned int id;
	int pcpu; /* physical CPU it runs on, -1 if none */
	int state; /* enum vcpu_state */

	/* GPRs, RIP and RFLAGS: owned by the core between runs; the backend
	 * loads them before entry and stores them after every exit. */
	struct x86_regs regs;

	/* Event to deliver at the next entry (consumed by vcpu_run). */
	struct vcpu_event event;
	/* Ask for an EXIT_INTR_WINDOW when the guest can take an interrupt. */
	bool want_intr_window;

	void *vendor; /* VMCB or VMCS state */
	u64 exits; /* total exits on this vCPU */
};

/* Stage-2 (NPT/EPT) permissions. */
#define S2_READ 1u
#define S2_WRITE 2u
#define S2_EXEC 4u
#define S2_RWX (S2_READ | S2_WRITE | S2_EXEC)

struct vcpu_vendor_ops {
	const char *name;
	/* Enable virtualization on the calling physical CPU (VMXON, or
	 * EFER.SVME + host save area). Called on every CPU that runs vCPUs. */
	int (*cpu_enable)(void);
	/* Stage-2 page tables of a VM (vm->s2 is the backend's). */
	int (*vm_init)(struct vm *vm);
	void (*vm_destroy)(struct vm *vm);
	int (*s2_map)(struct vm *vm, gpa_t gpa, phys_addr_t hpa, u64 size,
		      unsigned int prot);
	int (*s2_unmap)(struct vm *vm, gpa_t gpa, u64 size);
	/* Create the vCPU's VMCB/VMCS in the architectural reset state
	 * (real mode at F000:FFF0, as after INIT); the loader then sets the
	 * entry state with set_sregs and regs. */
	int (*vcpu_init)(struct vcpu *v);
	void (*vcpu_destroy)(struct vcpu *v);
	/* Enter the guest until the next exit; fills *exit. Injects
	 * v->event if pending (and clears it), and arms an interrupt-window
	 * exit if v->want_intr_window. Returns 0, or -1 if the hardware
	 * refused to enter (exit->reason = EXIT_INVALID). Called with
	 * interrupts enabled on the vCPU's physical CPU; returns likewise. */
	int (*vcpu_run)(struct vcpu *v, struct vcpu_exit *exit);
	void (*get_sregs)(struct vcpu *v, struct vcpu_sregs *s);
	void (*set_sregs)(struct vcpu *v, const struct vcpu_sregs *s);
	/* Can an external interrupt be injected now (RFLAGS.IF, no
	 * interrupt shadow, no event already being delivered)? */
	bool (*intr_allowed)(struct vcpu *v);
};

/* The ops of the backend chosen at boot (NULL when none is usable). */
extern const struct vcpu_vendor_ops *vcpu_ops;
extern const struct vcpu_vendor_ops svm_vcpu_ops;
extern const struct vcpu_vendor_ops vmx_vcpu_ops;

const char *vcpu_exit_name(enum vcpu_exit_reason r);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/* Internals of the SVM backend (arch/x86/svm), shared by its files. */
#ifndef SVM_SVM_H
#define SVM_SVM_H

/* struct svm_vcpu fields svm_entry.S reads. */
#define SV_VMCB_PA 0
#define SV_HOST_PA 8
#define SV_GPRS 16

#ifndef __ASSEMBLY__
#include <asm/fpu.h>
#include <pv/types.h>
#include <asm/spinlock.h>
#include "vmcb.h"

struct vcpu;
struct vcpu_exit;
struct vm;

#define MSR_VM_HSAVE_PA 0xC0010117
/* The part of the save area VMRUN loads and #VMEXIT stores. */
#define SVM_SAVE_COPY (0x680 - 0x400)

/* Nested page tables and address-space ID of one VM (vm->s2). */
struct svm_s2 {
	u64 *root; /* PML4, through the direct map */
	phys_addr_t root_pa;
	u32 asid;
	bool asid_shared; /* the overflow ASID: flush on every entry */
	u32 gen; /* bumped by every change; vCPUs flush when it moves */
	spinlock_t lock;
};

/* Per-vCPU state (vcpu->vendor). */
struct svm_vcpu {
	phys_addr_t vmcb_pa;
	phys_addr_t host_pa; /* svm_cpu.host_vmcb_pa of last_cpu */
	u64 *gprs; /* the vCPU's x86_regs.gpr */
	struct vmcb *vmcb;
	/* Entries take a short path while nothing below changes. */
	int last_cpu; /* physical CPU of the last entry; -1: slow path */
	u32 s2_gen; /* svm_s2.gen at the last flush */
	const u32 *s2_genp; /* &svm_s2.gen */
	bool window; /* VINTR armed (v->want_intr_window at entry) */
	/*
	 * A VMRUN that refuses the state may still store CPU state into
	 * the save area (QEMU writes the host's back): state set from
	 * outside is kept here until a VMRUN accepts it.
	 */
	bool state_unproven;
	u8 save_copy[SVM_SAVE_COPY];
	struct guest_fpu fpu; /* x87/SSE state, switched lazily */
};

_Static_assert(__builtin_offsetof(struct svm_vcpu, vmcb_pa) == SV_VMCB_PA,
	       "SV_VMCB_PA");
_Static_assert(__builtin_offsetof(struct svm_vcpu, host_pa) == SV_HOST_PA,
	       "SV_HOST_PA");
_Static_assert(__builtin_offsetof(struct svm_vcpu, gprs) == SV_GPRS, "SV_GPRS");

/* Per physical CPU. */
struct svm_cpu {
	bool enabled;
	phys_addr_t hsave_pa; /* VM_HSAVE_PA: VMRUN keeps host state here */
	phys_addr_t host_vmcb_pa; /* VMSAVE/VMLOAD of host FS/GS/TR/... */
};

/* svm.c */
extern struct svm_cpu svm_cpus[CONFIG_NR_CPUS];
int svm_cpu_enable(void);

/* svm_run.c */
int svm_vcpu_run(struct vcpu *v, struct vcpu_exit *ex);
bool svm_intr_allowed(struct vcpu *v);

/* svm_npt.c */
int svm_vm_init(struct vm *vm);
void svm_vm_destroy(struct vm *vm);
int svm_s2_map(struct vm *vm, gpa_t gpa, phys_addr_t hpa, u64 size,
	       unsigned int prot);
int svm_s2_unmap(struct vm *vm, gpa_t gpa, u64 size);

#endif /* __ASSEMBLY__ */
#endif

/* SPDX-License-Identifier: GPL-2.0 */
/* What the boot CPU can do, read once from CPUID. */
#ifndef ASM_CPUFEATURE_H
#define ASM_CPUFEATURE_H

#include <pv/types.h>

struct cpu_features {
	char vendor[13];
	char brand[49];
	u32 family, model, stepping;
	u32 max_leaf, max_ext_leaf;
	u8 phys_addr_bits, virt_addr_bits;
	bool intel, amd;
	bool apic, x2apic, nx, pdpe1gb, pge, pat, tsc, tsc_invariant,
		tsc_deadline, hypervisor, vmx, svm;
};

extern struct cpu_features cpu;

void cpu_features_init(void);
void cpu_features_print(void);

/* Virtualization backends (arch/x86/svm, arch/x86/vmx). */
struct svm_caps {
	bool supported; /* CPUID says SVM */
	bool disabled_by_firmware; /* VM_CR.SVMDIS */
	bool npt, nrip, flush_by_asid, decode_assists, vgif;
	u32 nr_asids, revision;
};

struct vmx_caps {
	bool supported; /* CPUID says VMX */
	bool locked_off; /* FEATURE_CONTROL locked without VMXON outside SMX */
	bool ept, vpid, unrestricted_guest, true_ctls;
	u32 revision;
	u64 basic, pinbased, procbased, procbased2, exit, entry, misc, ept_vpid;
};

extern struct svm_caps svm_caps;
extern struct vmx_caps vmx_caps;

/* Fill svm_caps/vmx_caps; each returns NULL when usable, else why not. */
const char *svm_detect(void);
const char *vmx_detect(void);

enum virt_backend { VIRT_NONE, VIRT_SVM, VIRT_VMX };
extern enum virt_backend virt_backend;
/* Choose the backend, print the decision; returns it. */
enum virt_backend virt_select_backend(void);

#endif

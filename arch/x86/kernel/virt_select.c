// SPDX-License-Identifier: GPL-2.0
/* Pick the virtualization backend: built in, and usable on this CPU. */
#include <pv/printk.h>
#include <pv/vcpu.h>
#include <asm/cpufeature.h>

enum virt_backend virt_backend;

enum virt_backend virt_select_backend(void)
{
	const char *svm_why = "not built (CONFIG_SVM=n)";
	const char *vmx_why = "not built (CONFIG_VMX=n)";

	if (IS_ENABLED(CONFIG_SVM))
		svm_why = svm_detect();
	if (IS_ENABLED(CONFIG_VMX))
		vmx_why = vmx_detect();

	/* Prefer the CPU vendor's own extension when both are usable. */
	if (!svm_why && (vmx_why || !cpu.intel))
		virt_backend = VIRT_SVM;
	else if (!vmx_why)
		virt_backend = VIRT_VMX;
	else
		virt_backend = VIRT_NONE;

	switch (virt_backend) {
	case VIRT_SVM:
		if (IS_ENABLED(CONFIG_SVM))
			vcpu_ops = &svm_vcpu_ops;
		pr_info("virt: backend SVM (AMD-V): %u ASIDs, NPT %s, nRIP %s, flush-by-ASID %s\n",
			svm_caps.nr_asids, svm_caps.npt ? "yes" : "no",
			svm_caps.nrip ? "yes"
				      : "no (next RIP computed by decoding)",
			svm_caps.flush_by_asid ? "yes" : "no");
		break;
	case VIRT_VMX:
		pr_info("virt: backend VMX (Intel VT-x): VMCS revision %#x, EPT %s, VPID %s, unrestricted guest %s\n",
			vmx_caps.revision, vmx_caps.ept ? "yes" : "no",
			vmx_caps.vpid ? "yes" : "no",
			vmx_caps.unrestricted_guest ? "yes" : "no");
		if (IS_ENABLED(CONFIG_VMX))
			vcpu_ops = &vmx_vcpu_ops;
		break;
	case VIRT_NONE:
		pr_warn("virt: no usable backend: SVM: %s; VMX: %s\n", svm_why,
			vmx_why);
		break;
	}
	return virt_backend;
}

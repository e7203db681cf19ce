// SPDX-License-Identifier: GPL-2.0
/* Intel VT-x capabilities (SDM vol. 3, appendix A: VMX capability MSRs). */
#include <asm/cpu.h>
#include <asm/cpufeature.h>

#define MSR_VMX_BASIC 0x480
#define MSR_VMX_PINBASED 0x481
#define MSR_VMX_PROCBASED 0x482
#define MSR_VMX_EXIT 0x483
#define MSR_VMX_ENTRY 0x484
#define MSR_VMX_MISC 0x485
#define MSR_VMX_PROCBASED2 0x48B
#define MSR_VMX_EPT_VPID 0x48C
#define MSR_VMX_TRUE_PINBASED 0x48D
#define MSR_VMX_TRUE_PROCBASED 0x48E
#define MSR_VMX_TRUE_EXIT 0x48F
#define MSR_VMX_TRUE_ENTRY 0x490

#define FC_LOCK (1u << 0)
#define FC_VMXON_OUTSIDE_SMX (1u << 2)

#define PROC_SECONDARY (1ull << 31) /* allowed-1 half: bit 63 */
#define PROC2_EPT (1ull << 1)
#define PROC2_VPID (1ull << 5)
#define PROC2_UNRESTRICTED (1ull << 7)

struct vmx_caps vmx_caps;

const char *vmx_detect(void)
{
	u64 fc;
	bool true_ctls;

	if (!cpu.vmx)
		return "not supported by this CPU";
	vmx_caps.supported = true;
	fc = rdmsr(MSR_FEATURE_CONTROL);
	if ((fc & FC_LOCK) && !(fc & FC_VMXON_OUTSIDE_SMX)) {
		vmx_caps.locked_off = true;
		return "disabled by firmware (IA32_FEATURE_CONTROL locked)";
	}
	vmx_caps.basic = rdmsr(MSR_VMX_BASIC);
	vmx_caps.revision = (u32)vmx_caps.basic & 0x7FFFFFFF;
	true_ctls = vmx_caps.basic & (1ull << 55);
	vmx_caps.true_ctls = true_ctls;
	vmx_caps.pinbased =
		rdmsr(true_ctls ? MSR_VMX_TRUE_PINBASED : MSR_VMX_PINBASED);
	vmx_caps.procbased =
		rdmsr(true_ctls ? MSR_VMX_TRUE_PROCBASED : MSR_VMX_PROCBASED);
	vmx_caps.exit = rdmsr(true_ctls ? MSR_VMX_TRUE_EXIT : MSR_VMX_EXIT);
	vmx_caps.entry = rdmsr(true_ctls ? MSR_VMX_TRUE_ENTRY : MSR_VMX_ENTRY);
	vmx_caps.misc = rdmsr(MSR_VMX_MISC);
	if (vmx_caps.procbased & (PROC_SECONDARY << 32)) {
		vmx_caps.procbased2 = rdmsr(MSR_VMX_PROCBASED2);
		vmx_caps.ept = vmx_caps.procbased2 & (PROC2_EPT << 32);
		vmx_caps.vpid = vmx_caps.procbased2 & (PROC2_VPID << 32);
		vmx_caps.unrestricted_guest =
			vmx_caps.procbased2 & (PROC2_UNRESTRICTED << 32);
		if (vmx_caps.ept || vmx_caps.vpid)
			vmx_caps.ept_vpid = rdmsr(MSR_VMX_EPT_VPID);
	}
	if (!vmx_caps.ept)
		return "no extended page tables (EPT)";
	if (!vmx_caps.unrestricted_guest)
		return "no unrestricted guest support";
	return NULL;
}

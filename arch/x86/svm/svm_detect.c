// SPDX-License-Identifier: GPL-2.0
/* AMD-V capabilities (AMD APM vol. 2, 15.4 and CPUID 0x8000000A). */
#include <asm/cpu.h>
#include <asm/cpufeature.h>

#define MSR_VM_CR 0xC0010114
#define VM_CR_SVMDIS (1u << 4)

struct svm_caps svm_caps;

const char *svm_detect(void)
{
	struct cpuid_regs r;

	if (!cpu.svm)
		return "not supported by this CPU";
	svm_caps.supported = true;
	if (cpu.max_ext_leaf < 0x8000000A)
		return "CPUID leaf 0x8000000A missing";
	r = cpuid(0x8000000A, 0);
	svm_caps.revision = r.eax & 0xFF;
	svm_caps.nr_asids = r.ebx;
	svm_caps.npt = r.edx & (1u << 0);
	svm_caps.nrip = r.edx & (1u << 3);
	svm_caps.flush_by_asid = r.edx & (1u << 6);
	svm_caps.decode_assists = r.edx & (1u << 7);
	svm_caps.vgif = r.edx & (1u << 16);
	if (rdmsr(MSR_VM_CR) & VM_CR_SVMDIS) {
		svm_caps.disabled_by_firmware = true;
		return "disabled by firmware (VM_CR.SVMDIS)";
	}
	/*
	 * NPT is required. QEMU's plain qemu64 model reports it off even
	 * though it works; we go by what CPUID says.
	 */
	if (!svm_caps.npt)
		return "no nested paging (NPT)";
	if (svm_caps.nr_asids < 2)
		return "fewer than 2 ASIDs";
	return NULL;
}

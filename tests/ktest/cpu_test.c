// SPDX-License-Identifier: GPL-2.0
/* CPU suite: feature flags agree with raw CPUID; the backend choice too. */
#include <pv/ktest.h>
#include <pv/string.h>
#include <asm/apic.h>
#include <asm/cpu.h>
#include <asm/cpufeature.h>
#include <asm/percpu.h>
#include <asm/smp.h>

static void vendor_string(struct ktest *t)
{
	struct cpuid_regs r = cpuid(0, 0);
	char v[13];

	memcpy(v, &r.ebx, 4);
	memcpy(v + 4, &r.edx, 4);
	memcpy(v + 8, &r.ecx, 4);
	v[12] = '\0';
	ktest_log(t, "vendor '%s'", v);
	KTEST_EXPECT(t, !strcmp(v, cpu.vendor));
	KTEST_EXPECT_EQ(t, cpu.intel, !strcmp(v, "GenuineIntel"));
	KTEST_EXPECT_EQ(t, cpu.amd, !strcmp(v, "AuthenticAMD"));
	KTEST_EXPECT(t, !(cpu.intel && cpu.amd));
}

static void features_match_cpuid(struct ktest *t)
{
	struct cpuid_regs l1 = cpuid(1, 0);
	struct cpuid_regs e1 = cpuid(0x80000001, 0);

	KTEST_EXPECT_EQ(t, cpu.vmx, !!(l1.ecx & (1u << 5)));
	KTEST_EXPECT_EQ(t, cpu.x2apic, !!(l1.ecx & (1u << 21)));
	KTEST_EXPECT_EQ(t, cpu.apic, !!(l1.edx & (1u << 9)));
	KTEST_EXPECT_EQ(t, cpu.svm, !!(e1.ecx & (1u << 2)));
	KTEST_EXPECT_EQ(t, cpu.nx, !!(e1.edx & (1u << 20)));
	/* x2APIC mode only where the CPU has it and the build allows it. */
	if (x2apic_mode)
		KTEST_EXPECT(t, cpu.x2apic && IS_ENABLED(CONFIG_X2APIC));
}

static void check_apic_id(void *arg)
{
	u32 *bad = arg;
	u32 initial = cpuid(1, 0).ebx >> 24;

	/* CPUID's initial APIC ID is 8 bits; x2APIC IDs may exceed it. */
	if (lapic_id() != this_cpu()->apic_id ||
	    (lapic_id() < 255 && initial != lapic_id()))
		__atomic_fetch_add(bad, 1, __ATOMIC_RELAXED);
}

static void apic_id_matches_cpuid(struct ktest *t)
{
	u32 bad = 0;
	unsigned int n = 0;

	for (unsigned int c = 0; c < CONFIG_NR_CPUS; c++)
		if (!smp_call_function(c, check_apic_id, &bad, true))
			n++;
	KTEST_EXPECT_EQ(t, n, nr_cpus_online);
	KTEST_EXPECT_EQ(t, bad, 0);
}

#define MSR_VM_CR 0xC0010114
#define VM_CR_SVMDIS (1u << 4)

static void backend_choice(struct ktest *t)
{
	struct cpuid_regs l1 = cpuid(1, 0);
	struct cpuid_regs e1 = cpuid(0x80000001, 0);
	struct cpuid_regs sv = { 0, 0, 0, 0 };
	bool svm = e1.ecx & (1u << 2), vmx = l1.ecx & (1u << 5);
	bool svm_usable;

	if (svm && cpuid(0x80000000, 0).eax >= 0x8000000A)
		sv = cpuid(0x8000000A, 0);
	/* Everything the SVM backend needs, read from the hardware. */
	svm_usable = IS_ENABLED(CONFIG_SVM) && svm && (sv.edx & 1) &&
		     sv.ebx >= 2 && !(rdmsr(MSR_VM_CR) & VM_CR_SVMDIS);
	ktest_log(t, "backend %d; CPUID: svm %d npt %d asids %u, vmx %d",
		  (int)virt_backend, svm, (int)(sv.edx & 1), sv.ebx, vmx);

	if (svm_usable && cpu.amd)
		KTEST_EXPECT_EQ(t, virt_backend, VIRT_SVM);
	if (virt_backend == VIRT_SVM)
		KTEST_EXPECT(t, IS_ENABLED(CONFIG_SVM) && svm && svm_usable);
	if (virt_backend == VIRT_VMX)
		KTEST_EXPECT(t, IS_ENABLED(CONFIG_VMX) && vmx);
	if (!IS_ENABLED(CONFIG_SVM))
		KTEST_EXPECT(t, virt_backend != VIRT_SVM);
	if (!IS_ENABLED(CONFIG_VMX))
		KTEST_EXPECT(t, virt_backend != VIRT_VMX);
	if (!svm && !vmx)
		KTEST_EXPECT_EQ(t, virt_backend, VIRT_NONE);
}

static const struct ktest_case cpu_cases[] = {
	KTEST_CASE(vendor_string),
	KTEST_CASE(features_match_cpuid),
	KTEST_CASE(apic_id_matches_cpuid),
	KTEST_CASE(backend_choice),
};
KTEST_SUITE("cpu", cpu_cases);

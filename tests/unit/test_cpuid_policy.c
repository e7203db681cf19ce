// SPDX-License-Identifier: GPL-2.0
/* CPUID and MSR policies against fake hosts (AMD with SVM, Intel with VMX). */
#include <string.h>
#include "../../virt/policy.h"
#include "unit.h"

static int intel;

static struct cpuid_out fake_host(u32 leaf, u32 sub)
{
	struct cpuid_out o = { 0, 0, 0, 0 };

	switch (leaf) {
	case 0:
		o.eax = 0x16;
		memcpy(&o.ebx, intel ? "Genu" : "Auth", 4);
		memcpy(&o.edx, intel ? "ineI" : "enti", 4);
		memcpy(&o.ecx, intel ? "ntel" : "cAMD", 4);
		break;
	case 1: /* everything on, APIC ID 7 */
		o.eax = 0x800F12;
		o.ebx = 0x07020800;
		o.ecx = 0x7FFFFFFF;
		o.edx = 0xFFFFFFFF;
		break;
	case 7:
	case 0xA:
	case 0xB:
	case 0xD:
	case 0x80000007: o.eax = o.ebx = o.ecx = o.edx = 0xFFFFFFFF; break;
	case 0x80000000: o.eax = 0x8000001F; break;
	case 0x80000001:
		o.ecx = 0xFFFFFFFF;
		o.edx = 0xFFFFFFFF;
		break;
	case 0x80000008:
		o.eax = 0x3030;
		o.ebx = 0xFFFFFFFF;
		o.ecx = 0x0F;
		break;
	case 0x8000000A:
		o.eax = 1;
		o.ebx = 16;
		o.edx = 0xFFFF;
		break;
	}
	return o;
}

static struct cpuid_out q(u32 leaf, u32 sub, unsigned int id, unsigned int n,
			  bool *known)
{
	struct cpuid_ctx c = { fake_host, id, n, false };
	struct cpuid_out o;

	*known = cpuid_policy(&c, leaf, sub, &o);
	return o;
}

UNIT_TEST(no_vmx_svm_leak_and_hypervisor_bit)
{
	bool k;

	for (intel = 0; intel < 2; intel++) {
		struct cpuid_out l1 = q(1, 0, 0, 1, &k);
		struct cpuid_out e1 = q(0x80000001, 0, 0, 1, &k);
		struct cpuid_out ea = q(0x8000000A, 0, 0, 1, &k);

		CHECK(!(l1.ecx & (1u << 5))); /* VMX */
		CHECK(l1.ecx & (1u << 31)); /* hypervisor present */
		CHECK(!(l1.ecx & (1u << 21))); /* x2APIC */
		CHECK(!(l1.ecx & (1u << 3))); /* MONITOR */
		CHECK(!(l1.ecx & (1u << 15))); /* PDCM */
		CHECK(!(l1.edx & (1u << 9))); /* APIC */
		CHECK(l1.edx & (1u << 0)); /* FPU passes */
		CHECK(l1.ecx & (1u << 0)); /* SSE3 passes */
		CHECK(!(e1.ecx & (1u << 2))); /* SVM */
		CHECK(e1.edx & (1u << 29)); /* LM passes */
		CHECK(!ea.eax && !ea.ebx && !ea.ecx && !ea.edx);
		CHECK(!k); /* 0x8000000A is beyond the guest's max */
	}
}

UNIT_TEST(platform_vm_sees_apic_x2apic_tsc_deadline)
{
	for (intel = 0; intel < 2; intel++) {
		struct cpuid_ctx c = { fake_host, 1, 2, true };
		struct cpuid_out o;

		CHECK(cpuid_policy(&c, 1, 0, &o));
		CHECK(o.edx & (1u << 9)); /* APIC */
		CHECK(o.ecx & (1u << 21)); /* x2APIC */
		CHECK(o.ecx & (1u << 24)); /* TSC-deadline */
		CHECK(!(o.ecx & (1u << 5))); /* still no VMX */
		CHECK(!(o.ecx & (1u << 26))); /* still no XSAVE */
		CHECK_EQ(o.ebx >> 24, 1);
	}
}

UNIT_TEST(hypervisor_leaf_signature)
{
	bool k;
	struct cpuid_out o = q(0x40000000, 0, 0, 1, &k);
	char sig[13];

	CHECK(k);
	CHECK(o.eax >= 0x40000001);
	memcpy(sig, &o.ebx, 4);
	memcpy(sig + 4, &o.ecx, 4);
	memcpy(sig + 8, &o.edx, 4);
	sig[12] = '\0';
	CHECK_STR(sig, "PureVisorPV ");
	o = q(0x40000001, 0, 0, 1, &k);
	CHECK_EQ(o.eax, 0x00010000);
}

UNIT_TEST(apic_id_and_count_per_vcpu)
{
	bool k;
	struct cpuid_out a = q(1, 0, 0, 3, &k), b = q(1, 0, 2, 3, &k);

	CHECK_EQ(a.ebx >> 24, 0);
	CHECK_EQ(b.ebx >> 24, 2);
	CHECK_EQ((b.ebx >> 16) & 0xFF, 3);
	CHECK_EQ(b.ebx & 0xFFFF, 0x0800); /* CLFLUSH size, brand kept */
	CHECK(b.edx & (1u << 28));
	CHECK(!(q(1, 0, 0, 1, &k).edx & (1u << 28)));
	CHECK_EQ(q(0x80000008, 0, 0, 3, &k).ecx, 2);
	CHECK_EQ(q(0x80000008, 0, 0, 3, &k).eax, 0x3030);
	CHECK_EQ(q(0x80000008, 0, 0, 3, &k).ebx, 0);
}

UNIT_TEST(max_leaves_clamped_and_hidden_leaves_zero)
{
	bool k;

	CHECK_EQ(q(0, 0, 0, 1, &k).eax, CPUID_GUEST_MAX_BASIC);
	CHECK_EQ(q(0x80000000, 0, 0, 1, &k).eax, CPUID_GUEST_MAX_EXT);
	for (u32 l = 0xA; l <= 0xD; l += 1) {
		struct cpuid_out o = q(l, 0, 0, 1, &k);

		if (l == 0xA || l == 0xB || l == 0xD) {
			CHECK(k);
			CHECK(!o.eax && !o.ebx && !o.ecx && !o.edx);
		}
	}
	q(0x14, 0, 0, 1, &k);
	CHECK(!k);
	q(0x40000002, 0, 0, 1, &k);
	CHECK(!k);
	CHECK_EQ(q(0x80000007, 0, 0, 1, &k).edx, 1u << 8);
	CHECK_EQ(q(7, 0, 0, 1, &k).edx, 0);
	CHECK(!(q(7, 0, 0, 1, &k).ebx & (1u << 5))); /* AVX2 */
	CHECK(!(q(7, 0, 0, 1, &k).ebx & (1u << 10))); /* INVPCID */
	CHECK(q(7, 0, 0, 1, &k).ebx & (1u << 0)); /* FSGSBASE kept */
}

UNIT_TEST(msr_policy_table)
{
	struct msr_state s;
	u64 v;

	msr_state_reset(&s, true);
	CHECK_EQ(msr_policy_read(&s, MSR_IA32_PAT, 0, &v), 0);
	CHECK(v == PAT_POWER_ON);
	CHECK_EQ(msr_policy_write(&s, MSR_IA32_PAT, 0x0606060606060606ull), 0);
	CHECK_EQ(msr_policy_read(&s, MSR_IA32_PAT, 0, &v), 0);
	CHECK(v == 0x0606060606060606ull);
	CHECK_EQ(msr_policy_write(&s, MSR_IA32_PAT, 0x02), -1); /* type 2 */
	CHECK_EQ(msr_policy_write(&s, MSR_IA32_BIOS_SIGN_ID, 0), 0);
	CHECK_EQ(msr_policy_read(&s, MSR_IA32_BIOS_SIGN_ID, 0, &v), 0);
	CHECK_EQ(v, 0);
	CHECK_EQ(msr_policy_read(&s, MSR_AMD64_NB_CFG, 0, &v), 0);
	CHECK_EQ(v, 0);
	CHECK_EQ(msr_policy_write(&s, MSR_AMD64_NB_CFG, 1ull << 46), 0);
	CHECK_EQ(msr_policy_write(&s, MSR_IA32_BIOS_SIGN_ID, 0), 0);
	CHECK_EQ(msr_policy_read(&s, MSR_IA32_BIOS_SIGN_ID, 0, &v), 0);
	CHECK_EQ(v, 0);
	CHECK_EQ(msr_policy_read(&s, MSR_AMD64_NB_CFG, 0, &v), 0);
	CHECK_EQ(v, 1ull << 46);
	CHECK_EQ(msr_policy_write(&s, MSR_AMD64_NB_CFG, 1), -1);
	CHECK_EQ(msr_policy_read(&s, MSR_IA32_TSC, 1234, &v), 0);
	CHECK_EQ(v, 1234);
	CHECK_EQ(msr_policy_read(&s, MSR_IA32_APIC_BASE, 0, &v), 0);
	CHECK(v == (APIC_BASE_DEFAULT | APIC_BASE_BSP));
	msr_state_reset(&s, false);
	msr_policy_read(&s, MSR_IA32_APIC_BASE, 0, &v);
	CHECK(v == APIC_BASE_DEFAULT);
	CHECK_EQ(msr_policy_write(&s, MSR_IA32_LSTAR, 0xFFFF800000001000ull),
		 0);
	CHECK_EQ(msr_policy_write(&s, MSR_IA32_LSTAR, 0x0000800000000000ull),
		 -1);
	msr_policy_read(&s, MSR_IA32_LSTAR, 0, &v);
	CHECK(v == 0xFFFF800000001000ull);
	CHECK_EQ(msr_policy_write(&s, MSR_IA32_MTRRCAP, 0), -1);
	CHECK_EQ(msr_policy_write(&s, MSR_IA32_MTRR_DEF_TYPE, 0xC06), 0);
	CHECK_EQ(msr_policy_write(&s, MSR_IA32_MTRR_DEF_TYPE, 0x1006), -1);
	CHECK_EQ(msr_policy_write(&s, MSR_IA32_SYSENTER_CS, 0x12345), 0);
	msr_policy_read(&s, MSR_IA32_SYSENTER_CS, 0, &v);
	CHECK_EQ(v, 0x2345);
	/* Perfmon is hidden in CPUID: its MSRs do not exist. */
	CHECK_EQ(msr_policy_read(&s, 0xC1, 0, &v), -1); /* IA32_PMC0 */
	CHECK_EQ(msr_policy_read(&s, 0x186, 0, &v), -1); /* PERFEVTSEL0 */
	CHECK_EQ(msr_policy_read(&s, 0x38F, 0, &v), -1); /* PERF_GLOBAL_CTRL */
	CHECK_EQ(msr_policy_read(&s, 0xC0010000, 0, &v), -1); /* AMD evtsel */
	CHECK_EQ(msr_policy_read(&s, 0x3A, 0, &v), -1); /* FEATURE_CONTROL */
	CHECK_EQ(msr_policy_read(&s, 0xC0010114, 0, &v), -1); /* VM_CR */
	CHECK_EQ(msr_policy_write(&s, 0x12345678, 0), -1);
	CHECK_EQ(msr_efer_check(0xD01, true), 0);
	CHECK_EQ(msr_efer_check(0x1000, true), -1); /* SVME */
	CHECK_EQ(msr_efer_check(0x800, false), -1); /* NXE without NX */
}

UNIT_MAIN();

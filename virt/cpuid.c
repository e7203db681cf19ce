// SPDX-License-Identifier: GPL-2.0
/*
 * The CPUID the guest sees. Host values pass through except what the VM
 * cannot have:
 *
 *   leaf        register  policy
 *   0           EAX       max basic leaf clamped to CPUID_GUEST_MAX_BASIC
 *   1           EBX       [31:24] APIC ID = vCPU id, [23:16] = vCPU count
 *   1           ECX       VMX(5) SMX(6) EST(7) TM2(8) MONITOR(3) DTES64(2)
 *                         DS-CPL(4) PDCM(15) x2APIC(21) TSC-deadline(24)
 *                         XSAVE(26) OSXSAVE(27) AVX(28) cleared; hypervisor
 *                         (31) set; with the PC platform x2APIC and
 *                         TSC-deadline set (the LAPIC model has both)
 *   1           EDX       APIC(9) MCE(7) MCA(14) ACPI(22) TM(29) PBE(31)
 *                         DS(21) cleared (no MCA or thermal model; APIC
 *                         set with the PC platform); HTT(28) set when
 *                         vCPUs > 1
 *   2, 3, 4     all       passed through (cache descriptors)
 *   7.0         EBX       SGX, AVX2, INVPCID, RTM/HLE, MPX, RDT, AVX-512,
 *                         PT cleared
 *   7.0         ECX/EDX   only UMIP-free basics kept; EDX (speculation
 *                         control MSRs) zeroed
 *   5, 6, 0xA, 0xB, 0xD   zeroed: MONITOR, thermal, perfmon (so the
 *                         architectural perf-counter MSRs #GP), x2APIC
 *                         topology, XSAVE state
 *   0x40000000  all       EAX = CPUID_HV_MAX, EBX:ECX:EDX = "PureVisorPV "
 *   0x40000001  EAX       hypercall ABI version
 *   0x80000000  EAX       max extended leaf clamped to CPUID_GUEST_MAX_EXT
 *   0x80000001  ECX       SVM(2) OSVW(9) IBS(10) SKINIT(12) WDT(13) LWP(15)
 *                         TOPOEXT(22) PerfCtr*(23,24,27,28) MONITORX(29)
 *                         cleared; EDX RDTSCP(27) cleared (TSC_AUX not kept)
 *   0x80000002-4, 5, 6    passed through (brand, caches)
 *   0x80000007  EDX       invariant TSC (8) only
 *   0x80000008  EAX       address sizes; EBX zeroed, ECX cores = vCPUs
 *   0x8000000A  all       zero (SVM features), as every other leaf
 *
 * Unknown leaves read as zeros and are reported to the caller.
 */
#include <pv/hypercall.h>
#include "policy.h"

#define BIT(n) (1u << (n))

#define L1_ECX_HIDE                                                     \
	(BIT(2) | BIT(3) | BIT(4) | BIT(5) | BIT(6) | BIT(7) | BIT(8) | \
	 BIT(15) | BIT(21) | BIT(24) | BIT(26) | BIT(27) | BIT(28))
#define L1_EDX_HIDE \
	(BIT(7) | BIT(9) | BIT(14) | BIT(21) | BIT(22) | BIT(29) | BIT(31))
/* 7.0 EBX: SGX(2) HLE(4) AVX2(5) INVPCID(10: VMX makes it #UD unless a
 * control the backend does not set allows it) RTM(11) RDT-M(12) MPX(14)
 * RDT-A(15) AVX512F/DQ(16,17) AVX512IFMA(21) PT(25) AVX512PF/ER/CD(26-28)
 * AVX512BW/VL(30,31). */
#define L7_EBX_HIDE                                                            \
	(BIT(2) | BIT(4) | BIT(5) | BIT(10) | BIT(11) | BIT(12) | BIT(14) |    \
	 BIT(15) | BIT(16) | BIT(17) | BIT(21) | BIT(25) | BIT(26) | BIT(27) | \
	 BIT(28) | BIT(30) | BIT(31))
/* 7.0 ECX kept: PREFETCHWT1(0) only; the rest need state we do not
 * switch or emulate (PKU, WAITPKG, AVX-512 extensions, RDPID, ...). */
#define L7_ECX_KEEP BIT(0)
#define E1_ECX_HIDE                                                          \
	(BIT(2) | BIT(9) | BIT(10) | BIT(12) | BIT(13) | BIT(15) | BIT(22) | \
	 BIT(23) | BIT(24) | BIT(27) | BIT(28) | BIT(29))
#define E1_EDX_HIDE BIT(27)

static u32 sig_word(const char *s)
{
	return (u32)(u8)s[0] | (u32)(u8)s[1] << 8 | (u32)(u8)s[2] << 16 |
	       (u32)(u8)s[3] << 24;
}

static bool hv_leaf(u32 leaf, struct cpuid_out *o)
{
	switch (leaf) {
	case 0x40000000:
		o->eax = CPUID_HV_MAX;
		o->ebx = sig_word(HV_SIGNATURE);
		o->ecx = sig_word(HV_SIGNATURE + 4);
		o->edx = sig_word(HV_SIGNATURE + 8);
		return true;
	case 0x40000001: o->eax = HC_ABI_VERSION; return true;
	}
	return false;
}

static bool basic_leaf(const struct cpuid_ctx *c, u32 leaf, u32 sub,
		       struct cpuid_out *o)
{
	struct cpuid_out h = c->host(leaf, sub);
	unsigned int n = c->nr_vcpus ? c->nr_vcpus : 1;

	switch (leaf) {
	case 0:
		*o = h;
		o->eax = h.eax < CPUID_GUEST_MAX_BASIC ? h.eax
						       : CPUID_GUEST_MAX_BASIC;
		return true;
	case 1:
		*o = h;
		o->ebx = (h.ebx & 0xFFFF) | (n & 0xFF) << 16 |
			 (c->vcpu_id & 0xFF) << 24;
		o->ecx = (h.ecx & ~L1_ECX_HIDE) | BIT(31);
		o->edx = h.edx & ~L1_EDX_HIDE;
		if (c->platform) {
			o->ecx |= BIT(21) | BIT(24);
			o->edx |= BIT(9);
		}
		if (n > 1)
			o->edx |= BIT(28);
		else
			o->edx &= ~BIT(28);
		return true;
	case 2:
	case 3:
	case 4: *o = h; return true;
	case 7:
		if (sub == 0) {
			o->eax = 0; /* no subleaf 1 */
			o->ebx = h.ebx & ~L7_EBX_HIDE;
			o->ecx = h.ecx & L7_ECX_KEEP;
		}
		return true;
	case 5:
	case 6:
	case 0xA:
	case 0xB:
	case 0xD: return true; /* hidden: zeros */
	}
	return false;
}

static bool ext_leaf(const struct cpuid_ctx *c, u32 leaf, u32 sub,
		     struct cpuid_out *o)
{
	struct cpuid_out h = c->host(leaf, sub);
	unsigned int n = c->nr_vcpus ? c->nr_vcpus : 1;

	switch (leaf) {
	case 0x80000000:
		*o = h;
		o->eax = h.eax < CPUID_GUEST_MAX_EXT ? h.eax
						     : CPUID_GUEST_MAX_EXT;
		return true;
	case 0x80000001:
		*o = h;
		o->ecx = h.ecx & ~E1_ECX_HIDE;
		o->edx = h.edx & ~E1_EDX_HIDE;
		return true;
	case 0x80000002:
	case 0x80000003:
	case 0x80000004:
	case 0x80000005:
	case 0x80000006: *o = h; return true;
	case 0x80000007: o->edx = h.edx & BIT(8); return true;
	case 0x80000008:
		o->eax = h.eax;
		o->ecx = (n - 1) & 0xFF;
		return true;
	}
	return false;
}

bool cpuid_policy(const struct cpuid_ctx *c, u32 leaf, u32 subleaf,
		  struct cpuid_out *out)
{
	u32 max;

	*out = (struct cpuid_out){ 0, 0, 0, 0 };
	if (leaf >= 0x40000000 && leaf <= 0x400000FF)
		return hv_leaf(leaf, out);
	if (leaf >= 0x80000000) {
		max = c->host(0x80000000, 0).eax;
		if (leaf > max || leaf > CPUID_GUEST_MAX_EXT)
			return false;
		return ext_leaf(c, leaf, subleaf, out);
	}
	max = c->host(0, 0).eax;
	if (leaf > max || leaf > CPUID_GUEST_MAX_BASIC)
		return false;
	return basic_leaf(c, leaf, subleaf, out);
}

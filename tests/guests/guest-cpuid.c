// SPDX-License-Identifier: GPL-2.0
/* CPUID as the hypervisor filters it: hypervisor leaf present, VMX and SVM
 * hidden. */
#include "guest.h"

static void hypervisor_bit(void)
{
	u32 a, b, c, d;

	cpuid(1, 0, &a, &b, &c, &d);
	EXPECT(c & (1u << 31));
}

static void hypervisor_leaf(void)
{
	u32 a, sig[3];

	cpuid(0x40000000, 0, &a, &sig[0], &sig[1], &sig[2]);
	EXPECT(a >= 0x40000000 && a < 0x40000100);
	EXPECT(!memcmp(sig, HV_SIGNATURE, 12));
	if (memcmp(sig, HV_SIGNATURE, 12))
		printf("# signature %08x %08x %08x\n", sig[0], sig[1], sig[2]);
}

static void vmx_hidden(void)
{
	u32 a, b, c, d;

	cpuid(1, 0, &a, &b, &c, &d);
	EXPECT(!(c & (1u << 5)));
}

static void svm_hidden(void)
{
	u32 a, b, c, d, max;

	cpuid(0x80000000, 0, &max, &b, &c, &d);
	cpuid(0x80000001, 0, &a, &b, &c, &d);
	EXPECT(!(c & (1u << 2)));
	if (max >= 0x8000000A) {
		/* SVM feature leaf: nothing to advertise. */
		cpuid(0x8000000A, 0, &a, &b, &c, &d);
		EXPECT_EQ(a | b | d, 0);
	}
}

static void basic_leaves_sane(void)
{
	u32 max, b, c, d;

	cpuid(0, 0, &max, &b, &c, &d);
	EXPECT(max >= 1 && max < 0x100);
	EXPECT(b && c && d); /* a vendor string */
}

void guest_main(void)
{
	ktap_plan(5);
	ktap_case("hypervisor_bit", hypervisor_bit);
	ktap_case("hypervisor_leaf", hypervisor_leaf);
	ktap_case("vmx_hidden", vmx_hidden);
	ktap_case("svm_hidden", svm_hidden);
	ktap_case("basic_leaves_sane", basic_leaves_sane);
	ktap_done();
}

// SPDX-License-Identifier: GPL-2.0
/* The hypercall ABI of include/pv/hypercall.h, from the guest's side. */
#include "guest.h"

static void version(void)
{
	EXPECT_EQ(hypercall(HC_VERSION, 0, 0, 0), HC_ABI_VERSION);
}

static void unknown_number(void)
{
	EXPECT_EQ(hypercall(0x7777, 1, 2, 3), (u32)HC_ENOSYS);
}

static void bad_argument(void)
{
	/* Vectors below 32 are exceptions: refused. */
	EXPECT_EQ(hypercall(HC_TIMER_ONESHOT, 1000, 5, 0), (u32)HC_EINVAL);
}

static void vcpu_id(void)
{
	EXPECT_EQ(hypercall(HC_VCPU_ID, 0, 0, 0), 0);
}

static void uptime_advances(void)
{
	u32 t0 = hypercall(HC_UPTIME_NS, 0, 0, 0), t1;

	for (volatile int i = 0; i < 100000; i++)
		;
	t1 = hypercall(HC_UPTIME_NS, 0, 0, 0);
	EXPECT(t1 != t0);
}

static u64 rdtsc64(void)
{
	u32 lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (u64)hi << 32 | lo;
}

/*
 * The guest TSC counts from the VM's creation (the hypervisor's TSC
 * offset), not from the machine's power-on: once the VM has run for
 * 50 ms, TSC / uptime is about the TSC rate (plus the few ms between
 * creation and start); counted from the host's power-on (its boot took
 * far longer than 50 ms) it would be several times that.
 */
static void tsc_counts_from_vm_creation(void)
{
	u32 u0, u1;
	u64 t0, t1;

	/* Waiting yields the CPU: other test VMs may share it. */
	while (hypercall(HC_UPTIME_NS, 0, 0, 0) < 50000000u)
		hypercall(HC_YIELD, 0, 0, 0);
	t0 = rdtsc64();
	u0 = hypercall(HC_UPTIME_NS, 0, 0, 0);
	while (hypercall(HC_UPTIME_NS, 0, 0, 0) - u0 < 50000000u)
		hypercall(HC_YIELD, 0, 0, 0);
	t1 = rdtsc64();
	u1 = hypercall(HC_UPTIME_NS, 0, 0, 0);
	/* t0 / u0 < 2 * (t1 - t0) / (u1 - u0), without 64-bit division. */
	EXPECT(t1 > t0);
	EXPECT(t0 * (u64)(u1 - u0) < 2 * (t1 - t0) * (u64)u0);
}

static void putc_and_yield(void)
{
	const char *s = "hello via hypercall\n";

	for (; *s; s++)
		EXPECT_EQ(hypercall(HC_PUTC, *s, 0, 0), 0);
	EXPECT_EQ(hypercall(HC_YIELD, 0, 0, 0), 0);
}

static void registers_preserved(void)
{
	u32 b = 0x11111111, c = 0x22222222, d = 0x33333333, si = 0x44444444,
	    di = 0x55555555, a = HC_VERSION;

	__asm__ volatile("push %%ebp\n\t"
			 "mov $0x66666666, %%ebp\n\t"
			 "cmpb $0, use_vmmcall_flag\n\t"
			 "je 1f\n\t"
			 "vmmcall\n\t"
			 "jmp 2f\n"
			 "1:\tvmcall\n"
			 "2:\tcmp $0x66666666, %%ebp\n\t"
			 "pop %%ebp\n\t"
			 "je 3f\n\t"
			 "movl $0, %%edi\n"
			 "3:"
			 : "+a"(a), "+b"(b), "+c"(c), "+d"(d), "+S"(si),
			   "+D"(di)
			 :
			 : "memory", "cc");
	/* RBX..RDX are arguments: VERSION leaves them alone. */
	EXPECT_EQ(a, HC_ABI_VERSION);
	EXPECT_EQ(b, 0x11111111);
	EXPECT_EQ(c, 0x22222222);
	EXPECT_EQ(d, 0x33333333);
	EXPECT_EQ(si, 0x44444444);
	EXPECT_EQ(di, 0x55555555);
}

u8 use_vmmcall_flag;

void guest_main(void)
{
	u32 a, b, c, d;

	cpuid(0, 0, &a, &b, &c, &d);
	use_vmmcall_flag = b == 0x68747541;
	ktap_plan(8);
	ktap_case("version", version);
	ktap_case("unknown_number", unknown_number);
	ktap_case("bad_argument", bad_argument);
	ktap_case("vcpu_id", vcpu_id);
	ktap_case("uptime_advances", uptime_advances);
	ktap_case("tsc_counts_from_vm_creation", tsc_counts_from_vm_creation);
	ktap_case("putc_and_yield", putc_and_yield);
	ktap_case("registers_preserved", registers_preserved);
	ktap_done();
}

// SPDX-License-Identifier: GPL-2.0
/*
 * virt suite: tiny hand-assembled 32-bit guests (source in the comments,
 * assembled with `as --32`) run through the real scheduler on whichever
 * backend is active; results are read back from guest RAM and the VM's
 * counters.
 */
#include <pv/hypercall.h>
#include <pv/ktest.h>
#include <pv/pmm.h>
#include <pv/printf.h>
#include <pv/string.h>
#include <pv/virt.h>
#include <asm/percpu.h>

#define CODE 0x8000
#define STACK 0x7000
#define GDT 0x1000
#define IDT 0x2000
#define RAM (2ull << 20)
#define WAIT_MS 10000

static const u64 gdt[] = { 0, 0x00CF9A000000FFFFull, 0x00CF92000000FFFFull };

/*
 * mov $1,%eax; xor %ecx,%ecx; cpuid; mov %ecx,0x500; mov %edx,0x524
 * mov $0x80000001,%eax; cpuid; mov %ecx,0x504
 * mov $0x40000000,%eax; cpuid; mov %eax,0x508; mov %ebx,0x50c
 * mov %ecx,0x510; mov %edx,0x514
 * mov $0x2f0,%dx; in (%dx),%eax; mov %eax,0x518     unclaimed port
 * movl $0x12345678,0xE0000000                       unbacked MMIO write
 * mov 0xE0000000,%eax; mov %eax,0x51c               ... and read
 * movl $0xC0DE,0x520                                RIP got past them
 * mov $0x3f8,%dx; "h", "i", "\n" out to the UART
 * mov $0x42,%eax; out %eax,$0xf4
 * 1: hlt; jmp 1b
 */
static const u8 basic_code[] = {
	0xb8, 0x01, 0x00, 0x00, 0x00, 0x31, 0xc9, 0x0f, 0xa2, 0x89, 0x0d, 0x00,
	0x05, 0x00, 0x00, 0x89, 0x15, 0x24, 0x05, 0x00, 0x00, 0xb8, 0x01, 0x00,
	0x00, 0x80, 0x0f, 0xa2, 0x89, 0x0d, 0x04, 0x05, 0x00, 0x00, 0xb8, 0x00,
	0x00, 0x00, 0x40, 0x0f, 0xa2, 0xa3, 0x08, 0x05, 0x00, 0x00, 0x89, 0x1d,
	0x0c, 0x05, 0x00, 0x00, 0x89, 0x0d, 0x10, 0x05, 0x00, 0x00, 0x89, 0x15,
	0x14, 0x05, 0x00, 0x00, 0x66, 0xba, 0xf0, 0x02, 0xed, 0xa3, 0x18, 0x05,
	0x00, 0x00, 0xc7, 0x05, 0x00, 0x00, 0x00, 0xe0, 0x78, 0x56, 0x34, 0x12,
	0xa1, 0x00, 0x00, 0x00, 0xe0, 0xa3, 0x1c, 0x05, 0x00, 0x00, 0xc7, 0x05,
	0x20, 0x05, 0x00, 0x00, 0xde, 0xc0, 0x00, 0x00, 0x66, 0xba, 0xf8, 0x03,
	0xb0, 0x68, 0xee, 0xb0, 0x69, 0xee, 0xb0, 0x0a, 0xee, 0xb8, 0x42, 0x00,
	0x00, 0x00, 0xe7, 0xf4, 0xf4, 0xeb, 0xfd
};

/*
 * mov $0x12345678,%ecx; rdmsr            #GP(0)
 * movl $0xBAD,0x530; mov $0x99,%eax; out %eax,$0xf4     not reached
 * handler (+0x18): pop %eax; mov %eax,0x534   error code
 *                  pop %eax; mov %eax,0x538   faulting EIP
 *                  mov $0x13,%eax; out %eax,$0xf4
 */
static const u8 gp_code[] = { 0xb9, 0x78, 0x56, 0x34, 0x12, 0x0f, 0x32, 0xc7,
			      0x05, 0x30, 0x05, 0x00, 0x00, 0xad, 0x0b, 0x00,
			      0x00, 0xb8, 0x99, 0x00, 0x00, 0x00, 0xe7, 0xf4,
			      0x58, 0xa3, 0x34, 0x05, 0x00, 0x00, 0x58, 0xa3,
			      0x38, 0x05, 0x00, 0x00, 0xb8, 0x13, 0x00, 0x00,
			      0x00, 0xe7, 0xf4 };

/*
 * mov $0x777,%eax; vmmcall; mov %eax,0x548     unknown: -1
 * xor %eax,%eax; vmmcall; mov %eax,0x54c       HC_VERSION
 * mov $3,%esi
 * 1: mov $2,%eax; mov $1000000,%ebx; mov $0x30,%ecx; vmmcall
 *    mov %eax,0x544; sti; hlt; cli; dec %esi; jnz 1b
 * mov 0x540,%eax; out %eax,$0xf4               status = interrupts taken
 * handler (+0x40): incl 0x540; iret
 */
static const u8 timer_code[] = {
	0xb8, 0x77, 0x07, 0x00, 0x00, 0x0f, 0x01, 0xd9, 0xa3, 0x48, 0x05, 0x00,
	0x00, 0x31, 0xc0, 0x0f, 0x01, 0xd9, 0xa3, 0x4c, 0x05, 0x00, 0x00, 0xbe,
	0x03, 0x00, 0x00, 0x00, 0xb8, 0x02, 0x00, 0x00, 0x00, 0xbb, 0x40, 0x42,
	0x0f, 0x00, 0xb9, 0x30, 0x00, 0x00, 0x00, 0x0f, 0x01, 0xd9, 0xa3, 0x44,
	0x05, 0x00, 0x00, 0xfb, 0xf4, 0xfa, 0x4e, 0x75, 0xe3, 0xa1, 0x40, 0x05,
	0x00, 0x00, 0xe7, 0xf4, 0xff, 0x05, 0x40, 0x05, 0x00, 0x00, 0xcf
};

/*
 * mov $0x700,%esi; mov $2,%ecx; mov $0x3f8,%dx; cld; rep outsb   "ab"
 * mov $0x710,%edi; mov $4,%ecx; mov $0x2f0,%dx; rep insb   unclaimed
 * HC_PUTC 'z', HC_PUTC '\n'                        line "abz"
 * wrmsr PAT = 0x0606060600060606; rdmsr PAT -> 0x720/0x724
 * rdmsr EFER -> 0x728
 * HC_TIMER_ONESHOT(1 ns, 0x31) with IF=0; 20 x cpuid (exits)
 * mov 0x730,%eax; mov %eax,0x734          no interrupt while IF=0
 * sti; nop; nop; cli                      window opens: handler runs
 * HC_YIELD -> 0x72c
 * mov 0x730,%eax; out %eax,$0xf4          status = interrupts taken
 * handler (+0xa9): incl 0x730; iret
 */
static const u8 misc_code[] = {
	0xbe, 0x00, 0x07, 0x00, 0x00, 0xb9, 0x02, 0x00, 0x00, 0x00, 0x66, 0xba,
	0xf8, 0x03, 0xfc, 0xf3, 0x6e, 0xbf, 0x10, 0x07, 0x00, 0x00, 0xb9, 0x04,
	0x00, 0x00, 0x00, 0x66, 0xba, 0xf0, 0x02, 0xf3, 0x6c, 0xb8, 0x01, 0x00,
	0x00, 0x00, 0xbb, 0x7a, 0x00, 0x00, 0x00, 0x0f, 0x01, 0xd9, 0xb8, 0x01,
	0x00, 0x00, 0x00, 0xbb, 0x0a, 0x00, 0x00, 0x00, 0x0f, 0x01, 0xd9, 0xb9,
	0x77, 0x02, 0x00, 0x00, 0xb8, 0x06, 0x06, 0x06, 0x00, 0xba, 0x06, 0x06,
	0x06, 0x06, 0x0f, 0x30, 0x31, 0xc0, 0x31, 0xd2, 0x0f, 0x32, 0xa3, 0x20,
	0x07, 0x00, 0x00, 0x89, 0x15, 0x24, 0x07, 0x00, 0x00, 0xb9, 0x80, 0x00,
	0x00, 0xc0, 0x0f, 0x32, 0xa3, 0x28, 0x07, 0x00, 0x00, 0xb8, 0x02, 0x00,
	0x00, 0x00, 0xbb, 0x01, 0x00, 0x00, 0x00, 0xb9, 0x31, 0x00, 0x00, 0x00,
	0x0f, 0x01, 0xd9, 0xbe, 0x14, 0x00, 0x00, 0x00, 0x31, 0xc0, 0x0f, 0xa2,
	0x4e, 0x75, 0xf9, 0xa1, 0x30, 0x07, 0x00, 0x00, 0xa3, 0x34, 0x07, 0x00,
	0x00, 0xfb, 0x90, 0x90, 0xfa, 0xb8, 0x03, 0x00, 0x00, 0x00, 0x0f, 0x01,
	0xd9, 0xa3, 0x2c, 0x07, 0x00, 0x00, 0xa1, 0x30, 0x07, 0x00, 0x00, 0xe7,
	0xf4, 0xff, 0x05, 0x30, 0x07, 0x00, 0x00, 0xcf
};

/* 1: incl 0x600; jmp 1b */
static const u8 spin_code[] = { 0xff, 0x05, 0x00, 0x06, 0x00, 0x00, 0xeb, 0xf8 };
/* ud2 with an empty IDT: #UD, #GP, #DF, shutdown */
static const u8 ud2_code[] = { 0x0f, 0x0b };

static u32 rd32(struct vm *vm, gpa_t gpa)
{
	u32 v = 0;

	vm_read_phys(vm, gpa, &v, 4);
	return v;
}

static void set_gate(struct vm *vm, unsigned int vec, u32 handler)
{
	u64 g = (handler & 0xFFFF) | (0x08ull << 16) | (0x8E00ull << 32) |
		((u64)(handler >> 16) << 48);

	vm_write_phys(vm, IDT + vec * 8, &g, 8);
}

/* VMCALL instead of VMMCALL on Intel: 0F 01 D9 -> 0F 01 C1. */
static void load_code(struct vm *vm, const u8 *code, size_t len)
{
	u8 buf[256];

	memcpy(buf, code, len);
	if (!strcmp(vcpu_ops->name, "vmx"))
		for (size_t i = 0; i + 2 < len; i++)
			if (buf[i] == 0x0f && buf[i + 1] == 0x01 &&
			    buf[i + 2] == 0xd9)
				buf[i + 2] = 0xc1;
	vm_write_phys(vm, CODE, buf, len);
}

static int reload(struct vm *vm, void *arg)
{
	struct vcpu_sregs s;

	(*(int *)arg)++;
	vm_write_phys(vm, GDT, gdt, sizeof(gdt));
	load_code(vm, spin_code, sizeof(spin_code));
	vcpu_set_flat32(vm->vcpus[0], CODE, STACK);
	vcpu_ops->get_sregs(vm->vcpus[0], &s);
	s.gdtr = (struct vcpu_dtable){ GDT, sizeof(gdt) - 1 };
	vcpu_ops->set_sregs(vm->vcpus[0], &s);
	return 0;
}

static struct vm *make_vm(struct ktest *t, const char *name, const u8 *code,
			  size_t len, u16 idt_limit)
{
	struct vm *vm = vm_create(name, RAM, 1);
	struct vcpu_sregs s;

	if (!KTEST_EXPECT(t, vm))
		return NULL;
	KTEST_EXPECT_EQ(t, vm_add_default_devices(vm), 0);
	vm_write_phys(vm, GDT, gdt, sizeof(gdt));
	load_code(vm, code, len);
	vcpu_set_flat32(vm->vcpus[0], CODE, STACK);
	vcpu_ops->get_sregs(vm->vcpus[0], &s);
	s.gdtr = (struct vcpu_dtable){ GDT, sizeof(gdt) - 1 };
	s.idtr = (struct vcpu_dtable){ IDT, idt_limit };
	vcpu_ops->set_sregs(vm->vcpus[0], &s);
	return vm;
}

static bool no_backend(struct ktest *t)
{
	if (virt_ready())
		return false;
	ktest_skip(t, "no virtualization backend enabled");
	return true;
}

static void basic_guest(struct ktest *t)
{
	struct vm *vm;
	char sig[13];

	if (no_backend(t))
		return;
	vm = make_vm(t, "kt-basic", basic_code, sizeof(basic_code), 0);
	if (!vm)
		return;
	KTEST_ASSERT_EQ(t, vm_start(vm), 0);
	KTEST_EXPECT_EQ(t, vm_wait_all(WAIT_MS), 0);
	ktest_log(t, "stop: %s (%s)", vm_stop_reason_name(vm->stop_reason),
		  vm->stop_msg);
	KTEST_EXPECT_EQ(t, vm->stop_reason, VM_STOP_EXIT);
	KTEST_EXPECT_EQ(t, vm->exit_status, 0x42);
	/* CPUID: no VMX/SVM, hypervisor bit and leaf. */
	KTEST_EXPECT(t, !(rd32(vm, 0x500) & (1u << 5)));
	KTEST_EXPECT(t, rd32(vm, 0x500) & (1u << 31));
	KTEST_EXPECT(t, !(rd32(vm, 0x504) & (1u << 2)));
	KTEST_EXPECT(t, rd32(vm, 0x508) >= 0x40000001);
	vm_read_phys(vm, 0x50c, sig, 12);
	sig[12] = '\0';
	KTEST_EXPECT(t, !strcmp(sig, HV_SIGNATURE));
	KTEST_EXPECT_EQ(t, vm->stats.exits[EXIT_CPUID], 3);
	/* Unclaimed port read: all-ones, counted. */
	KTEST_EXPECT_EQ(t, rd32(vm, 0x518), 0xFFFFFFFF);
	KTEST_EXPECT_EQ(t, vm->pio.unclaimed_reads, 1);
	/* Unbacked MMIO: write dropped, read all-ones, RIP moved on. */
	KTEST_EXPECT_EQ(t, rd32(vm, 0x51c), 0xFFFFFFFF);
	KTEST_EXPECT_EQ(t, vm->mmio.unclaimed_writes, 1);
	KTEST_EXPECT_EQ(t, vm->mmio.unclaimed_reads, 1);
	KTEST_EXPECT_EQ(t, vm->stats.npf_unbacked, 2);
	KTEST_EXPECT_EQ(t, vm->stats.exits[EXIT_NPF], 2);
	KTEST_EXPECT_EQ(t, rd32(vm, 0x520), 0xC0DE);
	/* The UART line reached the console, prefixed. */
	KTEST_EXPECT(t, !strcmp(vm_console_last_line(vm), "hi"));
	vm_print_exits(vm);
	vm_destroy(vm);
}

static void bad_msr_injects_gp(struct ktest *t)
{
	struct vm *vm;

	if (no_backend(t))
		return;
	vm = make_vm(t, "kt-msr", gp_code, sizeof(gp_code), 0x7FF);
	if (!vm)
		return;
	set_gate(vm, 13, CODE + 0x18);
	KTEST_ASSERT_EQ(t, vm_start(vm), 0);
	KTEST_EXPECT_EQ(t, vm_wait_all(WAIT_MS), 0);
	ktest_log(t, "stop: %s (%s)", vm_stop_reason_name(vm->stop_reason),
		  vm->stop_msg);
	KTEST_EXPECT_EQ(t, vm->exit_status, 0x13);
	KTEST_EXPECT_EQ(t, rd32(vm, 0x534), 0); /* #GP(0) */
	KTEST_EXPECT_EQ(t, rd32(vm, 0x538), CODE + 5); /* at the RDMSR */
	KTEST_EXPECT(t, rd32(vm, 0x530) != 0xBAD);
	KTEST_EXPECT_EQ(t, vm->stats.msr_gp, 1);
	vm_destroy(vm);
}

/* One VM triple-faults; another, running at the same time, takes timer
 * interrupts through HLT and finishes. */
static void triple_fault_stops_only_that_vm(struct ktest *t)
{
	struct vm *bad, *good;

	if (no_backend(t))
		return;
	bad = make_vm(t, "kt-tf", ud2_code, sizeof(ud2_code), 0);
	good = make_vm(t, "kt-timer", timer_code, sizeof(timer_code), 0x7FF);
	if (!bad || !good)
		goto out;
	set_gate(good, 0x30, CODE + 0x40);
	KTEST_EXPECT_EQ(t, vm_start(bad), 0);
	KTEST_EXPECT_EQ(t, vm_start(good), 0);
	KTEST_EXPECT_EQ(t, vm_wait_all(WAIT_MS), 0);
	ktest_log(t, "kt-tf: %s; kt-timer: %s", bad->stop_msg, good->stop_msg);
	KTEST_EXPECT_EQ(t, bad->stop_reason, VM_STOP_SHUTDOWN);
	KTEST_EXPECT_EQ(t, good->stop_reason, VM_STOP_EXIT);
	KTEST_EXPECT_EQ(t, good->exit_status, 3); /* three wake-ups */
	KTEST_EXPECT_EQ(t, rd32(good, 0x544), 0);
	KTEST_EXPECT_EQ(t, rd32(good, 0x548), (u32)HC_ENOSYS);
	KTEST_EXPECT_EQ(t, rd32(good, 0x54c), HC_ABI_VERSION);
	KTEST_EXPECT(t, good->stats.exits[EXIT_HLT] >= 3);
	KTEST_EXPECT_EQ(t, good->stats.exits[EXIT_HYPERCALL], 5);
out:
	if (bad)
		vm_destroy(bad);
	if (good)
		vm_destroy(good);
}

static void pause_resume_reset_destroy(struct ktest *t)
{
	u64 free_before = pmm_free_count();
	struct vm *vm;
	u32 c1, c2, c3;
	int reloads = 0;

	if (no_backend(t))
		return;
	vm = make_vm(t, "kt-spin", spin_code, sizeof(spin_code), 0);
	if (!vm)
		return;
	vm_set_reset_hook(vm, reload, &reloads);
	KTEST_ASSERT_EQ(t, vm_start(vm), 0);
	KTEST_EXPECT_EQ(t, vm_wait_all(50), 1);
	KTEST_ASSERT_EQ(t, vm_pause(vm), 0);
	KTEST_EXPECT_EQ(t, vm->state, VM_PAUSED);
	c1 = rd32(vm, 0x600);
	vm_wait_all(50);
	c2 = rd32(vm, 0x600);
	KTEST_EXPECT(t, c1 > 0);
	KTEST_EXPECT_EQ(t, c1, c2); /* paused: no progress */
	KTEST_EXPECT_EQ(t, vm_pause(vm), -1);
	KTEST_ASSERT_EQ(t, vm_resume(vm), 0);
	vm_wait_all(50);
	c3 = rd32(vm, 0x600);
	KTEST_EXPECT(t, c3 > c2);
	KTEST_EXPECT_EQ(t, vm_reset(vm), 0);
	KTEST_EXPECT_EQ(t, reloads, 1);
	KTEST_EXPECT_EQ(t, vm->state, VM_RUNNING);
	vm_wait_all(50);
	KTEST_EXPECT(t, rd32(vm, 0x600) > 0); /* runs again from the start */
	ktest_log(t, "counts %u %u %u, after reset %u", c1, c2, c3,
		  rd32(vm, 0x600));
	vm_destroy(vm);
	KTEST_EXPECT(t, !vm_find("kt-spin"));
	/* The 512 pages of RAM came back (heap slabs may keep a few). */
	KTEST_EXPECT(t, pmm_free_count() + 16 >= free_before);
}

static void string_io_msr_window_yield(struct ktest *t)
{
	struct vm *vm;

	if (no_backend(t))
		return;
	vm = make_vm(t, "kt-misc", misc_code, sizeof(misc_code), 0x7FF);
	if (!vm)
		return;
	set_gate(vm, 0x31, CODE + 0xa9);
	vm_write_phys(vm, 0x700, "ab", 2);
	KTEST_ASSERT_EQ(t, vm_start(vm), 0);
	KTEST_EXPECT_EQ(t, vm_wait_all(WAIT_MS), 0);
	ktest_log(t, "stop: %s", vm->stop_msg);
	KTEST_EXPECT_EQ(t, vm->stop_reason, VM_STOP_EXIT);
	KTEST_EXPECT_EQ(t, vm->exit_status, 1); /* one timer interrupt */
	KTEST_EXPECT(t, !strcmp(vm_console_last_line(vm), "abz"));
	KTEST_EXPECT_EQ(t, rd32(vm, 0x710), 0xFFFFFFFF); /* rep insb */
	KTEST_EXPECT_EQ(t, vm->pio.unclaimed_reads, 4);
	KTEST_EXPECT_EQ(t, rd32(vm, 0x720), 0x00060606);
	KTEST_EXPECT_EQ(t, rd32(vm, 0x724), 0x06060606);
	KTEST_EXPECT_EQ(t, rd32(vm, 0x728), 0); /* EFER: no SVME shown */
	KTEST_EXPECT_EQ(t, rd32(vm, 0x734), 0); /* held while IF=0 */
	KTEST_EXPECT(t, vm->stats.exits[EXIT_INTR_WINDOW] >= 1);
	KTEST_EXPECT_EQ(t, rd32(vm, 0x72c), 0);
	KTEST_EXPECT_EQ(t, vm->stats.msr_gp, 0);
	vm_print_exits(vm);
	vm_destroy(vm);
}

/* More spinning VMs than CPUs that run vCPUs: some share a CPU, and every
 * one makes progress. */
static void time_sharing(struct ktest *t)
{
	unsigned int online = READ_ONCE(nr_cpus_online);
	unsigned int n = MIN((online > 1 ? online - 1 : 1) + 1, 6u);
	struct vm *vms[6] = { 0 };
	bool shared = false;

	if (no_backend(t))
		return;
	for (unsigned int i = 0; i < n; i++) {
		char name[16];

		snprintf(name, sizeof(name), "kt-share%u", i);
		vms[i] = make_vm(t, name, spin_code, sizeof(spin_code), 0);
		if (!vms[i])
			goto out;
	}
	for (unsigned int i = 0; i < n; i++)
		vm_start(vms[i]);
	KTEST_EXPECT_EQ(t, vm_wait_all(300), n);
	for (unsigned int i = 0; i < n; i++) {
		u32 c = rd32(vms[i], 0x600);

		ktest_log(t, "%s on CPU %d: %u increments", vms[i]->name,
			  vms[i]->vcpus[0]->pcpu, c);
		KTEST_EXPECT(t, c > 0);
		for (unsigned int j = 0; j < i; j++)
			if (vms[j]->vcpus[0]->pcpu == vms[i]->vcpus[0]->pcpu)
				shared = true;
	}
	KTEST_EXPECT(t, shared);
out:
	for (unsigned int i = 0; i < n; i++)
		if (vms[i])
			vm_destroy(vms[i]);
}

static const struct ktest_case virt_cases[] = {
	KTEST_CASE(basic_guest),
	KTEST_CASE(bad_msr_injects_gp),
	KTEST_CASE(triple_fault_stops_only_that_vm),
	KTEST_CASE(pause_resume_reset_destroy),
	KTEST_CASE(string_io_msr_window_yield),
	KTEST_CASE(time_sharing),
};

KTEST_SUITE("virt", virt_cases);

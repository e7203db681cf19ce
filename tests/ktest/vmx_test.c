// SPDX-License-Identifier: GPL-2.0
/*
 * VMX suite: the Intel backend alone, on a hand-built VM (no virt/ core).
 * Tiny 32-bit flat guests (paging off, unrestricted guest) are assembled
 * by hand into 2 MiB of guest RAM at GPA 0 and run exit by exit.
 */
#include <pv/heap.h>
#include <pv/ktest.h>
#include <pv/pmm.h>
#include <pv/printk.h>
#include <pv/string.h>
#include <pv/vm.h>
#include <asm/cpu.h>
#include <asm/cpufeature.h>
#include <asm/layout.h>
#include <asm/percpu.h>
#include <asm/smp.h>

#define RAM_ORDER 9 /* 2 MiB */
#define GDT_GPA 0x1000
#define IDT_GPA 0x2000
#define DATA_GPA 0x3000 /* guest results */
#define STACK_GPA 0x9000
#define CODE_GPA 0x10000
#define HANDLER_GPA 0x10800
#define INTR_VECTOR 0x30

struct vt {
	struct vm *vm;
	struct vcpu *v;
	phys_addr_t ram;
	phys_addr_t extra; /* a page mapped later at 4 KiB granularity */
};

static const struct vcpu_vendor_ops *ops = &vmx_vcpu_ops;

static u8 *gva(struct vt *x, u64 gpa)
{
	return (u8 *)phys_to_virt(x->ram) + gpa;
}

static u32 guest_u32(struct vt *x, u64 gpa)
{
	u32 v;

	memcpy(&v, gva(x, gpa), 4);
	return v;
}

static void flat_seg(struct vcpu_seg *s, u16 sel, u16 attr)
{
	s->sel = sel;
	s->attr = attr;
	s->limit = 0xFFFFFFFF;
	s->base = 0;
	s->unusable = false;
}

/* 32-bit protected mode, flat segments, paging off. */
static void flat32_sregs(struct vcpu_sregs *s)
{
	memset(s, 0, sizeof(*s));
	s->cr0 = CR0_PE | (1u << 4); /* ET */
	flat_seg(&s->cs, 0x08, 0xC09B);
	flat_seg(&s->ds, 0x10, 0xC093);
	flat_seg(&s->es, 0x10, 0xC093);
	flat_seg(&s->fs, 0x10, 0xC093);
	flat_seg(&s->gs, 0x10, 0xC093);
	flat_seg(&s->ss, 0x10, 0xC093);
	s->tr.attr = 0x8B; /* busy 32-bit TSS */
	s->tr.limit = 0x67;
	s->ldtr.unusable = true;
	s->ldtr.attr = 0x82;
	s->gdtr.base = GDT_GPA;
	s->gdtr.limit = 23;
	s->idtr.base = IDT_GPA;
	s->idtr.limit = 8 * (INTR_VECTOR + 1) - 1;
}

static bool vmx_usable(struct ktest *t)
{
	if (virt_backend != VIRT_VMX) {
		ktest_skip(t, "VMX backend not selected on this CPU");
		return false;
	}
	return true;
}

static void vt_free(struct vt *x)
{
	if (x->v) {
		ops->vcpu_destroy(x->v);
		kfree(x->v);
	}
	if (x->vm) {
		if (x->vm->s2)
			ops->vm_destroy(x->vm);
		kfree(x->vm);
	}
	if (x->ram)
		pmm_free_pages(x->ram, RAM_ORDER);
	if (x->extra)
		pmm_free_pages(x->extra, 0);
	memset(x, 0, sizeof(*x));
}

/* A VM with 2 MiB of RAM at GPA 0, a GDT, one vCPU at CODE_GPA. */
static bool vt_setup(struct ktest *t, struct vt *x, const u8 *code, size_t len)
{
	static const u64 gdt[3] = { 0, 0x00CF9B000000FFFFull,
				    0x00CF93000000FFFFull };
	struct vcpu_sregs s;

	memset(x, 0, sizeof(*x));
	if (!vmx_usable(t))
		return false;
	if (!KTEST_EXPECT_EQ(t, ops->cpu_enable(), 0))
		return false;
	x->vm = kzalloc(sizeof(*x->vm));
	x->v = kzalloc(sizeof(*x->v));
	x->ram = pmm_alloc_pages(RAM_ORDER);
	if (!KTEST_EXPECT(t, x->vm && x->v && x->ram))
		goto fail;
	memset(gva(x, 0), 0, 1u << (RAM_ORDER + PAGE_SHIFT));
	memcpy(gva(x, GDT_GPA), gdt, sizeof(gdt));
	memcpy(gva(x, CODE_GPA), code, len);
	x->vm->ram_size = 1u << (RAM_ORDER + PAGE_SHIFT);
	if (!KTEST_EXPECT_EQ(t, ops->vm_init(x->vm), 0))
		goto fail;
	if (!KTEST_EXPECT_EQ(
		    t, ops->s2_map(x->vm, 0, x->ram, x->vm->ram_size, S2_RWX),
		    0))
		goto fail;
	x->v->vm = x->vm;
	x->vm->vcpus[0] = x->v;
	x->vm->nr_vcpus = 1;
	if (!KTEST_EXPECT_EQ(t, ops->vcpu_init(x->v), 0)) {
		kfree(x->v);
		x->v = NULL;
		goto fail;
	}
	/* vcpu_init leaves the reset state: real mode at F000:FFF0. */
	ops->get_sregs(x->v, &s);
	KTEST_EXPECT_EQ(t, s.cs.sel, 0xF000);
	KTEST_EXPECT_EQ(t, s.cs.base, 0xFFFF0000);
	KTEST_EXPECT_EQ(t, x->v->regs.rip, 0xFFF0);
	KTEST_EXPECT_EQ(t, s.cr0 & CR0_PE, 0);
	KTEST_EXPECT_EQ(t, s.cr4 & CR4_VMXE, 0);

	flat32_sregs(&s);
	ops->set_sregs(x->v, &s);
	x->v->regs.rip = CODE_GPA;
	x->v->regs.rflags = 2;
	x->v->regs.gpr[X86_RSP] = STACK_GPA;
	return true;
fail:
	vt_free(x);
	return false;
}

/* Run until an exit other than a host interrupt or NMI. */
static int vt_run(struct vt *x, struct vcpu_exit *e)
{
	int rc;

	do {
		rc = ops->vcpu_run(x->v, e);
	} while (!rc && (e->reason == EXIT_EXTINT || e->reason == EXIT_NMI));
	return rc;
}

static void skip_insn(struct vt *x, const struct vcpu_exit *e)
{
	x->v->regs.rip += e->insn_len;
}

/* CPUID exits with its length; the host's results reach the guest, which
 * sees its own CR0/CR4 (no VMXE) through the read shadows. */
static void cpuid_exit(struct ktest *t)
{
	static const u8 code[] = {
		0xB8, 0x07, 0x00, 0x00, 0x00, /* mov eax, 7 */
		0xB9, 0x01, 0x00, 0x00, 0x00, /* mov ecx, 1 */
		0x0F, 0xA2, /* cpuid */
		0x89, 0x1D, 0x00, 0x30, 0x00, 0x00, /* mov [0x3000], ebx */
		0x0F, 0x20, 0xE0, /* mov eax, cr4 */
		0xA3, 0x04, 0x30, 0x00, 0x00, /* mov [0x3004], eax */
		0x0F, 0x20, 0xC0, /* mov eax, cr0 */
		0xA3, 0x08, 0x30, 0x00, 0x00, /* mov [0x3008], eax */
		0x89, 0x3D, 0x0C, 0x30, 0x00, 0x00, /* mov [0x300c], edi */
		0xF4, /* hlt */
	};
	struct vcpu_sregs s;
	struct vcpu_exit e;
	struct vt x;

	if (!vt_setup(t, &x, code, sizeof(code)))
		return;
	x.v->regs.gpr[X86_RDI] = 0x5EED1234; /* must survive entry and exit */
	KTEST_ASSERT_EQ(t, vt_run(&x, &e), 0);
	KTEST_EXPECT_EQ(t, e.reason, EXIT_CPUID);
	KTEST_EXPECT_EQ(t, e.hw_code, 10);
	KTEST_EXPECT_EQ(t, e.insn_len, 2);
	KTEST_EXPECT_EQ(t, x.v->regs.rip, CODE_GPA + 10);
	KTEST_EXPECT_EQ(t, x.v->regs.gpr[X86_RAX], 7);
	KTEST_EXPECT_EQ(t, x.v->regs.gpr[X86_RCX], 1);
	KTEST_EXPECT_EQ(t, x.v->regs.gpr[X86_RSP], STACK_GPA);

	x.v->regs.gpr[X86_RBX] = 0xABCD0123;
	skip_insn(&x, &e);
	KTEST_ASSERT_EQ(t, vt_run(&x, &e), 0);
	KTEST_EXPECT_EQ(t, e.reason, EXIT_HLT);
	KTEST_EXPECT_EQ(t, e.insn_len, 1);
	KTEST_EXPECT_EQ(t, x.v->regs.rip, CODE_GPA + sizeof(code) - 1);
	KTEST_EXPECT_EQ(t, guest_u32(&x, DATA_GPA), 0xABCD0123);
	KTEST_EXPECT_EQ(t, guest_u32(&x, DATA_GPA + 4) & CR4_VMXE, 0);
	KTEST_EXPECT_EQ(t, guest_u32(&x, DATA_GPA + 8), 0x11);
	KTEST_EXPECT_EQ(t, guest_u32(&x, DATA_GPA + 12), 0x5EED1234);
	KTEST_EXPECT_EQ(t, x.v->exits, 2);

	ops->get_sregs(x.v, &s);
	KTEST_EXPECT_EQ(t, s.cr0, 0x11);
	KTEST_EXPECT_EQ(t, s.cr4 & CR4_VMXE, 0);
	KTEST_EXPECT_EQ(t, s.cs.attr, 0xC09B);
	KTEST_EXPECT_EQ(t, s.cs.limit, 0xFFFFFFFF);
	KTEST_EXPECT_EQ(t, s.gdtr.base, GDT_GPA);
	KTEST_EXPECT(t, s.ldtr.unusable);
	vt_free(&x);
}

/* OUT imm8 / IN dx / OUT dx: port, size, direction; IN data delivered. */
static void io_exits(struct ktest *t)
{
	static const u8 code[] = {
		0xB0, 0x41, /* mov al, 0x41 */
		0xE6, 0x80, /* out 0x80, al */
		0x66, 0xBA, 0x34, 0x12, /* mov dx, 0x1234 */
		0xED, /* in eax, dx */
		0x66, 0xEF, /* out dx, ax */
		0xF4, /* hlt */
	};
	struct vcpu_exit e;
	struct vt x;

	if (!vt_setup(t, &x, code, sizeof(code)))
		return;
	KTEST_ASSERT_EQ(t, vt_run(&x, &e), 0);
	KTEST_ASSERT_EQ(t, e.reason, EXIT_IO);
	KTEST_EXPECT_EQ(t, e.io.port, 0x80);
	KTEST_EXPECT_EQ(t, e.io.size, 1);
	KTEST_EXPECT(t, !e.io.in && !e.io.string && !e.io.rep);
	KTEST_EXPECT_EQ(t, e.insn_len, 2);
	KTEST_EXPECT_EQ(t, x.v->regs.gpr[X86_RAX] & 0xFF, 0x41);

	skip_insn(&x, &e);
	KTEST_ASSERT_EQ(t, vt_run(&x, &e), 0);
	KTEST_ASSERT_EQ(t, e.reason, EXIT_IO);
	KTEST_EXPECT_EQ(t, e.io.port, 0x1234);
	KTEST_EXPECT_EQ(t, e.io.size, 4);
	KTEST_EXPECT(t, e.io.in);
	KTEST_EXPECT_EQ(t, e.insn_len, 1);
	x.v->regs.gpr[X86_RAX] = 0xCAFEBABE;

	skip_insn(&x, &e);
	KTEST_ASSERT_EQ(t, vt_run(&x, &e), 0);
	KTEST_ASSERT_EQ(t, e.reason, EXIT_IO);
	KTEST_EXPECT_EQ(t, e.io.port, 0x1234);
	KTEST_EXPECT_EQ(t, e.io.size, 2);
	KTEST_EXPECT(t, !e.io.in);
	KTEST_EXPECT_EQ(t, e.insn_len, 2);
	KTEST_EXPECT_EQ(t, x.v->regs.gpr[X86_RAX] & 0xFFFF, 0xBABE);

	skip_insn(&x, &e);
	KTEST_ASSERT_EQ(t, vt_run(&x, &e), 0);
	KTEST_EXPECT_EQ(t, e.reason, EXIT_HLT);
	vt_free(&x);
}

static void vmcall_exit(struct ktest *t)
{
	static const u8 code[] = {
		0xB8, 0x34, 0x12, 0x00, 0x00, /* mov eax, 0x1234 */
		0x0F, 0x01, 0xC1, /* vmcall */
		0xF4, /* hlt */
	};
	struct vcpu_exit e;
	struct vt x;

	if (!vt_setup(t, &x, code, sizeof(code)))
		return;
	KTEST_ASSERT_EQ(t, vt_run(&x, &e), 0);
	KTEST_EXPECT_EQ(t, e.reason, EXIT_HYPERCALL);
	KTEST_EXPECT_EQ(t, e.insn_len, 3);
	KTEST_EXPECT_EQ(t, x.v->regs.rip, CODE_GPA + 5);
	KTEST_EXPECT_EQ(t, x.v->regs.gpr[X86_RAX], 0x1234);
	skip_insn(&x, &e);
	KTEST_ASSERT_EQ(t, vt_run(&x, &e), 0);
	KTEST_EXPECT_EQ(t, e.reason, EXIT_HLT);
	vt_free(&x);
}

/* Stage-2 faults: a write and a read outside RAM, then a page mapped at
 * 4 KiB granularity on demand, then a page unmapped out of a 2 MiB leaf. */
static void ept_faults(struct ktest *t)
{
	static const u8 code[] = {
		/* mov dword [0x400000], 0xdeadbeef */
		0xC7, 0x05, 0x00, 0x00, 0x40, 0x00, 0xEF, 0xBE,
		0xAD, 0xDE, 0xA1, 0x08, 0x00, 0x50, 0x00, /* mov eax, [0x500008] */
		0xA3, 0x00, 0x30, 0x00, 0x00, /* mov [0x3000], eax */
		0xA3, 0x00, 0x40, 0x00, 0x00, /* mov [0x4000], eax */
		0xF4, /* hlt */
	};
	struct vcpu_exit e;
	struct vt x;
	u32 magic = 0x600DF00D;

	if (!vt_setup(t, &x, code, sizeof(code)))
		return;
	KTEST_ASSERT_EQ(t, vt_run(&x, &e), 0);
	KTEST_ASSERT_EQ(t, e.reason, EXIT_NPF);
	KTEST_EXPECT_EQ(t, e.npf.gpa, 0x400000);
	KTEST_EXPECT(t, e.npf.write && !e.npf.fetch);
	KTEST_EXPECT(t, e.npf.translation);
	KTEST_EXPECT_EQ(t, x.v->regs.rip, CODE_GPA);

	x.v->regs.rip += 10; /* as an MMIO emulator would */
	KTEST_ASSERT_EQ(t, vt_run(&x, &e), 0);
	KTEST_ASSERT_EQ(t, e.reason, EXIT_NPF);
	KTEST_EXPECT_EQ(t, e.npf.gpa, 0x500008);
	KTEST_EXPECT(t, e.npf.read && !e.npf.write);

	x.extra = pmm_alloc_zeroed_page();
	KTEST_ASSERT(t, x.extra);
	memcpy((u8 *)phys_to_virt(x.extra) + 8, &magic, 4);
	KTEST_ASSERT_EQ(
		t, ops->s2_map(x.vm, 0x500000, x.extra, PAGE_SIZE, S2_READ), 0);
	KTEST_ASSERT_EQ(t, ops->s2_unmap(x.vm, 0x4000, PAGE_SIZE), 0);
	/* The read is retried and now hits the new page. */
	KTEST_ASSERT_EQ(t, vt_run(&x, &e), 0);
	KTEST_ASSERT_EQ(t, e.reason, EXIT_NPF);
	KTEST_EXPECT_EQ(t, e.npf.gpa, 0x4000);
	KTEST_EXPECT(t, e.npf.write);
	KTEST_EXPECT_EQ(t, guest_u32(&x, DATA_GPA), magic);
	KTEST_EXPECT_EQ(t, guest_u32(&x, 0x4000), 0);
	/* The rest of the split 2 MiB block is still mapped (code ran). */
	KTEST_EXPECT_EQ(t, x.v->regs.rip, CODE_GPA + 20);
	vt_free(&x);
}

/* Guest IDT entry INTR_VECTOR: a handler counting calls at 0x3004. */
static void install_handler(struct vt *x)
{
	static const u8 handler[] = {
		0xFF, 0x05, 0x04, 0x30, 0x00, 0x00, /* inc dword [0x3004] */
		0xCF, /* iret */
	};
	/* 32-bit interrupt gate, selector 0x08, DPL 0. */
	u64 gate = (HANDLER_GPA & 0xFFFF) | (0x08ull << 16) | (0x8Eull << 40) |
		   ((u64)(HANDLER_GPA >> 16) << 48);

	memcpy(gva(x, HANDLER_GPA), handler, sizeof(handler));
	memcpy(gva(x, IDT_GPA + 8 * INTR_VECTOR), &gate, 8);
}

/* IF=0: no injection allowed; an interrupt window exit after STI; the
 * injected vector reaches the guest's IDT handler exactly once. */
static void intr_injection(struct ktest *t)
{
	static const u8 code[] = {
		0xFA, /* cli */
		0xE6, 0x80, /* out 0x80, al */
		0xFB, /* sti */
		0x90, /* nop */
		0x90, /* nop */
		0xF4, /* hlt */
		0xFB, /* sti */
		0xF4, /* hlt */
		0xF4, /* hlt */
	};
	struct vcpu_exit e;
	struct vt x;

	if (!vt_setup(t, &x, code, sizeof(code)))
		return;
	install_handler(&x);
	KTEST_ASSERT_EQ(t, vt_run(&x, &e), 0);
	KTEST_ASSERT_EQ(t, e.reason, EXIT_IO);
	KTEST_EXPECT(t, !(x.v->regs.rflags & RFLAGS_IF));
	KTEST_EXPECT(t, !ops->intr_allowed(x.v));

	skip_insn(&x, &e);
	x.v->want_intr_window = true;
	KTEST_ASSERT_EQ(t, vt_run(&x, &e), 0);
	KTEST_ASSERT_EQ(t, e.reason, EXIT_INTR_WINDOW);
	KTEST_EXPECT(t, x.v->regs.rflags & RFLAGS_IF);
	KTEST_EXPECT(t, ops->intr_allowed(x.v));
	KTEST_EXPECT_EQ(t, guest_u32(&x, DATA_GPA + 4), 0);

	x.v->want_intr_window = false;
	x.v->event = (struct vcpu_event){ .pending = true,
					  .type = EVENT_EXTINT,
					  .vector = INTR_VECTOR };
	KTEST_ASSERT_EQ(t, vt_run(&x, &e), 0);
	KTEST_EXPECT(t, !x.v->event.pending);
	KTEST_ASSERT_EQ(t, e.reason, EXIT_HLT);
	KTEST_EXPECT_EQ(t, guest_u32(&x, DATA_GPA + 4), 1);
	KTEST_EXPECT_EQ(t, x.v->regs.gpr[X86_RSP], STACK_GPA);

	/* sti; hlt: the HLT exit comes inside the STI shadow, which ends
	 * once the caller skips the HLT. */
	skip_insn(&x, &e);
	KTEST_ASSERT_EQ(t, vt_run(&x, &e), 0);
	KTEST_ASSERT_EQ(t, e.reason, EXIT_HLT);
	/* The CPU may report the shadow at this exit (bochs does not). */
	ktest_log(t, "STI shadow at the HLT exit: %s",
		  ops->intr_allowed(x.v) ? "no" : "yes");
	skip_insn(&x, &e);
	KTEST_EXPECT(t, ops->intr_allowed(x.v));
	x.v->event = (struct vcpu_event){ .pending = true,
					  .type = EVENT_EXTINT,
					  .vector = INTR_VECTOR };
	KTEST_ASSERT_EQ(t, vt_run(&x, &e), 0);
	KTEST_EXPECT_EQ(t, e.reason, EXIT_HLT);
	KTEST_EXPECT_EQ(t, guest_u32(&x, DATA_GPA + 4), 2);
	vt_free(&x);
}

/* #UD with an empty IDT: #GP, #DF, then shutdown. */
static void triple_fault(struct ktest *t)
{
	static const u8 code[] = { 0x0F, 0x0B }; /* ud2 */
	struct vcpu_sregs s;
	struct vcpu_exit e;
	struct vt x;

	if (!vt_setup(t, &x, code, sizeof(code)))
		return;
	ops->get_sregs(x.v, &s);
	s.idtr.limit = 0;
	ops->set_sregs(x.v, &s);
	KTEST_ASSERT_EQ(t, vt_run(&x, &e), 0);
	KTEST_EXPECT_EQ(t, e.reason, EXIT_SHUTDOWN);
	KTEST_EXPECT_EQ(t, e.hw_code, 2);
	vt_free(&x);
}

/* A not-present CS is refused at entry; the host goes on and the same
 * vCPU runs once its state is repaired. */
static void bad_guest_state(struct ktest *t)
{
	static const u8 code[] = { 0xF4 }; /* hlt */
	struct vcpu_sregs s, good;
	struct vcpu_exit e;
	struct vt x;

	if (!vt_setup(t, &x, code, sizeof(code)))
		return;
	install_handler(&x);
	ops->get_sregs(x.v, &good);
	s = good;
	s.cs.attr &= ~SEG_ATTR_P;
	ops->set_sregs(x.v, &s);
	x.v->regs.rflags = 0x202;
	x.v->event = (struct vcpu_event){ .pending = true,
					  .type = EVENT_EXTINT,
					  .vector = INTR_VECTOR };
	KTEST_EXPECT_EQ(t, ops->vcpu_run(x.v, &e), -1);
	KTEST_EXPECT_EQ(t, e.reason, EXIT_INVALID);
	KTEST_EXPECT(t, read_rflags() & RFLAGS_IF);

	/* Repaired, it runs; the event went with the refused entry. */
	ops->set_sregs(x.v, &good);
	KTEST_ASSERT_EQ(t, vt_run(&x, &e), 0);
	KTEST_EXPECT_EQ(t, e.reason, EXIT_HLT);
	KTEST_EXPECT_EQ(t, x.v->regs.rip, CODE_GPA);
	KTEST_EXPECT_EQ(t, guest_u32(&x, DATA_GPA + 4), 0);
	vt_free(&x);
}

static void enable_here(void *arg)
{
	u32 *bad = arg;

	/* Twice: enabling is idempotent per CPU. */
	if (ops->cpu_enable() || ops->cpu_enable() || !(read_cr4() & CR4_VMXE))
		__atomic_fetch_add(bad, 1, __ATOMIC_RELAXED);
}

/* VMXON on every CPU (the core's start-up does the same). */
static void enable_all_cpus(struct ktest *t)
{
	unsigned int n = 0;
	u32 bad = 0;

	if (!vmx_usable(t))
		return;
	for (unsigned int c = 0; c < CONFIG_NR_CPUS; c++)
		if (!smp_call_function(c, enable_here, &bad, true))
			n++;
	KTEST_EXPECT_EQ(t, n, nr_cpus_online);
	KTEST_EXPECT_EQ(t, bad, 0);
}

/* Every MSR exits, whatever its number; the host's RDMSR result is
 * what the guest gets. */
static void msr_exits(struct ktest *t)
{
	static const u8 code[] = {
		0xB9, 0x10, 0x00, 0x00, 0x00, /* mov ecx, 0x10 (TSC) */
		0x0F, 0x32, /* rdmsr */
		0x0F, 0x30, /* wrmsr */
		0xF4, /* hlt */
	};
	struct vcpu_exit e;
	struct vt x;

	if (!vt_setup(t, &x, code, sizeof(code)))
		return;
	KTEST_ASSERT_EQ(t, vt_run(&x, &e), 0);
	KTEST_ASSERT_EQ(t, e.reason, EXIT_RDMSR);
	KTEST_EXPECT_EQ(t, e.insn_len, 2);
	KTEST_EXPECT_EQ(t, x.v->regs.gpr[X86_RCX], 0x10);
	x.v->regs.gpr[X86_RAX] = 0x11111111;
	x.v->regs.gpr[X86_RDX] = 0x22222222;
	skip_insn(&x, &e);
	KTEST_ASSERT_EQ(t, vt_run(&x, &e), 0);
	KTEST_ASSERT_EQ(t, e.reason, EXIT_WRMSR);
	KTEST_EXPECT_EQ(t, e.insn_len, 2);
	KTEST_EXPECT_EQ(t, x.v->regs.gpr[X86_RAX], 0x11111111);
	KTEST_EXPECT_EQ(t, x.v->regs.gpr[X86_RDX], 0x22222222);
	skip_insn(&x, &e);
	KTEST_ASSERT_EQ(t, vt_run(&x, &e), 0);
	KTEST_EXPECT_EQ(t, e.reason, EXIT_HLT);
	vt_free(&x);
}

#define MSR_VMX_CR0_FIXED0 0x486
#define GDT_DESC_GPA 0x3100

/* From real mode (unrestricted guest) into protected mode by the guest's
 * own instructions; its CR0.NE write traps (VMX forces NE) and is
 * emulated by the backend without a trip to the caller. */
static void real_to_protected(struct ktest *t)
{
	static const u8 code[] = {
		0x0F, 0x01, 0x16, 0x00, 0x31, /* lgdt [0x3100] */
		0x0F, 0x20, 0xC0, /* mov eax, cr0 */
		0x66, 0x83, 0xC8, 0x21, /* or eax, 0x21 (PE, NE) */
		0x0F, 0x22, 0xC0, /* mov cr0, eax */
		/* jmp far 0x08:0x10020 */
		0x66, 0xEA, 0x20, 0x00, 0x01, 0x00, 0x08, 0x00, 0x90, 0x90,
		0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90,
		/* 0x20, 32-bit code */
		0x66, 0xB8, 0x10, 0x00, /* mov ax, 0x10 */
		0x8E, 0xD8, /* mov ds, ax */
		0x0F, 0x20, 0xC0, /* mov eax, cr0 */
		0xA3, 0x00, 0x30, 0x00, 0x00, /* mov [0x3000], eax */
		0xF4, /* hlt */
	};
	const u8 desc[6] = { 23, 0, GDT_GPA & 0xFF, GDT_GPA >> 8, 0, 0 };
	struct vcpu_seg data = { 0, 0x93, 0xFFFF, 0, false };
	bool ne_forced = rdmsr(MSR_VMX_CR0_FIXED0) & (1u << 5);
	struct vcpu_sregs s;
	struct vcpu_exit e;
	struct vt x;

	if (!vt_setup(t, &x, code, sizeof(code)))
		return;
	memcpy(gva(&x, GDT_DESC_GPA), desc, sizeof(desc));
	ops->get_sregs(x.v, &s);
	s.cr0 = 0x10;
	s.cs = (struct vcpu_seg){ CODE_GPA >> 4, 0x9B, 0xFFFF, CODE_GPA,
				  false };
	s.ds = s.es = s.fs = s.gs = s.ss = data;
	s.tr.limit = 0xFFFF;
	ops->set_sregs(x.v, &s);
	x.v->regs.rip = 0;
	KTEST_ASSERT_EQ(t, vt_run(&x, &e), 0);
	KTEST_ASSERT_EQ(t, e.reason, EXIT_HLT);
	KTEST_EXPECT_EQ(t, x.v->regs.rip, 0x10000 + sizeof(code) - 1);
	KTEST_EXPECT_EQ(t, guest_u32(&x, DATA_GPA), 0x31);
	KTEST_EXPECT_EQ(t, x.v->exits, ne_forced ? 2 : 1);
	ops->get_sregs(x.v, &s);
	KTEST_EXPECT_EQ(t, s.cr0, 0x31);
	KTEST_EXPECT_EQ(t, s.cs.sel, 0x08);
	KTEST_EXPECT_EQ(t, s.cs.attr, 0xC09B);
	KTEST_EXPECT_EQ(t, s.ds.sel, 0x10);
	vt_free(&x);
}

/* A 64-bit guest entered directly (IA-32e mode guest from EFER.LMA). */
static void long_mode_guest(struct ktest *t)
{
	static const u8 code[] = {
		/* mov rax, 0x1122334455667788 */
		0x48, 0xB8, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11,
		0x0F, 0xA2, /* cpuid */
		/* mov [0x3000], rax */
		0x48, 0x89, 0x04, 0x25, 0x00, 0x30, 0x00, 0x00, 0xF4, /* hlt */
	};
	const u64 pml4e = 0x6000 | 3, pdpte = 0x7000 | 3, pde = 0x83;
	struct vcpu_sregs s;
	struct vcpu_exit e;
	struct vt x;
	u64 out;

	if (!vt_setup(t, &x, code, sizeof(code)))
		return;
	memcpy(gva(&x, 0x5000), &pml4e, 8);
	memcpy(gva(&x, 0x6000), &pdpte, 8);
	memcpy(gva(&x, 0x7000), &pde, 8);
	ops->get_sregs(x.v, &s);
	s.cr0 = CR0_PE | CR0_PG | (1u << 4);
	s.cr4 = CR4_PAE;
	s.cr3 = 0x5000;
	s.efer = EFER_LME | EFER_LMA;
	s.cs.attr = 0xA09B;
	s.tr.attr = 0x8B;
	ops->set_sregs(x.v, &s);
	KTEST_ASSERT_EQ(t, vt_run(&x, &e), 0);
	KTEST_ASSERT_EQ(t, e.reason, EXIT_CPUID);
	KTEST_EXPECT_EQ(t, x.v->regs.gpr[X86_RAX], 0x1122334455667788ull);
	x.v->regs.gpr[X86_RAX] = 0xAABBCCDD00112233ull;
	skip_insn(&x, &e);
	KTEST_ASSERT_EQ(t, vt_run(&x, &e), 0);
	KTEST_EXPECT_EQ(t, e.reason, EXIT_HLT);
	memcpy(&out, gva(&x, DATA_GPA), 8);
	KTEST_EXPECT_EQ(t, out, 0xAABBCCDD00112233ull);
	ops->get_sregs(x.v, &s);
	KTEST_EXPECT(t, s.efer & EFER_LMA);
	KTEST_EXPECT_EQ(t, s.cr3, 0x5000);
	KTEST_EXPECT_EQ(t, s.cr4 & (CR4_PAE | CR4_VMXE), CR4_PAE);
	vt_free(&x);
}

/* 32-bit PAE paging entered directly: the PDPTEs come from guest RAM. */
static void pae_guest(struct ktest *t)
{
	static const u8 code[] = {
		0x0F, 0xA2, /* cpuid */
		0xF4, /* hlt */
	};
	const u64 pdpte = 0x6000 | 1, pde = 0x83;
	struct vcpu_sregs s;
	struct vcpu_exit e;
	struct vt x;

	if (!vt_setup(t, &x, code, sizeof(code)))
		return;
	memcpy(gva(&x, 0x5020), &pdpte, 8);
	memcpy(gva(&x, 0x6000), &pde, 8);
	ops->get_sregs(x.v, &s);
	s.cr0 = CR0_PE | CR0_PG | (1u << 4);
	s.cr4 = CR4_PAE;
	s.cr3 = 0x5020;
	ops->set_sregs(x.v, &s);
	KTEST_ASSERT_EQ(t, vt_run(&x, &e), 0);
	KTEST_EXPECT_EQ(t, e.reason, EXIT_CPUID);
	KTEST_EXPECT_EQ(t, x.v->regs.rip, CODE_GPA);
	skip_insn(&x, &e);
	KTEST_ASSERT_EQ(t, vt_run(&x, &e), 0);
	KTEST_EXPECT_EQ(t, e.reason, EXIT_HLT);
	vt_free(&x);
}

/* A busy guest gives the host back control (host timer ticks, or the
 * preemption timer where the former are held off), IF=0 or not. */
static void host_interrupts_exit(struct ktest *t)
{
	static const u8 code[] = {
		0x0F, 0x31, /* rdtsc */
		0x89, 0xC6, /* mov esi, eax */
		0xB9, 0xC0, 0xC6, 0x2D, 0x00, /* mov ecx, 3000000 */
		0x49, /* 1: dec ecx */
		0x75, 0xFD, /* jnz 1b */
		0x0F, 0x31, /* rdtsc */
		0x29, 0xF0, /* sub eax, esi */
		0xA3, 0x00, 0x30, 0x00, 0x00, /* mov [0x3000], eax */
		0xF4, /* hlt */
	};
	unsigned int extints[2] = { 0, 0 };
	struct vcpu_exit e;
	struct vt x;

	for (int pass = 0; pass < 2; pass++) {
		if (!vt_setup(t, &x, code, sizeof(code)))
			return;
		x.v->regs.rflags = pass ? 0x202 : 0x2;
		do {
			if (!KTEST_EXPECT_EQ(t, ops->vcpu_run(x.v, &e), 0))
				break;
			if (e.reason == EXIT_EXTINT)
				extints[pass]++;
		} while (e.reason == EXIT_EXTINT || e.reason == EXIT_NMI);
		KTEST_EXPECT_EQ(t, e.reason, EXIT_HLT);
		ktest_log(t, "pass %d: %u TSC ticks, exit %#llx", pass,
			  guest_u32(&x, DATA_GPA),
			  (unsigned long long)e.hw_code);
		vt_free(&x);
	}
	ktest_log(t, "exits to the host: %u with IF=0, %u with IF=1",
		  extints[0], extints[1]);
	KTEST_EXPECT(t, extints[0] > 0);
	KTEST_EXPECT(t, extints[1] > 0);
}

/* Two VMs' vCPUs on one CPU: neither sees the other's XMM registers. */
static void fpu_isolation(struct ktest *t)
{
	static const u8 code_a[] = {
		0x66, 0x0F, 0x6E, 0xC0, /* movd xmm0, eax */
		0xF4, /* hlt */
		0x66, 0x0F, 0x7E, 0xC0, /* movd eax, xmm0 */
		0xA3, 0x00, 0x30, 0x00, 0x00, /* mov [0x3000], eax */
		0xF4, /* hlt */
	};
	static const u8 code_b[] = {
		0x66, 0x0F, 0x7E, 0xC0, /* movd eax, xmm0 */
		0xA3, 0x00, 0x30, 0x00, 0x00, /* mov [0x3000], eax */
		0xB8, 0xE0, 0xAC, 0x68, 0x24, /* mov eax, 0x2468ace0 */
		0x66, 0x0F, 0x6E, 0xC0, /* movd xmm0, eax */
		0xF4, /* hlt */
	};
	struct vcpu_sregs s;
	struct vcpu_exit e;
	struct vt a, b;

	if (!vt_setup(t, &a, code_a, sizeof(code_a)))
		return;
	if (!vt_setup(t, &b, code_b, sizeof(code_b))) {
		vt_free(&a);
		return;
	}
	/* SSE on in both guests. */
	ops->get_sregs(a.v, &s);
	s.cr4 |= CR4_OSFXSR;
	ops->set_sregs(a.v, &s);
	ops->set_sregs(b.v, &s);
	memset(gva(&b, DATA_GPA), 0xEE, 4);

	a.v->regs.gpr[X86_RAX] = 0x13579BDF;
	KTEST_ASSERT_EQ(t, vt_run(&a, &e), 0);
	KTEST_ASSERT_EQ(t, e.reason, EXIT_HLT);
	skip_insn(&a, &e);
	KTEST_ASSERT_EQ(t, vt_run(&b, &e), 0);
	KTEST_ASSERT_EQ(t, e.reason, EXIT_HLT);
	KTEST_EXPECT_EQ(t, guest_u32(&b, DATA_GPA), 0); /* its reset state */
	KTEST_ASSERT_EQ(t, vt_run(&a, &e), 0);
	KTEST_EXPECT_EQ(t, e.reason, EXIT_HLT);
	KTEST_EXPECT_EQ(t, guest_u32(&a, DATA_GPA), 0x13579BDF);
	vt_free(&b);
	vt_free(&a);
}

#define BENCH_ITERS 200

/* The guest times BENCH_ITERS CPUID exits with RDTSC (bochs' TSC is
 * deterministic, so the figure is repeatable there). */
static void cpuid_round_trip(struct ktest *t)
{
	static const u8 code[] = {
		0x0F, 0x31, /* rdtsc */
		0x89, 0xC6, /* mov esi, eax */
		0xBF, BENCH_ITERS, 0x00, 0x00, 0x00, /* mov edi, N */
		0xB8, 0x00,	   0x00, 0x00, 0x00, /* 1: mov eax, 0 */
		0x0F, 0xA2, /* cpuid */
		0x4F, /* dec edi */
		0x75, 0xF6, /* jnz 1b */
		0x0F, 0x31, /* rdtsc */
		0x29, 0xF0, /* sub eax, esi */
		0xA3, 0x00,	   0x30, 0x00, 0x00, /* mov [0x3000], eax */
		0xF4, /* hlt */
	};
	struct vcpu_exit e;
	struct vt x;
	unsigned int cpuids = 0, other = 0;
	u32 tsc;

	if (!vt_setup(t, &x, code, sizeof(code)))
		return;
	for (;;) {
		/* Lean loop: the figure includes this caller's share. */
		if (ops->vcpu_run(x.v, &e))
			break;
		if (e.reason == EXIT_CPUID) {
			cpuids++;
			skip_insn(&x, &e);
		} else if (e.reason == EXIT_EXTINT || e.reason == EXIT_NMI) {
			other++;
		} else {
			break;
		}
	}
	KTEST_EXPECT_EQ(t, e.reason, EXIT_HLT);
	KTEST_EXPECT_EQ(t, cpuids, BENCH_ITERS);
	tsc = guest_u32(&x, DATA_GPA);
	KTEST_EXPECT(t, tsc > 0);
	kprint("    # vmx: cpuid round trip: %u tsc/iteration (%u host interrupts)\n",
	       tsc / BENCH_ITERS, other);
	vt_free(&x);
}

static const struct ktest_case vmx_cases[] = {
	KTEST_CASE(enable_all_cpus),   KTEST_CASE(msr_exits),
	KTEST_CASE(real_to_protected), KTEST_CASE(long_mode_guest),
	KTEST_CASE(pae_guest),	       KTEST_CASE(host_interrupts_exit),
	KTEST_CASE(cpuid_exit),	       KTEST_CASE(io_exits),
	KTEST_CASE(vmcall_exit),       KTEST_CASE(ept_faults),
	KTEST_CASE(intr_injection),    KTEST_CASE(triple_fault),
	KTEST_CASE(bad_guest_state),   KTEST_CASE(fpu_isolation),
	KTEST_CASE(cpuid_round_trip),
};

KTEST_SUITE("vmx", vmx_cases);

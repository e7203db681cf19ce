// SPDX-License-Identifier: GPL-2.0
/*
 * SVM suite: the backend alone, without virt/. Each case builds a VM by
 * hand (2 MiB of RAM from the PMM mapped with s2_map), writes a few
 * hand-assembled instructions into it and checks what the guest did
 * through the exits it takes.
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
#include <asm/traps.h>

#define MSR_VM_HSAVE_PA 0xC0010117
#define RAM_SIZE 0x200000ull

/* Guest-physical layout of the test VMs. */
#define G_GDT 0x0000
#define G_IDT 0x1000
#define G_CODE 0x2000
#define G_HANDLER 0x3000
#define G_STACK 0x8000
#define G_PML4 0x10000
#define G_PDPT 0x11000
#define G_PD 0x12000
#define G_PDPT_HI 0x13000
#define G_DATA 0x100000

#define SEL_CODE32 0x08
#define SEL_DATA 0x10
#define SEL_CODE64 0x18

#define ATTR_CODE32 0xC09B /* G, D, P, S, execute/read accessed */
#define ATTR_DATA32 0xC093
#define ATTR_CODE64 0xA09B /* G, L */

static const struct vcpu_vendor_ops *ops = &svm_vcpu_ops;

struct tvm {
	struct vm *vm;
	struct vcpu *v;
	phys_addr_t ram_pa;
	u8 *ram;
	u64 irq_flags;
};

static bool svm_usable(struct ktest *t)
{
	const char *why = svm_detect();

	if (why) {
		ktest_skip(t, why);
		return false;
	}
	return true;
}

static void put32(u8 *p, u32 v)
{
	memcpy(p, &v, 4);
}

static void put64(u8 *p, u64 v)
{
	memcpy(p, &v, 8);
}

static u32 get32(const u8 *p)
{
	u32 v;

	memcpy(&v, p, 4);
	return v;
}

/* Flat 32-bit protected mode, paging off, at G_CODE. */
static void set_flat32(struct tvm *t)
{
	struct vcpu_sregs s;
	struct vcpu_seg data = { SEL_DATA, ATTR_DATA32, 0xFFFFFFFF, 0, false };

	ops->get_sregs(t->v, &s);
	s.cs = (struct vcpu_seg){ SEL_CODE32, ATTR_CODE32, 0xFFFFFFFF, 0,
				  false };
	s.ds = s.es = s.fs = s.gs = s.ss = data;
	s.tr = (struct vcpu_seg){ 0, 0x8B, 0xFF, 0, false };
	s.ldtr = (struct vcpu_seg){ 0, 0, 0, 0, true };
	s.gdtr.base = G_GDT;
	s.gdtr.limit = 4 * 8 - 1;
	s.idtr.base = G_IDT;
	s.idtr.limit = 256 * 8 - 1;
	s.cr0 = CR0_PE | 0x10; /* ET */
	s.cr2 = s.cr3 = s.cr4 = 0;
	s.efer = 0;
	ops->set_sregs(t->v, &s);
	memset(&t->v->regs, 0, sizeof(t->v->regs));
	t->v->regs.rip = G_CODE;
	t->v->regs.gpr[X86_RSP] = G_STACK;
	t->v->regs.rflags = 0x2;
}

static void tvm_destroy(struct tvm *t)
{
	if (t->v && t->v->vendor)
		ops->vcpu_destroy(t->v);
	if (t->vm && t->vm->s2)
		ops->vm_destroy(t->vm);
	if (t->ram_pa)
		pmm_free_pages(t->ram_pa, 9);
	kfree(t->v);
	kfree(t->vm);
	irq_restore(t->irq_flags);
}

/* A VM with 2 MiB of RAM at GPA 0, one vCPU in flat 32-bit mode. */
static bool tvm_create(struct ktest *t, struct tvm *tv)
{
	static const u64 gdt[4] = {
		0, 0x00CF9A000000FFFFull, /* 0x08: code32 */
		0x00CF92000000FFFFull, /* 0x10: data */
		0x00AF9A000000FFFFull, /* 0x18: code64 */
	};

	memset(tv, 0, sizeof(*tv));
	/* vcpu_run wants interrupts on: a host tick ends a guest run. */
	tv->irq_flags = read_rflags();
	irq_enable();
	tv->vm = kzalloc(sizeof(*tv->vm));
	tv->v = kzalloc(sizeof(*tv->v));
	tv->ram_pa = pmm_alloc_pages(9);
	if (!tv->vm || !tv->v || !tv->ram_pa)
		goto fail;
	tv->ram = phys_to_virt(tv->ram_pa);
	memset(tv->ram, 0, RAM_SIZE);
	strlcpy(tv->vm->name, "svmtest", sizeof(tv->vm->name));
	tv->vm->ram_size = RAM_SIZE;
	tv->vm->nr_vcpus = 1;
	tv->vm->vcpus[0] = tv->v;
	tv->v->vm = tv->vm;
	tv->v->pcpu = -1;
	if (ops->cpu_enable() || ops->vm_init(tv->vm) ||
	    ops->s2_map(tv->vm, 0, tv->ram_pa, RAM_SIZE, S2_RWX) ||
	    ops->vcpu_init(tv->v))
		goto fail;
	memcpy(tv->ram + G_GDT, gdt, sizeof(gdt));
	set_flat32(tv);
	return true;
fail:
	KTEST_EXPECT(t, !"test VM setup failed");
	tvm_destroy(tv);
	return false;
}

static void load(struct tvm *t, u64 gpa, const u8 *code, size_t len)
{
	memcpy(t->ram + gpa, code, len);
}

/* Run until an exit other than a host interrupt. */
static int run(struct tvm *t, struct vcpu_exit *e)
{
	int r;

	do {
		memset(e, 0, sizeof(*e));
		r = ops->vcpu_run(t->v, e);
	} while (!r && e->reason == EXIT_EXTINT);
	return r;
}

/* ---- cases --------------------------------------------------------- */

struct enable_result {
	u32 ok, svme, hsave;
};

static void enable_here(void *arg)
{
	struct enable_result *r = arg;

	if (!ops->cpu_enable())
		__atomic_fetch_add(&r->ok, 1, __ATOMIC_RELAXED);
	if (rdmsr(MSR_EFER) & EFER_SVME)
		__atomic_fetch_add(&r->svme, 1, __ATOMIC_RELAXED);
	if (rdmsr(MSR_VM_HSAVE_PA))
		__atomic_fetch_add(&r->hsave, 1, __ATOMIC_RELAXED);
}

static void cpu_enable_every_cpu(struct ktest *t)
{
	struct enable_result r = { 0, 0, 0 };
	unsigned int n = 0;

	if (!svm_usable(t))
		return;
	for (unsigned int c = 0; c < CONFIG_NR_CPUS; c++)
		if (cpu_online(c) &&
		    !smp_call_function(c, enable_here, &r, true))
			n++;
	KTEST_EXPECT_EQ(t, n, nr_cpus_online);
	KTEST_EXPECT_EQ(t, r.ok, n);
	KTEST_EXPECT_EQ(t, r.svme, n);
	KTEST_EXPECT_EQ(t, r.hsave, n);
}

static void reset_state(struct ktest *t)
{
	struct tvm tv;
	struct vcpu_sregs s;

	if (!svm_usable(t) || !tvm_create(t, &tv))
		return;
	ops->vcpu_destroy(tv.v);
	KTEST_ASSERT(t, !ops->vcpu_init(tv.v));
	ops->get_sregs(tv.v, &s);
	KTEST_EXPECT_EQ(t, s.cs.sel, 0xF000);
	KTEST_EXPECT_EQ(t, s.cs.base, 0xFFFF0000);
	KTEST_EXPECT_EQ(t, tv.v->regs.rip, 0xFFF0);
	KTEST_EXPECT_EQ(t, s.cr0, 0x60000010);
	KTEST_EXPECT_EQ(t, s.efer, 0); /* SVME is hidden */
	KTEST_EXPECT(t, !s.cs.unusable && (s.cs.attr & SEG_ATTR_P));
	/* Real mode at the reset vector: the first fetch is outside RAM. */
	{
		struct vcpu_exit e;

		KTEST_EXPECT_EQ(t, run(&tv, &e), 0);
		KTEST_EXPECT_EQ(t, e.reason, EXIT_NPF);
		KTEST_EXPECT_EQ(t, e.npf.gpa, 0xFFFFFFF0);
		KTEST_EXPECT(t, e.npf.fetch);
	}
	tvm_destroy(&tv);
}

static void cpuid_exit(struct ktest *t)
{
	static const u8 code[] = {
		0xB8, 0x00, 0x00, 0x00, 0x40, /* mov eax, 0x40000000 */
		0x0F, 0xA2, /* cpuid */
		0x89, 0xD8, /* mov eax, ebx */
		0xF4, /* hlt */
	};
	struct tvm tv;
	struct vcpu_exit e;

	if (!svm_usable(t) || !tvm_create(t, &tv))
		return;
	load(&tv, G_CODE, code, sizeof(code));
	tv.v->regs.gpr[X86_R15] = 0x0123456789ABCDEFull;
	KTEST_EXPECT_EQ(t, run(&tv, &e), 0);
	KTEST_EXPECT_EQ(t, e.reason, EXIT_CPUID);
	KTEST_EXPECT_EQ(t, e.insn_len, 2);
	KTEST_EXPECT_EQ(t, tv.v->regs.rip, G_CODE + 5);
	KTEST_EXPECT_EQ(t, tv.v->regs.gpr[X86_RAX], 0x40000000);
	/* Play the core: answer and step over the instruction. */
	tv.v->regs.gpr[X86_RBX] = 0xCAFEBABE;
	tv.v->regs.rip += e.insn_len;
	KTEST_EXPECT_EQ(t, run(&tv, &e), 0);
	KTEST_EXPECT_EQ(t, e.reason, EXIT_HLT);
	KTEST_EXPECT_EQ(t, e.insn_len, 1);
	KTEST_EXPECT_EQ(t, tv.v->regs.rip, G_CODE + 9);
	KTEST_EXPECT_EQ(t, tv.v->regs.gpr[X86_RAX], 0xCAFEBABE);
	KTEST_EXPECT_EQ(t, tv.v->regs.gpr[X86_R15], 0x0123456789ABCDEFull);
	KTEST_EXPECT(t, tv.v->exits >= 2);
	tvm_destroy(&tv);
}

static void io_exits(struct ktest *t)
{
	static const u8 code[] = {
		0x66, 0xBA, 0xF8, 0x03, /* mov dx, 0x3f8 */
		0xB0, 0x41, /* mov al, 0x41 */
		0xEE, /* out dx, al */
		0x66, 0xED, /* in ax, dx */
		0xE7, 0x80, /* out 0x80, eax */
		0xF3, 0x6E, /* rep outsb */
		0xF4, /* hlt */
	};
	struct tvm tv;
	struct vcpu_exit e;
	struct x86_regs *r;

	if (!svm_usable(t) || !tvm_create(t, &tv))
		return;
	r = &tv.v->regs;
	load(&tv, G_CODE, code, sizeof(code));
	KTEST_EXPECT_EQ(t, run(&tv, &e), 0);
	KTEST_EXPECT_EQ(t, e.reason, EXIT_IO);
	KTEST_EXPECT_EQ(t, e.io.port, 0x3F8);
	KTEST_EXPECT_EQ(t, e.io.size, 1);
	KTEST_EXPECT(t, !e.io.in && !e.io.string && !e.io.rep);
	KTEST_EXPECT_EQ(t, e.insn_len, 1);
	KTEST_EXPECT_EQ(t, r->rip, G_CODE + 6);
	KTEST_EXPECT_EQ(t, r->gpr[X86_RAX] & 0xFF, 0x41);
	r->rip += e.insn_len;

	KTEST_EXPECT_EQ(t, run(&tv, &e), 0);
	KTEST_EXPECT_EQ(t, e.reason, EXIT_IO);
	KTEST_EXPECT_EQ(t, e.io.port, 0x3F8);
	KTEST_EXPECT_EQ(t, e.io.size, 2);
	KTEST_EXPECT(t, e.io.in);
	KTEST_EXPECT_EQ(t, e.insn_len, 2);
	r->gpr[X86_RAX] = (r->gpr[X86_RAX] & ~0xFFFFull) | 0xBEEF;
	r->rip += e.insn_len;

	KTEST_EXPECT_EQ(t, run(&tv, &e), 0);
	KTEST_EXPECT_EQ(t, e.reason, EXIT_IO);
	KTEST_EXPECT_EQ(t, e.io.port, 0x80);
	KTEST_EXPECT_EQ(t, e.io.size, 4);
	KTEST_EXPECT(t, !e.io.in);
	KTEST_EXPECT_EQ(t, e.insn_len, 2);
	KTEST_EXPECT_EQ(t, r->gpr[X86_RAX] & 0xFFFFFFFF, 0xBEEF);
	r->rip += e.insn_len;

	r->gpr[X86_RSI] = G_DATA;
	r->gpr[X86_RCX] = 3;
	KTEST_EXPECT_EQ(t, run(&tv, &e), 0);
	KTEST_EXPECT_EQ(t, e.reason, EXIT_IO);
	KTEST_EXPECT_EQ(t, e.io.port, 0x3F8);
	KTEST_EXPECT(t, e.io.string && e.io.rep && !e.io.in);
	KTEST_EXPECT_EQ(t, e.io.size, 1);
	KTEST_EXPECT_EQ(t, e.insn_len, 2);
	r->rip += e.insn_len;

	KTEST_EXPECT_EQ(t, run(&tv, &e), 0);
	KTEST_EXPECT_EQ(t, e.reason, EXIT_HLT);
	tvm_destroy(&tv);
}

static void hypercall_exit(struct ktest *t)
{
	static const u8 code[] = {
		0x0F, 0x01, 0xD9, /* vmmcall */
		0xF4, /* hlt */
	};
	struct tvm tv;
	struct vcpu_exit e;

	if (!svm_usable(t) || !tvm_create(t, &tv))
		return;
	load(&tv, G_CODE, code, sizeof(code));
	tv.v->regs.gpr[X86_RAX] = 7;
	KTEST_EXPECT_EQ(t, run(&tv, &e), 0);
	KTEST_EXPECT_EQ(t, e.reason, EXIT_HYPERCALL);
	KTEST_EXPECT_EQ(t, e.insn_len, 3);
	KTEST_EXPECT_EQ(t, tv.v->regs.rip, G_CODE);
	KTEST_EXPECT_EQ(t, tv.v->regs.gpr[X86_RAX], 7);
	tv.v->regs.rip += e.insn_len;
	KTEST_EXPECT_EQ(t, run(&tv, &e), 0);
	KTEST_EXPECT_EQ(t, e.reason, EXIT_HLT);
	KTEST_EXPECT_EQ(t, tv.v->regs.rip, G_CODE + 3);
	tvm_destroy(&tv);
}

static void msr_exits(struct ktest *t)
{
	static const u8 code[] = {
		0xB9, 0x80, 0x00, 0x00, 0xC0, /* mov ecx, MSR_EFER */
		0x0F, 0x32, /* rdmsr */
		0x0F, 0x30, /* wrmsr */
		0xF4, /* hlt */
	};
	struct tvm tv;
	struct vcpu_exit e;

	if (!svm_usable(t) || !tvm_create(t, &tv))
		return;
	load(&tv, G_CODE, code, sizeof(code));
	KTEST_EXPECT_EQ(t, run(&tv, &e), 0);
	KTEST_EXPECT_EQ(t, e.reason, EXIT_RDMSR);
	KTEST_EXPECT_EQ(t, e.insn_len, 2);
	KTEST_EXPECT_EQ(t, tv.v->regs.gpr[X86_RCX], MSR_EFER);
	KTEST_EXPECT_EQ(t, tv.v->regs.rip, G_CODE + 5);
	tv.v->regs.rip += e.insn_len;
	KTEST_EXPECT_EQ(t, run(&tv, &e), 0);
	KTEST_EXPECT_EQ(t, e.reason, EXIT_WRMSR);
	KTEST_EXPECT_EQ(t, e.insn_len, 2);
	tv.v->regs.rip += e.insn_len;
	KTEST_EXPECT_EQ(t, run(&tv, &e), 0);
	KTEST_EXPECT_EQ(t, e.reason, EXIT_HLT);
	tvm_destroy(&tv);
}

/* A guest spinning with IF=0 still gives the CPU back on a host tick. */
static void host_interrupt_preempts(struct ktest *t)
{
	static const u8 code[] = { 0xFA, 0xEB, 0xFE }; /* cli; jmp . */
	u64 ticks = this_cpu()->timer_irqs;
	struct tvm tv;
	struct vcpu_exit e;

	if (!svm_usable(t) || !tvm_create(t, &tv))
		return;
	load(&tv, G_CODE, code, sizeof(code));
	memset(&e, 0, sizeof(e));
	KTEST_EXPECT_EQ(t, ops->vcpu_run(tv.v, &e), 0);
	KTEST_EXPECT_EQ(t, e.reason, EXIT_EXTINT);
	KTEST_EXPECT_EQ(t, tv.v->regs.rip, G_CODE + 1);
	KTEST_EXPECT(t, !(tv.v->regs.rflags & RFLAGS_IF));
	/* The host took it already, through its own IDT. */
	KTEST_EXPECT(t, this_cpu()->timer_irqs > ticks);
	tvm_destroy(&tv);
}

static void npf_exits(struct ktest *t)
{
	static const u8 code[] = {
		/* mov dword [0x40000000], 0x1234 */
		0xC7, 0x05, 0x00, 0x00, 0x00, 0x40,
		0x34, 0x12, 0x00, 0x00, 0xF4, /* hlt */
		0xA1, 0x00, 0x10, 0x00, 0x50, /* mov eax, [0x50001000] */
		0xF4, /* hlt */
	};
	struct tvm tv;
	struct vcpu_exit e;

	if (!svm_usable(t) || !tvm_create(t, &tv))
		return;
	load(&tv, G_CODE, code, sizeof(code));
	KTEST_EXPECT_EQ(t, run(&tv, &e), 0);
	KTEST_EXPECT_EQ(t, e.reason, EXIT_NPF);
	KTEST_EXPECT_EQ(t, e.npf.gpa, 0x40000000);
	KTEST_EXPECT(t, e.npf.write && !e.npf.read && !e.npf.fetch);
	KTEST_EXPECT(t, e.npf.translation);
	KTEST_EXPECT_EQ(t, tv.v->regs.rip, G_CODE); /* not executed */

	tv.v->regs.rip = G_CODE + 11;
	KTEST_EXPECT_EQ(t, run(&tv, &e), 0);
	KTEST_EXPECT_EQ(t, e.reason, EXIT_NPF);
	KTEST_EXPECT_EQ(t, e.npf.gpa, 0x50001000);
	KTEST_EXPECT(t, e.npf.read && !e.npf.write && !e.npf.fetch);

	tv.v->regs.rip = 0x300000; /* past the end of RAM */
	KTEST_EXPECT_EQ(t, run(&tv, &e), 0);
	KTEST_EXPECT_EQ(t, e.reason, EXIT_NPF);
	KTEST_EXPECT_EQ(t, e.npf.gpa, 0x300000);
	KTEST_EXPECT(t, e.npf.fetch && !e.npf.write);
	tvm_destroy(&tv);
}

/* Remap, protect and unmap 4 KiB pieces of a 2 MiB mapping. */
static void npt_changes(struct ktest *t)
{
	static const u8 code[] = {
		0x8B, 0x03, /* mov eax, [ebx] */
		0xF4, /* hlt */
		0xC7, 0x03, 0x78, 0x56, 0x34, 0x12, /* mov dword [ebx], imm */
		0xF4, /* hlt */
	};
	struct tvm tv;
	struct vcpu_exit e;
	phys_addr_t page = 0;
	struct x86_regs *r;

	if (!svm_usable(t) || !tvm_create(t, &tv))
		return;
	r = &tv.v->regs;
	load(&tv, G_CODE, code, sizeof(code));
	put32(tv.ram + G_DATA, 0x11111111);
	r->gpr[X86_RBX] = G_DATA;
	KTEST_EXPECT_EQ(t, run(&tv, &e), 0);
	KTEST_EXPECT_EQ(t, e.reason, EXIT_HLT);
	KTEST_EXPECT_EQ(t, r->gpr[X86_RAX], 0x11111111);

	/* The same GPA backed by another host page: the guest sees it. */
	page = pmm_alloc_zeroed_page();
	KTEST_ASSERT(t, page);
	put32(phys_to_virt(page), 0x22222222);
	KTEST_EXPECT_EQ(t, ops->s2_map(tv.vm, G_DATA, page, 4096, S2_READ), 0);
	r->rip = G_CODE;
	KTEST_EXPECT_EQ(t, run(&tv, &e), 0);
	KTEST_EXPECT_EQ(t, e.reason, EXIT_HLT);
	KTEST_EXPECT_EQ(t, r->gpr[X86_RAX], 0x22222222);

	/* Read-only: a write faults with P=1 ... */
	r->rip = G_CODE + 3;
	KTEST_EXPECT_EQ(t, run(&tv, &e), 0);
	KTEST_EXPECT_EQ(t, e.reason, EXIT_NPF);
	KTEST_EXPECT_EQ(t, e.npf.gpa, G_DATA);
	KTEST_EXPECT(t, e.npf.write);
	KTEST_EXPECT_EQ(t, e.hw_code, 0x400);
	/* ... while the neighbouring page (split from the 2 MiB one) is
	 * still the guest's RAM, writable. */
	r->gpr[X86_RBX] = G_DATA + 4096;
	KTEST_EXPECT_EQ(t, run(&tv, &e), 0);
	KTEST_EXPECT_EQ(t, e.reason, EXIT_HLT);
	KTEST_EXPECT_EQ(t, get32(tv.ram + G_DATA + 4096), 0x12345678);
	KTEST_EXPECT_EQ(t, get32(phys_to_virt(page)), 0x22222222);

	/* Not executable (NX needs the host's EFER.NXE). */
	if (rdmsr(MSR_EFER) & EFER_NXE) {
		KTEST_EXPECT_EQ(t,
				ops->s2_map(tv.vm, 0x104000,
					    tv.ram_pa + 0x104000, 4096,
					    S2_READ | S2_WRITE),
				0);
		tv.ram[0x104000] = 0xF4;
		r->rip = 0x104000;
		KTEST_EXPECT_EQ(t, run(&tv, &e), 0);
		KTEST_EXPECT_EQ(t, e.reason, EXIT_NPF);
		KTEST_EXPECT_EQ(t, e.npf.gpa, 0x104000);
		KTEST_EXPECT(t, e.npf.fetch);
	}

	/* Unmapped: the read faults; back to RAM: it reads the RAM page. */
	KTEST_EXPECT_EQ(t, ops->s2_unmap(tv.vm, G_DATA, 4096), 0);
	r->rip = G_CODE;
	r->gpr[X86_RBX] = G_DATA;
	KTEST_EXPECT_EQ(t, run(&tv, &e), 0);
	KTEST_EXPECT_EQ(t, e.reason, EXIT_NPF);
	KTEST_EXPECT_EQ(t, e.npf.gpa, G_DATA);
	KTEST_EXPECT(t, e.npf.read);
	KTEST_EXPECT_EQ(
		t, ops->s2_map(tv.vm, G_DATA, tv.ram_pa + G_DATA, 4096, S2_RWX),
		0);
	KTEST_EXPECT_EQ(t, run(&tv, &e), 0);
	KTEST_EXPECT_EQ(t, e.reason, EXIT_HLT);
	KTEST_EXPECT_EQ(t, r->gpr[X86_RAX], 0x11111111);
	/* A large unmap across holes and tables. */
	KTEST_EXPECT_EQ(t, ops->s2_unmap(tv.vm, 0, 1ull << 32), 0);
	r->rip = G_CODE;
	KTEST_EXPECT_EQ(t, run(&tv, &e), 0);
	KTEST_EXPECT_EQ(t, e.reason, EXIT_NPF);
	KTEST_EXPECT_EQ(t, e.npf.gpa, G_CODE);
	pmm_free_pages(page, 0);
	tvm_destroy(&tv);
}

static void long_mode(struct ktest *t)
{
	static const u8 regs[] = { X86_RBX, X86_RCX, X86_RDX, X86_RSI, X86_RDI,
				   X86_RBP, X86_R8,  X86_R9,  X86_R10, X86_R11,
				   X86_R12, X86_R13, X86_R14, X86_R15 };
	u8 code[7 + 3 * ARRAY_SIZE(regs) + 3];
	const u64 hi = 0xFFFFFFFF80000000ull;
	struct vcpu_sregs s;
	struct vcpu_exit e;
	struct tvm tv;
	size_t n = 0;

	if (!svm_usable(t) || !tvm_create(t, &tv))
		return;
	/* lea rax, [rip + 0] */
	memcpy(code, (const u8[]){ 0x48, 0x8D, 0x05, 0, 0, 0, 0 }, 7);
	n = 7;
	for (size_t i = 0; i < ARRAY_SIZE(regs); i++) {
		/* inc r64: REX.W (+B for r8-r15), FF /0 */
		code[n++] = regs[i] >= X86_R8 ? 0x49 : 0x48;
		code[n++] = 0xFF;
		code[n++] = 0xC0 | (regs[i] & 7);
	}
	memcpy(code + n, (const u8[]){ 0x0F, 0x01, 0xD9 }, 3); /* vmmcall */
	n += 3;
	load(&tv, G_CODE, code, n);

	/* Identity map of the first 2 MiB, and again at -2 GiB. */
	put64(tv.ram + G_PML4, G_PDPT | 3);
	put64(tv.ram + G_PML4 + 511 * 8, G_PDPT_HI | 3);
	put64(tv.ram + G_PDPT, G_PD | 3);
	put64(tv.ram + G_PDPT_HI + 510 * 8, G_PD | 3);
	put64(tv.ram + G_PD, 0x83);

	ops->get_sregs(tv.v, &s);
	s.cr0 = CR0_PE | CR0_PG | 0x10;
	s.cr4 = CR4_PAE;
	s.cr3 = G_PML4;
	s.efer = EFER_LME;
	s.cs.sel = SEL_CODE64;
	s.cs.attr = ATTR_CODE64;
	ops->set_sregs(tv.v, &s);
	for (size_t i = 0; i < ARRAY_SIZE(regs); i++)
		tv.v->regs.gpr[regs[i]] = 0x1111111100000000ull * (i + 1) + i;
	tv.v->regs.rip = hi + G_CODE;

	KTEST_EXPECT_EQ(t, run(&tv, &e), 0);
	KTEST_EXPECT_EQ(t, e.reason, EXIT_HYPERCALL);
	KTEST_EXPECT_EQ(t, tv.v->regs.rip, hi + G_CODE + n - 3);
	/* RIP-relative addressing only exists in 64-bit mode. */
	KTEST_EXPECT_EQ(t, tv.v->regs.gpr[X86_RAX], hi + G_CODE + 7);
	for (size_t i = 0; i < ARRAY_SIZE(regs); i++)
		KTEST_EXPECT_EQ(t, tv.v->regs.gpr[regs[i]],
				0x1111111100000000ull * (i + 1) + i + 1);
	ops->get_sregs(tv.v, &s);
	KTEST_EXPECT(t, s.efer & EFER_LMA);
	KTEST_EXPECT(t, s.cs.attr & SEG_ATTR_L);
	KTEST_EXPECT_EQ(t, s.cs.attr, ATTR_CODE64);
	tvm_destroy(&tv);
}

static void set_gate(struct tvm *tv, unsigned int vec, u32 handler)
{
	u8 *g = tv->ram + G_IDT + vec * 8;

	g[0] = handler & 0xFF;
	g[1] = (handler >> 8) & 0xFF;
	g[2] = SEL_CODE32;
	g[3] = 0;
	g[4] = 0;
	g[5] = 0x8E; /* present 32-bit interrupt gate */
	g[6] = (handler >> 16) & 0xFF;
	g[7] = handler >> 24;
}

static void inject_events(struct ktest *t)
{
	static const u8 code[] = { 0xFB, 0x90, 0xF4,
				   0xF4 }; /* sti nop hlt hlt */
	static const u8 intr[] = {
		0xB8, 0xEF, 0xBE, 0xAD, 0xDE, /* mov eax, 0xdeadbeef */
		0x0F, 0x01, 0xD9, /* vmmcall */
	};
	static const u8 gp[] = {
		0x58, /* pop eax: the error code */
		0x0F, 0x01, 0xD9, /* vmmcall */
	};
	struct tvm tv;
	struct vcpu_exit e;
	struct x86_regs *r;
	u8 *sp;

	if (!svm_usable(t) || !tvm_create(t, &tv))
		return;
	r = &tv.v->regs;
	load(&tv, G_CODE, code, sizeof(code));
	load(&tv, G_HANDLER, intr, sizeof(intr));
	load(&tv, G_HANDLER + 0x100, gp, sizeof(gp));
	set_gate(&tv, 0x30, G_HANDLER);
	set_gate(&tv, X86_GP, G_HANDLER + 0x100);

	KTEST_EXPECT(t, !ops->intr_allowed(tv.v)); /* IF=0 */
	KTEST_EXPECT_EQ(t, run(&tv, &e), 0);
	KTEST_EXPECT_EQ(t, e.reason, EXIT_HLT);
	KTEST_EXPECT_EQ(t, r->rip, G_CODE + 2);
	KTEST_EXPECT(t, ops->intr_allowed(tv.v));
	r->rip += e.insn_len;
	tv.v->event = (struct vcpu_event){ .pending = true,
					   .type = EVENT_EXTINT,
					   .vector = 0x30 };
	KTEST_EXPECT(t, !ops->intr_allowed(tv.v)); /* one already pending */
	KTEST_EXPECT_EQ(t, run(&tv, &e), 0);
	KTEST_EXPECT(t, !tv.v->event.pending);
	KTEST_EXPECT_EQ(t, e.reason, EXIT_HYPERCALL);
	KTEST_EXPECT_EQ(t, r->gpr[X86_RAX], 0xDEADBEEF);
	KTEST_EXPECT_EQ(t, r->rip, G_HANDLER + 5);
	/* The interrupt frame: return EIP, CS, EFLAGS with IF. */
	KTEST_EXPECT_EQ(t, r->gpr[X86_RSP], G_STACK - 12);
	sp = tv.ram + (r->gpr[X86_RSP] & 0xFFFFF);
	KTEST_EXPECT_EQ(t, get32(sp), G_CODE + 3);
	KTEST_EXPECT_EQ(t, get32(sp + 4), SEL_CODE32);
	KTEST_EXPECT(t, get32(sp + 8) & RFLAGS_IF);
	/* An interrupt gate clears IF. */
	KTEST_EXPECT(t, !(r->rflags & RFLAGS_IF));
	KTEST_EXPECT(t, !ops->intr_allowed(tv.v));

	/* An exception with an error code. */
	r->rip = G_CODE + 3;
	r->gpr[X86_RSP] = G_STACK;
	tv.v->event = (struct vcpu_event){ .pending = true,
					   .type = EVENT_EXCEPTION,
					   .vector = X86_GP,
					   .has_error = true,
					   .error = 0x1234 };
	KTEST_EXPECT_EQ(t, run(&tv, &e), 0);
	KTEST_EXPECT_EQ(t, e.reason, EXIT_HYPERCALL);
	KTEST_EXPECT_EQ(t, r->gpr[X86_RAX], 0x1234);
	KTEST_EXPECT_EQ(t, r->rip, G_HANDLER + 0x101);
	tvm_destroy(&tv);
}

static void interrupt_window(struct ktest *t)
{
	/* nop nop sti nop hlt */
	static const u8 code[] = { 0x90, 0x90, 0xFB, 0x90, 0xF4 };
	struct tvm tv;
	struct vcpu_exit e;

	if (!svm_usable(t) || !tvm_create(t, &tv))
		return;
	load(&tv, G_CODE, code, sizeof(code));
	/* Nobody asks: the guest runs to HLT. */
	KTEST_EXPECT_EQ(t, run(&tv, &e), 0);
	KTEST_EXPECT_EQ(t, e.reason, EXIT_HLT);

	/* Asked with IF=0: the window opens after STI and its shadow. */
	tv.v->regs.rip = G_CODE;
	tv.v->regs.rflags = 0x2;
	tv.v->want_intr_window = true;
	KTEST_EXPECT_EQ(t, run(&tv, &e), 0);
	KTEST_EXPECT_EQ(t, e.reason, EXIT_INTR_WINDOW);
	KTEST_EXPECT_EQ(t, tv.v->regs.rip, G_CODE + 4);
	KTEST_EXPECT(t, ops->intr_allowed(tv.v));

	/* Asked with IF=1: at once. */
	tv.v->regs.rip = G_CODE;
	KTEST_EXPECT_EQ(t, run(&tv, &e), 0);
	KTEST_EXPECT_EQ(t, e.reason, EXIT_INTR_WINDOW);
	KTEST_EXPECT_EQ(t, tv.v->regs.rip, G_CODE);

	/* No longer asked: no window exit. */
	tv.v->want_intr_window = false;
	KTEST_EXPECT_EQ(t, run(&tv, &e), 0);
	KTEST_EXPECT_EQ(t, e.reason, EXIT_HLT);
	tvm_destroy(&tv);
}

static void triple_fault(struct ktest *t)
{
	static const u8 code[] = { 0x0F, 0x0B }; /* ud2 */
	struct vcpu_sregs s;
	struct vcpu_exit e;
	struct tvm tv;

	if (!svm_usable(t) || !tvm_create(t, &tv))
		return;
	load(&tv, G_CODE, code, sizeof(code));
	ops->get_sregs(tv.v, &s);
	s.idtr.limit = 0; /* #UD -> #GP -> #DF -> shutdown */
	ops->set_sregs(tv.v, &s);
	KTEST_EXPECT_EQ(t, run(&tv, &e), 0);
	KTEST_EXPECT_EQ(t, e.reason, EXIT_SHUTDOWN);
	KTEST_EXPECT_EQ(t, e.hw_code, 0x7F);
	tvm_destroy(&tv);
}

static void invalid_state(struct ktest *t)
{
	static const u8 code[] = { 0xF4 };
	u64 gs = rdmsr(MSR_GS_BASE);
	struct vcpu_sregs s, good;
	struct vcpu_exit e;
	struct tvm tv;

	if (!svm_usable(t) || !tvm_create(t, &tv))
		return;
	load(&tv, G_CODE, code, sizeof(code));
	ops->get_sregs(tv.v, &good);

	/* Long mode paging without PAE. */
	s = good;
	s.cr0 |= CR0_PG;
	s.efer = EFER_LME;
	ops->set_sregs(tv.v, &s);
	memset(&e, 0, sizeof(e));
	KTEST_EXPECT_EQ(t, ops->vcpu_run(tv.v, &e), -1);
	KTEST_EXPECT_EQ(t, e.reason, EXIT_INVALID);
	KTEST_EXPECT_EQ(t, e.hw_code & 0xFFFFFFFF, 0xFFFFFFFF);

	/* CR0.NW without CD. */
	s = good;
	s.cr0 |= CR0_NW;
	ops->set_sregs(tv.v, &s);
	KTEST_EXPECT_EQ(t, ops->vcpu_run(tv.v, &e), -1);
	KTEST_EXPECT_EQ(t, e.reason, EXIT_INVALID);

	/* The refused state is still there to inspect, the host's is not. */
	ops->get_sregs(tv.v, &good);
	KTEST_EXPECT_EQ(t, good.cr0, s.cr0);
	KTEST_EXPECT_EQ(t, good.cs.sel, SEL_CODE32);
	KTEST_EXPECT_EQ(t, good.cr3, 0);
	KTEST_EXPECT_EQ(t, tv.v->regs.rip, G_CODE);
	KTEST_EXPECT_EQ(t, tv.v->regs.gpr[X86_RSP], G_STACK);
	good.cr0 &= ~CR0_NW;

	/* The host lived through it, and the vCPU runs once fixed. */
	KTEST_EXPECT_EQ(t, rdmsr(MSR_GS_BASE), gs);
	KTEST_EXPECT(t, this_cpu()->self == this_cpu());
	ops->set_sregs(tv.v, &good);
	KTEST_EXPECT_EQ(t, run(&tv, &e), 0);
	KTEST_EXPECT_EQ(t, e.reason, EXIT_HLT);
	tvm_destroy(&tv);
}

/* VMRUN leaves FS/GS/TR/LDTR to VMLOAD/VMSAVE: both sides keep theirs. */
static void host_state_kept(struct ktest *t)
{
	static const u8 code[] = {
		0xF4, /* hlt */
		0xB8, SEL_DATA, 0, 0, 0, /* mov eax, SEL_DATA */
		0x8E, 0xE8, /* mov gs, ax */
		0x8E, 0xE0, /* mov fs, ax */
		0xF4, /* hlt */
	};
	u64 gs = rdmsr(MSR_GS_BASE), kgs = rdmsr(MSR_KERNEL_GS_BASE);
	unsigned int cpu = smp_processor_id();
	struct vcpu_sregs s;
	struct vcpu_exit e;
	struct tvm tv;

	if (!svm_usable(t) || !tvm_create(t, &tv))
		return;
	load(&tv, G_CODE, code, sizeof(code));
	ops->get_sregs(tv.v, &s);
	s.gs.base = 0x12345000;
	s.fs.base = 0x6789A000;
	ops->set_sregs(tv.v, &s);
	KTEST_EXPECT_EQ(t, run(&tv, &e), 0);
	KTEST_EXPECT_EQ(t, e.reason, EXIT_HLT);
	KTEST_EXPECT_EQ(t, rdmsr(MSR_GS_BASE), gs);
	KTEST_EXPECT_EQ(t, rdmsr(MSR_KERNEL_GS_BASE), kgs);
	KTEST_EXPECT_EQ(t, smp_processor_id(), cpu);
	ops->get_sregs(tv.v, &s);
	KTEST_EXPECT_EQ(t, s.gs.base, 0x12345000);
	KTEST_EXPECT_EQ(t, s.fs.base, 0x6789A000);

	tv.v->regs.rip += e.insn_len;
	KTEST_EXPECT_EQ(t, run(&tv, &e), 0);
	KTEST_EXPECT_EQ(t, e.reason, EXIT_HLT);
	KTEST_EXPECT_EQ(t, rdmsr(MSR_GS_BASE), gs);
	KTEST_EXPECT(t, this_cpu()->self == this_cpu());
	ops->get_sregs(tv.v, &s);
	KTEST_EXPECT_EQ(t, s.gs.sel, SEL_DATA);
	KTEST_EXPECT_EQ(t, s.gs.base, 0);
	KTEST_EXPECT_EQ(t, s.fs.sel, SEL_DATA);
	KTEST_EXPECT_EQ(t, s.fs.base, 0);
	tvm_destroy(&tv);
}

/* The guest reaches its own RAM and nothing else of the host. */
static void isolation(struct ktest *t)
{
	static const u8 code[] = {
		0x8B, 0x03, /* mov eax, [ebx] */
		0xF4, /* hlt */
		/* mov edi, G_DATA; mov ecx, 1 MiB / 4; mov eax, pattern */
		0xBF, 0x00, 0x00, 0x10, 0x00, 0xB9, 0x00, 0x00, 0x04, 0x00,
		0xB8, 0xA5, 0xA5, 0xA5, 0xA5, 0xF3, 0xAB, /* rep stosd */
		0xF4, /* hlt */
	};
	phys_addr_t canary = pmm_alloc_zeroed_page();
	u64 host[5];
	struct vcpu_exit e;
	struct tvm tv;
	bool all = true;

	if (!svm_usable(t))
		goto out;
	if (!KTEST_EXPECT(t, canary) || !tvm_create(t, &tv))
		goto out;
	memset(phys_to_virt(canary), 0x3C, 4096);
	host[0] = KERNEL_PHYS;
	host[1] = virt_to_phys(this_cpu());
	host[2] = tv.ram_pa;
	host[3] = canary;
	host[4] = 0xFEE00000; /* local APIC */
	load(&tv, G_CODE, code, sizeof(code));
	put32(tv.ram + G_DATA, 0x5A5A5A5A);

	/* Its own RAM: a guest address is not a host address. */
	tv.v->regs.gpr[X86_RBX] = G_DATA;
	KTEST_EXPECT_EQ(t, run(&tv, &e), 0);
	KTEST_EXPECT_EQ(t, e.reason, EXIT_HLT);
	KTEST_EXPECT_EQ(t, tv.v->regs.gpr[X86_RAX], 0x5A5A5A5A);
	for (unsigned int i = 0; i < ARRAY_SIZE(host); i++) {
		if (host[i] < RAM_SIZE)
			continue;
		tv.v->regs.rip = G_CODE;
		tv.v->regs.gpr[X86_RBX] = host[i];
		KTEST_EXPECT_EQ(t, run(&tv, &e), 0);
		KTEST_EXPECT_EQ(t, e.reason, EXIT_NPF);
		KTEST_EXPECT_EQ(t, e.npf.gpa, host[i]);
	}
	/* Fill its upper 1 MiB: that RAM changes, the canary does not. */
	tv.v->regs.rip = G_CODE + 3;
	KTEST_EXPECT_EQ(t, run(&tv, &e), 0);
	KTEST_EXPECT_EQ(t, e.reason, EXIT_HLT);
	for (u64 off = G_DATA; off < RAM_SIZE; off += 4)
		all &= get32(tv.ram + off) == 0xA5A5A5A5;
	KTEST_EXPECT(t, all);
	for (unsigned int i = 0; i < 4096; i++)
		all &= ((u8 *)phys_to_virt(canary))[i] == 0x3C;
	KTEST_EXPECT(t, all);
	tvm_destroy(&tv);
out:
	if (canary)
		pmm_free_pages(canary, 0);
}

struct remote_run {
	struct tvm *tv;
	struct vcpu_exit e;
	int ret;
	unsigned int cpu;
	bool gs_ok;
};

static void run_here(void *arg)
{
	struct remote_run *rr = arg;

	/* Interrupts are off in the call: the short guest ends by itself. */
	rr->ret = ops->vcpu_run(rr->tv->v, &rr->e);
	rr->cpu = smp_processor_id();
	rr->gs_ok = this_cpu()->self == this_cpu();
}

/* A vCPU moves between CPUs: each has its own host state. */
static void other_cpu(struct ktest *t)
{
	static const u8 code[] = { 0x0F, 0xA2, 0xF4 }; /* cpuid; hlt */
	struct remote_run rr;
	struct vcpu_exit e;
	struct tvm tv;
	unsigned int target = 1;

	if (!svm_usable(t))
		return;
	while (target < CONFIG_NR_CPUS && !cpu_online(target))
		target++;
	if (target >= CONFIG_NR_CPUS) {
		ktest_skip(t, "one CPU");
		return;
	}
	if (!tvm_create(t, &tv))
		return;
	load(&tv, G_CODE, code, sizeof(code));
	KTEST_EXPECT_EQ(t, run(&tv, &e), 0);
	KTEST_EXPECT_EQ(t, e.reason, EXIT_CPUID);
	tv.v->regs.rip += e.insn_len;
	memset(&rr, 0, sizeof(rr));
	rr.tv = &tv;
	KTEST_EXPECT_EQ(t, smp_call_function(target, run_here, &rr, true), 0);
	KTEST_EXPECT_EQ(t, rr.ret, 0);
	KTEST_EXPECT_EQ(t, rr.e.reason, EXIT_HLT);
	KTEST_EXPECT_EQ(t, rr.cpu, target);
	KTEST_EXPECT(t, rr.gs_ok);
	KTEST_EXPECT_EQ(t, tv.v->regs.rip, G_CODE + 2);
	/* And back. */
	tv.v->regs.rip = G_CODE;
	KTEST_EXPECT_EQ(t, run(&tv, &e), 0);
	KTEST_EXPECT_EQ(t, e.reason, EXIT_CPUID);
	tvm_destroy(&tv);
}

#define MANY_VMS 20

/* More VMs than ASIDs (16 under QEMU): those beyond share one and flush
 * on every entry; each still sees only its own RAM. */
static void many_vms(struct ktest *t)
{
	static const u8 code[] = { 0x8B, 0x03, 0xF4 }; /* mov eax, [ebx]; hlt */
	struct tvm *tv = kzalloc(MANY_VMS * sizeof(*tv));
	unsigned int n = 0, good = 0;
	struct vcpu_exit e;

	if (!svm_usable(t) || !KTEST_EXPECT(t, tv))
		goto out;
	for (; n < MANY_VMS; n++) {
		if (!tvm_create(t, &tv[n]))
			break;
		load(&tv[n], G_CODE, code, sizeof(code));
		put32(tv[n].ram + G_DATA, 0xC0DE0000 + n);
	}
	KTEST_EXPECT_EQ(t, n, MANY_VMS);
	/* Twice round, interleaved on one CPU. */
	for (unsigned int pass = 0; pass < 2; pass++) {
		for (unsigned int i = 0; i < n; i++) {
			tv[i].v->regs.rip = G_CODE;
			tv[i].v->regs.gpr[X86_RBX] = G_DATA;
			tv[i].v->regs.gpr[X86_RAX] = 0;
			if (!run(&tv[i], &e) && e.reason == EXIT_HLT &&
			    tv[i].v->regs.gpr[X86_RAX] == 0xC0DE0000 + i)
				good++;
		}
	}
	KTEST_EXPECT_EQ(t, good, 2 * n);
	while (n)
		tvm_destroy(&tv[--n]);
out:
	kfree(tv);
}

#define ROUND_TRIPS 10000

/* Two VMs' vCPUs on one CPU: neither sees the other's XMM registers. */
static void fpu_isolation(struct ktest *t)
{
	static const u8 code_a[] = {
		0x66, 0x0F, 0x6E, 0xC0, /* movd xmm0, eax */
		0xF4, /* hlt */
		0x66, 0x0F, 0x7E, 0xC0, /* movd eax, xmm0 */
		0xA3, 0x00, 0x00, 0x10, 0x00, /* mov [G_DATA], eax */
		0xF4, /* hlt */
	};
	static const u8 code_b[] = {
		0x66, 0x0F, 0x7E, 0xC0, /* movd eax, xmm0 */
		0xA3, 0x00, 0x00, 0x10, 0x00, /* mov [G_DATA], eax */
		0xB8, 0xE0, 0xAC, 0x68, 0x24, /* mov eax, 0x2468ace0 */
		0x66, 0x0F, 0x6E, 0xC0, /* movd xmm0, eax */
		0xF4, /* hlt */
	};
	struct tvm a, b;
	struct vcpu_sregs s;
	struct vcpu_exit e;

	if (!svm_usable(t) || !tvm_create(t, &a))
		return;
	if (!tvm_create(t, &b)) {
		tvm_destroy(&a);
		return;
	}
	load(&a, G_CODE, code_a, sizeof(code_a));
	load(&b, G_CODE, code_b, sizeof(code_b));
	/* SSE on in both guests. */
	svm_vcpu_ops.get_sregs(a.v, &s);
	s.cr4 |= CR4_OSFXSR;
	svm_vcpu_ops.set_sregs(a.v, &s);
	svm_vcpu_ops.set_sregs(b.v, &s);
	memset(b.ram + G_DATA, 0xEE, 4);

	a.v->regs.gpr[X86_RAX] = 0x13579BDF;
	KTEST_ASSERT_EQ(t, run(&a, &e), 0);
	KTEST_ASSERT_EQ(t, e.reason, EXIT_HLT);
	a.v->regs.rip += e.insn_len;
	KTEST_ASSERT_EQ(t, run(&b, &e), 0);
	KTEST_ASSERT_EQ(t, e.reason, EXIT_HLT);
	KTEST_EXPECT_EQ(t, get32(b.ram + G_DATA), 0); /* reset state */
	KTEST_ASSERT_EQ(t, run(&a, &e), 0);
	KTEST_EXPECT_EQ(t, e.reason, EXIT_HLT);
	KTEST_EXPECT_EQ(t, get32(a.ram + G_DATA), 0x13579BDF);
	tvm_destroy(&b);
	tvm_destroy(&a);
}

/* CPUID exit round trip as the guest sees it (instructions under
 * qemu -icount shift=0, where the TSC counts them). */
static void cpuid_round_trip(struct ktest *t)
{
	static const u8 code[] = {
		0x0F, 0x31, /* rdtsc */
		0x89, 0xC6, /* mov esi, eax */
		0x89, 0xD7, /* mov edi, edx */
		0xBD, 0,    0,	  0, 0, /* mov ebp, ROUND_TRIPS */
		0x31, 0xC0, /* 1: xor eax, eax */
		0x0F, 0xA2, /* cpuid */
		0x4D, /* dec ebp */
		0x75, 0xF9, /* jnz 1b */
		0x0F, 0x31, /* rdtsc */
		0x0F, 0x01, 0xD9, /* vmmcall */
	};
	struct x86_regs *r;
	struct vcpu_exit e;
	struct tvm tv;
	u64 cpuids = 0, t0, t1;
	int ret;

	if (!svm_usable(t) || !tvm_create(t, &tv))
		return;
	r = &tv.v->regs;
	load(&tv, G_CODE, code, sizeof(code));
	put32(tv.ram + G_CODE + 7, ROUND_TRIPS);
	for (;;) {
		ret = ops->vcpu_run(tv.v, &e);
		if (!ret && e.reason == EXIT_EXTINT)
			continue; /* a host tick */
		if (ret || e.reason != EXIT_CPUID)
			break;
		/* The exit alone: the guest does not use the answer. */
		cpuids++;
		r->rip += e.insn_len;
	}
	KTEST_EXPECT_EQ(t, ret, 0);
	KTEST_EXPECT_EQ(t, e.reason, EXIT_HYPERCALL);
	KTEST_EXPECT_EQ(t, cpuids, ROUND_TRIPS);
	t0 = (r->gpr[X86_RDI] & 0xFFFFFFFF) << 32 |
	     (r->gpr[X86_RSI] & 0xFFFFFFFF);
	t1 = (r->gpr[X86_RDX] & 0xFFFFFFFF) << 32 |
	     (r->gpr[X86_RAX] & 0xFFFFFFFF);
	KTEST_EXPECT(t, t1 > t0);
	kprint("    # svm: cpuid round trip: %llu tsc/iteration\n",
	       (unsigned long long)((t1 - t0) / ROUND_TRIPS));
	tvm_destroy(&tv);
}

static const struct ktest_case svm_cases[] = {
	KTEST_CASE(cpu_enable_every_cpu),
	KTEST_CASE(reset_state),
	KTEST_CASE(cpuid_exit),
	KTEST_CASE(io_exits),
	KTEST_CASE(hypercall_exit),
	KTEST_CASE(msr_exits),
	KTEST_CASE(host_interrupt_preempts),
	KTEST_CASE(npf_exits),
	KTEST_CASE(npt_changes),
	KTEST_CASE(long_mode),
	KTEST_CASE(inject_events),
	KTEST_CASE(interrupt_window),
	KTEST_CASE(triple_fault),
	KTEST_CASE(invalid_state),
	KTEST_CASE(host_state_kept),
	KTEST_CASE(isolation),
	KTEST_CASE(other_cpu),
	KTEST_CASE(many_vms),
	KTEST_CASE(fpu_isolation),
	KTEST_CASE(cpuid_round_trip),
};

KTEST_SUITE("svm", svm_cases);

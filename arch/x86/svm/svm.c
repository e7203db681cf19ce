// SPDX-License-Identifier: GPL-2.0
/*
 * AMD SVM vCPU backend (AMD APM vol. 2, chapter 15): per-CPU enable and
 * host save area, the VMCB in its reset state, the VMRUN loop and the
 * translation of #VMEXIT codes into struct vcpu_exit.
 */
#include <pv/heap.h>
#include <pv/pmm.h>
#include <pv/printk.h>
#include <pv/string.h>
#include <pv/vm.h>
#include <asm/cpu.h>
#include <asm/cpufeature.h>
#include <asm/layout.h>
#include <asm/percpu.h>
#include <asm/traps.h>
#include "svm.h"

#define MSR_VM_CR 0xC0010114
#define VM_CR_SVMDIS (1u << 4)
#define PAT_DEFAULT 0x0007040600070406ull
#define CR0_RESET 0x60000010ull /* CD, NW, ET */

struct svm_cpu svm_cpus[CONFIG_NR_CPUS];

/* Every port and MSR access exits: one shared pair of all-ones maps. */
static phys_addr_t iopm_pa, msrpm_pa;
static spinlock_t maps_lock;

int svm_cpu_enable(void)
{
	struct svm_cpu *c = &svm_cpus[smp_processor_id()];
	phys_addr_t hsave, host;

	if (c->enabled)
		return 0;
	if (!(cpuid(0x80000001, 0).ecx & (1u << 2)) ||
	    (rdmsr(MSR_VM_CR) & VM_CR_SVMDIS))
		return -1;
	hsave = pmm_alloc_zeroed_page();
	host = pmm_alloc_zeroed_page();
	if (!hsave || !host) {
		if (hsave)
			pmm_free_pages(hsave, 0);
		if (host)
			pmm_free_pages(host, 0);
		return -1;
	}
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SVME);
	wrmsr(MSR_VM_HSAVE_PA, hsave);
	/*
	 * The host's FS/GS/TR/LDTR and syscall MSRs, which VMRUN leaves
	 * alone, are restored from here after every exit. None of them
	 * changes after boot (GS holds the per-CPU pointer).
	 */
	__asm__ __volatile__("vmsave %%rax" : : "a"(host) : "memory");
	c->hsave_pa = hsave;
	c->host_vmcb_pa = host;
	c->enabled = true;
	return 0;
}

/*
 * MSRs the guest owns outright: their live values are VMCB state that
 * VMLOAD/VMSAVE switch around every VMRUN (SYSCALL/SYSENTER targets, the
 * SWAPGS base, FS/GS base), so reads and writes need no exit and the
 * SYSCALL path of a guest kernel works.
 */
static const u32 guest_owned_msrs[] = {
	0x174,	    0x175,	0x176, /* SYSENTER_CS/ESP/EIP */
	0xC0000081, 0xC0000082, 0xC0000083, 0xC0000084, /* STAR..SFMASK */
	0xC0000100, 0xC0000101, 0xC0000102, /* FS/GS/KERNEL_GS base */
};

static void msrpm_pass(u8 *pm, u32 msr)
{
	u32 off = msr < 0x2000	      ? 0
		  : msr >= 0xC0000000 ? 0x800 * 8
				      : 0; /* caller passes listed MSRs only */
	u32 bit = off + (msr & 0x1FFF) * 2;

	pm[bit / 8] &= (u8) ~(3u << (bit % 8)); /* read and write */
}

static int alloc_maps(void)
{
	u64 fl = spin_lock_irqsave(&maps_lock);

	if (!iopm_pa) {
		/* IOPM: 12 KiB (order 2 block), MSRPM: 8 KiB (order 1). */
		phys_addr_t io = pmm_alloc_pages(2), msr = pmm_alloc_pages(1);

		if (io && msr) {
			memset(phys_to_virt(io), 0xFF, 4 * PAGE_SIZE);
			memset(phys_to_virt(msr), 0xFF, 2 * PAGE_SIZE);
			for (unsigned int i = 0;
			     i < ARRAY_SIZE(guest_owned_msrs); i++)
				msrpm_pass(phys_to_virt(msr),
					   guest_owned_msrs[i]);
			msrpm_pa = msr;
			iopm_pa = io;
		} else {
			if (io)
				pmm_free_pages(io, 2);
			if (msr)
				pmm_free_pages(msr, 1);
		}
	}
	spin_unlock_irqrestore(&maps_lock, fl);
	return iopm_pa ? 0 : -1;
}

/* ---- segments: VMCB packed attributes <-> struct vcpu_seg ---------- */

static u16 attr_unpack(u16 a)
{
	return (a & 0xFF) | ((a & 0xF00) << 4);
}

static u16 attr_pack(u16 a)
{
	return (a & 0xFF) | ((a >> 4) & 0xF00);
}

static void seg_get(const struct vmcb_seg *h, struct vcpu_seg *s)
{
	s->sel = h->sel;
	s->attr = attr_unpack(h->attr);
	s->limit = h->limit;
	s->base = h->base;
	s->unusable = !(h->attr & SEG_ATTR_P);
}

static void seg_set(struct vmcb_seg *h, const struct vcpu_seg *s)
{
	h->sel = s->sel;
	h->attr = s->unusable ? 0 : attr_pack(s->attr);
	h->limit = s->limit;
	h->base = s->base;
}

static void seg_init(struct vmcb_seg *h, u16 sel, u64 base, u16 attr)
{
	h->sel = sel;
	h->base = base;
	h->limit = 0xFFFF;
	h->attr = attr;
}

static void svm_get_sregs(struct vcpu *v, struct vcpu_sregs *s)
{
	struct vmcb_save *h = &((struct svm_vcpu *)v->vendor)->vmcb->s;

	s->cr0 = h->cr0;
	s->cr2 = h->cr2;
	s->cr3 = h->cr3;
	s->cr4 = h->cr4;
	s->efer = h->efer & ~(u64)EFER_SVME; /* ours, not the guest's */
	seg_get(&h->cs, &s->cs);
	seg_get(&h->ds, &s->ds);
	seg_get(&h->es, &s->es);
	seg_get(&h->fs, &s->fs);
	seg_get(&h->gs, &s->gs);
	seg_get(&h->ss, &s->ss);
	seg_get(&h->tr, &s->tr);
	seg_get(&h->ldtr, &s->ldtr);
	s->gdtr.base = h->gdtr.base;
	s->gdtr.limit = h->gdtr.limit;
	s->idtr.base = h->idtr.base;
	s->idtr.limit = h->idtr.limit;
}

static void svm_set_sregs(struct vcpu *v, const struct vcpu_sregs *s)
{
	struct vmcb_save *h = &((struct svm_vcpu *)v->vendor)->vmcb->s;
	u64 efer = (s->efer | EFER_SVME) & ~(u64)EFER_LMA;

	/* VMRUN takes LMA as given: set it as enabling paging would. */
	if ((efer & EFER_LME) && (s->cr0 & CR0_PG))
		efer |= EFER_LMA;
	h->cr0 = s->cr0;
	h->cr2 = s->cr2;
	h->cr3 = s->cr3;
	h->cr4 = s->cr4;
	h->efer = efer;
	seg_set(&h->cs, &s->cs);
	seg_set(&h->ds, &s->ds);
	seg_set(&h->es, &s->es);
	seg_set(&h->fs, &s->fs);
	seg_set(&h->gs, &s->gs);
	seg_set(&h->ss, &s->ss);
	seg_set(&h->tr, &s->tr);
	seg_set(&h->ldtr, &s->ldtr);
	h->gdtr.base = s->gdtr.base;
	h->gdtr.limit = s->gdtr.limit;
	h->idtr.base = s->idtr.base;
	h->idtr.limit = s->idtr.limit;
	/* VMRUN takes the CPL from the VMCB: SS.DPL, 0 in real mode. */
	h->cpl = (s->cr0 & CR0_PE) ? SEG_ATTR_DPL(s->ss.attr) : 0;
	((struct svm_vcpu *)v->vendor)->state_unproven = true;
	((struct svm_vcpu *)v->vendor)->last_cpu = -1; /* via prepare_slow */
}

/* ---- vCPU life ----------------------------------------------------- */

static void svm_reset_state(struct vcpu *v, struct vmcb *vmcb)
{
	struct vmcb_save *h = &vmcb->s;

	memset(h, 0, sizeof(*h));
	/* As after INIT (APM vol. 2, table 14-1). */
	seg_init(&h->cs, 0xF000, 0xFFFF0000, 0x9B);
	seg_init(&h->ds, 0, 0, 0x93);
	seg_init(&h->es, 0, 0, 0x93);
	seg_init(&h->fs, 0, 0, 0x93);
	seg_init(&h->gs, 0, 0, 0x93);
	seg_init(&h->ss, 0, 0, 0x93);
	seg_init(&h->ldtr, 0, 0, 0x82);
	seg_init(&h->tr, 0, 0, 0x8B);
	h->gdtr.limit = 0xFFFF;
	h->idtr.limit = 0xFFFF;
	h->cr0 = CR0_RESET;
	h->efer = EFER_SVME; /* VMRUN refuses a guest without it */
	h->dr6 = 0xFFFF0FF0;
	h->dr7 = 0x400;
	h->g_pat = PAT_DEFAULT;

	memset(&v->regs, 0, sizeof(v->regs));
	v->regs.rip = 0xFFF0;
	v->regs.rflags = 0x2;
	v->regs.gpr[X86_RDX] = cpuid(1, 0).eax; /* processor signature */
	memset(&v->event, 0, sizeof(v->event));
	((struct svm_vcpu *)v->vendor)->state_unproven = true;
	((struct svm_vcpu *)v->vendor)->last_cpu = -1; /* via prepare_slow */
}

static int svm_vcpu_init(struct vcpu *v)
{
	struct svm_vcpu *sv;
	struct vmcb *vmcb;

	if (alloc_maps())
		return -1;
	sv = kzalloc(sizeof(*sv));
	if (!sv)
		return -1;
	sv->vmcb_pa = pmm_alloc_zeroed_page();
	if (!sv->vmcb_pa) {
		kfree(sv);
		return -1;
	}
	sv->vmcb = vmcb = phys_to_virt(sv->vmcb_pa);
	sv->gprs = v->regs.gpr;
	sv->last_cpu = -1;
	guest_fpu_init(&sv->fpu);
	v->vendor = sv;

	vmcb->c.intercept_exc = 1u << X86_MC;
	vmcb->c.intercept3 = INTERCEPT_INTR | INTERCEPT_NMI | INTERCEPT_INIT |
			     INTERCEPT_CPUID | INTERCEPT_INVD | INTERCEPT_HLT |
			     INTERCEPT_INVLPGA | INTERCEPT_IOIO |
			     INTERCEPT_MSR | INTERCEPT_SHUTDOWN;
	/* The guest sees EFER.SVME set: keep every SVM instruction. */
	vmcb->c.intercept4 = INTERCEPT_VMRUN | INTERCEPT_VMMCALL |
			     INTERCEPT_VMLOAD | INTERCEPT_VMSAVE |
			     INTERCEPT_STGI | INTERCEPT_CLGI | INTERCEPT_SKINIT;
	vmcb->c.iopm_pa = iopm_pa;
	vmcb->c.msrpm_pa = msrpm_pa;
	/* Host RFLAGS.IF gates physical interrupts while the guest runs;
	 * the guest's IF only masks virtual ones. */
	vmcb->c.v_intr = V_INTR_MASKING;
	vmcb->c.tsc_offset = (u64)v->vm->tsc_offset;
	vmcb->c.np_enable = NP_ENABLE;
	vmcb->c.n_cr3 = ((struct svm_s2 *)v->vm->s2)->root_pa;
	vmcb->c.asid = ((struct svm_s2 *)v->vm->s2)->asid;
	sv->s2_genp = &((struct svm_s2 *)v->vm->s2)->gen;
	svm_reset_state(v, vmcb);
	return 0;
}

static void svm_vcpu_destroy(struct vcpu *v)
{
	struct svm_vcpu *sv = v->vendor;

	if (!sv)
		return;
	guest_fpu_put(&sv->fpu);
	pmm_free_pages(sv->vmcb_pa, 0);
	kfree(sv);
	v->vendor = NULL;
}

const struct vcpu_vendor_ops svm_vcpu_ops = {
	.name = "svm",
	.cpu_enable = svm_cpu_enable,
	.vm_init = svm_vm_init,
	.vm_destroy = svm_vm_destroy,
	.s2_map = svm_s2_map,
	.s2_unmap = svm_s2_unmap,
	.vcpu_init = svm_vcpu_init,
	.vcpu_destroy = svm_vcpu_destroy,
	.vcpu_run = svm_vcpu_run,
	.get_sregs = svm_get_sregs,
	.set_sregs = svm_set_sregs,
	.intr_allowed = svm_intr_allowed,
};

// SPDX-License-Identifier: GPL-2.0
/*
 * Intel VMX backend of struct vcpu_vendor_ops: VMXON per CPU, one VMCS per
 * vCPU, unrestricted guest on EPT, VPIDs (SDM vol. 3C, chapters 24-28).
 */
#include <pv/bitmap.h>
#include <pv/heap.h>
#include <pv/pmm.h>
#include <pv/printk.h>
#include <pv/string.h>
#include <pv/vm.h>
#include <asm/cpu.h>
#include <asm/cpufeature.h>
#include <asm/layout.h>
#include <asm/percpu.h>
#include <asm/smp.h>
#include <asm/spinlock.h>
#include <asm/timer.h>
#include "vmx.h"

#define FC_LOCK (1ull << 0)
#define FC_VMXON_OUTSIDE_SMX (1ull << 2)
#define CR0_NE (1ul << 5)
#define CR0_TS (1ul << 3)
#define RESET_CR0 0x60000010ul /* CD, NW, ET */
#define RESET_PAT 0x0007040600070406ull
#define NR_VPIDS 256
#define PREEMPT_MS 10 /* longest guest stretch without an exit */

struct vmx_cpu {
	phys_addr_t vmxon_pa;
	bool on;
	struct vmx_vcpu *current; /* VMCS current on this CPU */
	struct vmx_vcpu *msr_owner; /* whose SYSCALL MSRs are loaded */
	u64 nmis; /* NMIs that arrived while a guest ran */
};

static struct vmx_cpu vmx_cpus[CONFIG_NR_CPUS];
static spinlock_t vmx_lock = SPINLOCK_INIT;
static bool ctls_ready;
static u32 ctl_pin, ctl_proc, ctl_proc2, ctl_exit, ctl_entry;
static u32 preempt_ticks;
static u64 cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
static phys_addr_t msr_bitmap_pa;
static u64 vpid_map[NR_VPIDS / 64];

/*
 * MSRs the guest owns outright (no exit on access). SYSENTER_* and FS/GS
 * base are VMCS guest state, switched by entry and exit. The SYSCALL MSRs
 * and the SWAPGS base are not, but the hypervisor never uses them, so
 * they hold the guest's values in hardware and are swapped only when
 * another vCPU runs on the CPU (vmx_vcpu.smsr).
 */
static const u32 guest_owned_msrs[] = {
	0x174,	    0x175,	0x176, /* SYSENTER_CS/ESP/EIP */
	0xC0000100, 0xC0000101, /* FS/GS base */
	0xC0000081, 0xC0000082, 0xC0000083, 0xC0000084, 0xC0000102,
};
static const u32 switched_msrs[VMX_SWITCHED_MSRS] = {
	0xC0000081, 0xC0000082, 0xC0000083, 0xC0000084, 0xC0000102,
};

/* MSR bitmap: read-low, read-high, write-low, write-high, 1 KiB each. */
static void msr_bitmap_pass(u8 *bm, u32 msr)
{
	u32 base = msr >= 0xC0000000 ? 0x400 : 0, n = msr & 0x1FFF;

	bm[base + n / 8] &= (u8) ~(1u << (n % 8));
	bm[0x800 + base + n / 8] &= (u8) ~(1u << (n % 8));
}

/* Interrupts off, on this CPU. */
static void smsr_save(struct vmx_vcpu *vx)
{
	for (unsigned int i = 0; i < VMX_SWITCHED_MSRS; i++)
		vx->smsr[i] = rdmsr(switched_msrs[i]);
}

static void smsr_load(struct vmx_vcpu *vx)
{
	for (unsigned int i = 0; i < VMX_SWITCHED_MSRS; i++)
		wrmsr(switched_msrs[i], vx->smsr[i]);
}

static struct vmx_cpu *this_vmx_cpu(void)
{
	return &vmx_cpus[smp_processor_id()];
}

bool vmx_cpu_on(void)
{
	return this_vmx_cpu()->on;
}

/* ---- per-CPU enable ---- */

static int vmx_cpu_enable(void)
{
	struct vmx_cpu *c = this_vmx_cpu();
	u64 fc, flags, cr0, cr4, old_cr4;

	if (c->on)
		return 0;
	if (!vmx_caps.supported || vmx_caps.locked_off)
		return -1;
	fc = rdmsr(MSR_FEATURE_CONTROL);
	if (!(fc & FC_LOCK))
		wrmsr(MSR_FEATURE_CONTROL, fc | FC_LOCK | FC_VMXON_OUTSIDE_SMX);
	if (!c->vmxon_pa) {
		c->vmxon_pa = pmm_alloc_zeroed_page();
		if (!c->vmxon_pa)
			return -1;
		*(u32 *)phys_to_virt(c->vmxon_pa) = vmx_caps.revision;
	}
	cr0_fixed0 = rdmsr(MSR_VMX_CR0_FIXED0);
	cr0_fixed1 = rdmsr(MSR_VMX_CR0_FIXED1);
	cr4_fixed0 = rdmsr(MSR_VMX_CR4_FIXED0);
	cr4_fixed1 = rdmsr(MSR_VMX_CR4_FIXED1);

	flags = irq_save();
	cr0 = (read_cr0() | cr0_fixed0) & cr0_fixed1;
	if (cr0 != read_cr0())
		write_cr0(cr0);
	old_cr4 = read_cr4();
	cr4 = (old_cr4 | CR4_VMXE | cr4_fixed0) & cr4_fixed1;
	write_cr4(cr4);
	if (vmx_vmxon(c->vmxon_pa)) {
		write_cr4(old_cr4);
		irq_restore(flags);
		pr_err("vmx: VMXON failed on CPU %u\n", smp_processor_id());
		return -1;
	}
	c->on = true;
	irq_restore(flags);
	return 0;
}

/* ---- control fields from the capability MSRs ---- */

static bool adjust(u64 cap, u32 want, u32 optional, u32 *out, const char *what)
{
	u32 allowed0 = (u32)cap, allowed1 = (u32)(cap >> 32);
	u32 v = (want | optional | allowed0) & allowed1;

	if ((v & want) != want) {
		pr_err("vmx: %s controls %#x not allowed (allowed-1 %#x)\n",
		       what, want & ~allowed1, allowed1);
		return false;
	}
	*out = v;
	return true;
}

static int setup_controls(void)
{
	u64 ecap = vmx_caps.ept_vpid;
	u32 vpid = 0;
	u8 *bm;

	if ((ecap & EPTCAP_INVVPID) &&
	    (ecap & (EPTCAP_INVVPID_SINGLE | EPTCAP_INVVPID_ALL)))
		vpid = PROC2_ENABLE_VPID;
	/*
	 * Every MSR exits (the core decides); all port I/O exits. No
	 * interrupt acknowledge on exit: the host IDT takes it after STI.
	 * The preemption timer bounds how long a guest runs without an exit
	 * even if host interrupts do not make it exit: bochs 2.7 leaves
	 * interrupts masked for a guest entered with RFLAGS.IF=0.
	 */
	if (!adjust(vmx_caps.pinbased, PIN_EXTINT_EXITING | PIN_NMI_EXITING,
		    tsc_khz ? PIN_PREEMPTION_TIMER : 0, &ctl_pin,
		    "pin-based") ||
	    !adjust(vmx_caps.procbased,
		    PROC_HLT_EXITING | PROC_UNCOND_IO | PROC_SECONDARY_CTLS |
			    PROC_TSC_OFFSETTING,
		    PROC_MSR_BITMAPS, &ctl_proc, "processor-based") ||
	    !adjust(vmx_caps.procbased2,
		    PROC2_ENABLE_EPT | PROC2_UNRESTRICTED_GUEST, vpid,
		    &ctl_proc2, "secondary") ||
	    !adjust(vmx_caps.exit,
		    EXIT_HOST_64 | EXIT_SAVE_EFER | EXIT_LOAD_EFER |
			    EXIT_SAVE_PAT | EXIT_LOAD_PAT,
		    0, &ctl_exit, "VM-exit") ||
	    !adjust(vmx_caps.entry, ENTRY_LOAD_EFER | ENTRY_LOAD_PAT, 0,
		    &ctl_entry, "VM-entry"))
		return -1;
	ctl_proc &= ~(PROC_INTR_WINDOW | PROC_IO_BITMAPS);
	ctl_exit &= ~(EXIT_ACK_INTR | EXIT_SAVE_PREEMPTION);
	if (ctl_pin & PIN_PREEMPTION_TIMER) {
		/* Counts TSC >> IA32_VMX_MISC[4:0]; reloaded on every entry. */
		u64 t = ((u64)tsc_khz * PREEMPT_MS) >> (vmx_caps.misc & 0x1F);

		preempt_ticks = t > 0xFFFFFFFF ? 0xFFFFFFFF : t ? t : 1;
	}
	ctl_entry &= ~ENTRY_IA32E_GUEST;
	if (ctl_proc & PROC_MSR_BITMAPS) {
		msr_bitmap_pa = pmm_alloc_zeroed_page();
		if (!msr_bitmap_pa)
			return -1;
		bm = phys_to_virt(msr_bitmap_pa);
		memset(bm, 0xFF, PAGE_SIZE);
		for (unsigned int i = 0; i < ARRAY_SIZE(guest_owned_msrs); i++)
			msr_bitmap_pass(bm, guest_owned_msrs[i]);
	}
	ctls_ready = true;
	pr_info("vmx: controls pin %#x proc %#x/%#x exit %#x entry %#x, preemption timer %u\n",
		ctl_pin, ctl_proc, ctl_proc2, ctl_exit, ctl_entry,
		preempt_ticks);
	return 0;
}

/* ---- VPIDs ---- */

static u16 vpid_alloc(void)
{
	u64 flags = spin_lock_irqsave(&vmx_lock);
	u16 id = 0;

	for (unsigned int i = 1; i < NR_VPIDS; i++) {
		if (!bitmap_test_bit(vpid_map, i)) {
			bitmap_set_bit(vpid_map, i);
			id = i;
			break;
		}
	}
	spin_unlock_irqrestore(&vmx_lock, flags);
	return id;
}

static void vpid_free(u16 id)
{
	u64 flags = spin_lock_irqsave(&vmx_lock);

	bitmap_clear_bit(vpid_map, id);
	spin_unlock_irqrestore(&vmx_lock, flags);
}

static void flush_vpid(u16 vpid)
{
	if (!vpid)
		return;
	if (vmx_caps.ept_vpid & EPTCAP_INVVPID_SINGLE)
		vmx_invvpid(1, vpid);
	else
		vmx_invvpid(2, 0);
}

/* ---- running code with a vCPU's VMCS current ---- */

typedef void (*vmcs_fn)(struct vmx_vcpu *vx, void *arg);

struct vmcs_call {
	struct vmx_vcpu *vx;
	vmcs_fn fn;
	void *arg;
};

/* Interrupts off. Makes vx current here for fn, then puts back the
 * VMCS that was current; a VMCS active nowhere is cleared again. */
static void vmcs_call_here(void *p)
{
	struct vmcs_call *c = p;
	struct vmx_cpu *pc = this_vmx_cpu();
	struct vmx_vcpu *vx = c->vx, *prev = pc->current;
	bool temp = vx->cpu < 0;

	if (!pc->on) {
		pr_err("vmx: VMCS access on CPU %u without VMXON\n",
		       smp_processor_id());
		return;
	}
	if (prev != vx)
		vmx_vmptrld(vx->vmcs_pa);
	c->fn(vx, c->arg);
	if (temp)
		vmx_vmclear(vx->vmcs_pa);
	if (prev && prev != vx)
		vmx_vmptrld(prev->vmcs_pa);
	else if (prev == vx && temp)
		pc->current = NULL;
}

/* Run fn with vx's VMCS current, on the CPU where it is active. */
static void with_vmcs(struct vmx_vcpu *vx, vmcs_fn fn, void *arg)
{
	struct vmcs_call c = { vx, fn, arg };
	int cpu = READ_ONCE(vx->cpu);
	u64 flags;

	if (cpu >= 0 && (unsigned int)cpu != smp_processor_id()) {
		smp_call_function(cpu, vmcs_call_here, &c, true);
		return;
	}
	flags = irq_save();
	vmcs_call_here(&c);
	irq_restore(flags);
}

/* On the CPU where vx is active: clear it so another CPU can load it. */
static void vmcs_release(void *p)
{
	struct vmx_vcpu *vx = p;
	struct vmx_cpu *pc = this_vmx_cpu();

	guest_fpu_put(&vx->fpu);
	vmx_vmclear(vx->vmcs_pa);
	if (pc->current == vx)
		pc->current = NULL;
	if (pc->msr_owner == vx) {
		smsr_save(vx);
		pc->msr_owner = NULL;
	}
	vx->launched = false;
	WRITE_ONCE(vx->cpu, -1);
}

/* ---- guest control registers ---- */

static u64 real_cr0(u64 guest)
{
	return (guest | (cr0_fixed0 & ~(CR0_PE | CR0_PG))) & cr0_fixed1;
}

static u64 real_cr4(u64 guest)
{
	return (guest | cr4_fixed0) & cr4_fixed1;
}

static void set_ia32e(struct vmx_vcpu *vx, bool on)
{
	if (on)
		vx->entry_ctls |= ENTRY_IA32E_GUEST;
	else
		vx->entry_ctls &= ~ENTRY_IA32E_GUEST;
	vmwrite(VMCS_ENTRY_CTLS, vx->entry_ctls);
}

/* A guest MOV to CR0 that changed a bit the host owns. */
static void write_guest_cr0(struct vmx_vcpu *vx, u64 val)
{
	u64 old = vmread(VMCS_CR0_SHADOW);
	u64 efer = vmread(VMCS_GUEST_EFER);

	if (!(old & CR0_PG) && (val & CR0_PG) && (efer & EFER_LME)) {
		vmwrite(VMCS_GUEST_EFER, efer | EFER_LMA);
		set_ia32e(vx, true);
	} else if ((old & CR0_PG) && !(val & CR0_PG) && (efer & EFER_LMA)) {
		vmwrite(VMCS_GUEST_EFER, efer & ~EFER_LMA);
		set_ia32e(vx, false);
	}
	vmwrite(VMCS_CR0_SHADOW, val);
	vmwrite(VMCS_GUEST_CR0, real_cr0(val));
}

static void write_guest_cr4(u64 val)
{
	vmwrite(VMCS_CR4_SHADOW, val);
	vmwrite(VMCS_GUEST_CR4, real_cr4(val));
}

static u64 guest_cr(u64 real, u64 shadow, u64 mask)
{
	return (real & ~mask) | (shadow & mask);
}

/* PAE paging without long mode: VM entry takes the four PDPTEs from the
 * VMCS, so a CR0/CR3/CR4 change made by the host must load them. */
static void load_pdptes(struct vmx_vcpu *vx)
{
	u64 cr0 = vmread(VMCS_CR0_SHADOW), cr4 = vmread(VMCS_GUEST_CR4);
	u64 cr3 = vmread(VMCS_GUEST_CR3);
	phys_addr_t hpa;
	const u64 *pdpt;

	if (!(cr0 & CR0_PG) || !(cr4 & CR4_PAE) ||
	    (vmread(VMCS_GUEST_EFER) & EFER_LMA))
		return;
	hpa = vmx_ept_lookup(vx->v->vm, cr3 & 0xFFFFFFE0);
	pdpt = hpa ? phys_to_virt(hpa) : NULL;
	for (int i = 0; i < 4; i++)
		vmwrite(VMCS_GUEST_PDPTE0 + 2 * i, pdpt ? pdpt[i] : 0);
}

/* ---- VMCS set-up ---- */

static void write_seg(enum vmx_seg s, const struct vcpu_seg *seg)
{
	vmwrite(VMCS_GUEST_ES_SEL + 2 * s, seg->sel);
	vmwrite(VMCS_GUEST_ES_BASE + 2 * s, seg->base);
	vmwrite(VMCS_GUEST_ES_LIMIT + 2 * s, seg->limit);
	vmwrite(VMCS_GUEST_ES_AR + 2 * s,
		seg->attr | (seg->unusable ? VMX_AR_UNUSABLE : 0));
}

static void read_seg(enum vmx_seg s, struct vcpu_seg *seg)
{
	u32 ar = vmread(VMCS_GUEST_ES_AR + 2 * s);

	seg->sel = vmread(VMCS_GUEST_ES_SEL + 2 * s);
	seg->base = vmread(VMCS_GUEST_ES_BASE + 2 * s);
	seg->limit = vmread(VMCS_GUEST_ES_LIMIT + 2 * s);
	seg->attr = ar & 0xF0FF;
	seg->unusable = ar & VMX_AR_UNUSABLE;
}

static void write_controls(struct vmx_vcpu *vx, struct vm *vm)
{
	vx->proc_ctls = ctl_proc;
	vx->entry_ctls = ctl_entry;
	vmwrite(VMCS_PIN_CTLS, ctl_pin);
	vmwrite(VMCS_PROC_CTLS, ctl_proc);
	vmwrite(VMCS_TSC_OFFSET, (u64)vm->tsc_offset);
	vmwrite(VMCS_PROC2_CTLS, ctl_proc2);
	vmwrite(VMCS_EXIT_CTLS, ctl_exit);
	vmwrite(VMCS_ENTRY_CTLS, ctl_entry);
	vmwrite(VMCS_EXCEPTION_BITMAP, 0);
	vmwrite(VMCS_PF_ERR_MASK, 0);
	vmwrite(VMCS_PF_ERR_MATCH, 0);
	vmwrite(VMCS_CR3_TARGET_COUNT, 0);
	vmwrite(VMCS_EXIT_MSR_STORE_COUNT, 0);
	vmwrite(VMCS_EXIT_MSR_LOAD_COUNT, 0);
	vmwrite(VMCS_ENTRY_MSR_LOAD_COUNT, 0);
	vmwrite(VMCS_ENTRY_INTR_INFO, 0);
	if (ctl_pin & PIN_PREEMPTION_TIMER)
		vmwrite(VMCS_PREEMPTION_TIMER, preempt_ticks);
	if (ctl_proc & PROC_MSR_BITMAPS)
		vmwrite(VMCS_MSR_BITMAP, msr_bitmap_pa);
	vmwrite(VMCS_EPT_POINTER, vmx_eptp(vm));
	if (ctl_proc2 & PROC2_ENABLE_VPID)
		vmwrite(VMCS_VPID, vx->vpid);
	vmwrite(VMCS_LINK_POINTER, ~0ull);

	/* Host-owned CR bits: those VMX forces either way. PE and PG are
	 * the guest's (unrestricted guest); VMXE hides behind the shadow. */
	vx->cr0_mask = (cr0_fixed0 & ~(CR0_PE | CR0_PG)) | ~cr0_fixed1;
	vx->cr4_mask = cr4_fixed0 | ~cr4_fixed1;
	vx->cr0_mask &= 0xFFFFFFFFul;
	vx->cr4_mask &= 0xFFFFFFFFul;
	vmwrite(VMCS_CR0_MASK, vx->cr0_mask);
	vmwrite(VMCS_CR4_MASK, vx->cr4_mask);
}

/* Architectural state after INIT: real mode at F000:FFF0. */
static void write_reset_state(struct vmx_vcpu *vx, struct vcpu *v)
{
	struct vcpu_seg data = { 0, 0x93, 0xFFFF, 0, false };
	struct vcpu_seg cs = { 0xF000, 0x9B, 0xFFFF, 0xFFFF0000, false };
	struct vcpu_seg ldtr = { 0, 0x82, 0xFFFF, 0, false };
	struct vcpu_seg tr = { 0, 0x8B, 0xFFFF, 0, false };

	write_seg(VSEG_ES, &data);
	write_seg(VSEG_CS, &cs);
	write_seg(VSEG_SS, &data);
	write_seg(VSEG_DS, &data);
	write_seg(VSEG_FS, &data);
	write_seg(VSEG_GS, &data);
	write_seg(VSEG_LDTR, &ldtr);
	write_seg(VSEG_TR, &tr);
	vmwrite(VMCS_GUEST_GDTR_BASE, 0);
	vmwrite(VMCS_GUEST_GDTR_LIMIT, 0xFFFF);
	vmwrite(VMCS_GUEST_IDTR_BASE, 0);
	vmwrite(VMCS_GUEST_IDTR_LIMIT, 0xFFFF);
	vmwrite(VMCS_CR0_SHADOW, RESET_CR0);
	vmwrite(VMCS_GUEST_CR0, real_cr0(RESET_CR0));
	write_guest_cr4(0);
	vmwrite(VMCS_GUEST_CR3, 0);
	vmwrite(VMCS_GUEST_EFER, 0);
	vmwrite(VMCS_GUEST_PAT, RESET_PAT);
	vmwrite(VMCS_GUEST_DR7, 0x400);
	vmwrite(VMCS_GUEST_DEBUGCTL, 0);
	vmwrite(VMCS_GUEST_SYSENTER_CS, 0);
	vmwrite(VMCS_GUEST_SYSENTER_ESP, 0);
	vmwrite(VMCS_GUEST_SYSENTER_EIP, 0);
	vmwrite(VMCS_GUEST_INTERRUPTIBILITY, 0);
	vmwrite(VMCS_GUEST_ACTIVITY, 0);
	vmwrite(VMCS_GUEST_PENDING_DBG, 0);
	vmwrite(VMCS_GUEST_RSP, 0);
	vmwrite(VMCS_GUEST_RIP, 0xFFF0);
	vmwrite(VMCS_GUEST_RFLAGS, 2);
	vx->vmcs_rsp = 0;
	vx->vmcs_rflags = 2;

	memset(&v->regs, 0, sizeof(v->regs));
	v->regs.rip = 0xFFF0;
	v->regs.rflags = 2;
	v->regs.gpr[X86_RDX] = 0x600; /* family 6 processor signature */
}

struct desc_ptr {
	u16 limit;
	u64 base;
} __packed;

/* Host state of the calling CPU: it differs per CPU (GS base, TSS). */
static void write_host_state(void)
{
	struct desc_ptr gdt, idt;
	u16 tr, cs, ss, ds, es, fs, gs;
	const u64 *d;
	u64 tr_base;

	__asm__ __volatile__("sgdt %0; sidt %1; str %2"
			     : "=m"(gdt), "=m"(idt), "=r"(tr));
	__asm__ __volatile__("mov %%cs, %0; mov %%ss, %1; mov %%ds, %2;"
			     "mov %%es, %3; mov %%fs, %4; mov %%gs, %5"
			     : "=r"(cs), "=r"(ss), "=r"(ds), "=r"(es), "=r"(fs),
			       "=r"(gs));
	d = (const u64 *)(uintptr_t)(gdt.base + (tr & ~7u));
	tr_base = ((d[0] >> 16) & 0xFFFFFF) | (((d[0] >> 56) & 0xFF) << 24) |
		  ((d[1] & 0xFFFFFFFF) << 32);

	vmwrite(VMCS_HOST_CR0, read_cr0());
	vmwrite(VMCS_HOST_CR3, read_cr3());
	vmwrite(VMCS_HOST_CR4, read_cr4());
	/* Host selectors need RPL 0 and TI 0. */
	vmwrite(VMCS_HOST_CS_SEL, cs & 0xF8);
	vmwrite(VMCS_HOST_SS_SEL, ss & 0xF8);
	vmwrite(VMCS_HOST_DS_SEL, ds & 0xF8);
	vmwrite(VMCS_HOST_ES_SEL, es & 0xF8);
	vmwrite(VMCS_HOST_FS_SEL, fs & 0xF8);
	vmwrite(VMCS_HOST_GS_SEL, gs & 0xF8);
	vmwrite(VMCS_HOST_TR_SEL, tr & 0xF8);
	vmwrite(VMCS_HOST_FS_BASE, rdmsr(MSR_FS_BASE));
	vmwrite(VMCS_HOST_GS_BASE, rdmsr(MSR_GS_BASE));
	vmwrite(VMCS_HOST_TR_BASE, tr_base);
	vmwrite(VMCS_HOST_GDTR_BASE, gdt.base);
	vmwrite(VMCS_HOST_IDTR_BASE, idt.base);
	vmwrite(VMCS_HOST_SYSENTER_CS, rdmsr(MSR_SYSENTER_CS));
	vmwrite(VMCS_HOST_SYSENTER_ESP, rdmsr(MSR_SYSENTER_ESP));
	vmwrite(VMCS_HOST_SYSENTER_EIP, rdmsr(MSR_SYSENTER_EIP));
	vmwrite(VMCS_HOST_EFER, rdmsr(MSR_EFER));
	vmwrite(VMCS_HOST_PAT, rdmsr(MSR_PAT));
	vmwrite(VMCS_HOST_RIP, (u64)(uintptr_t)vmx_exit_stub);
}

/* ---- vCPU lifetime ---- */

static int vmx_vcpu_init(struct vcpu *v)
{
	struct vmx_cpu *pc;
	struct vmx_vcpu *vx;
	u64 flags;

	if (!vmx_cpu_on()) {
		pr_err("vmx: vcpu_init on CPU %u before cpu_enable\n",
		       smp_processor_id());
		return -1;
	}
	if (!v->vm || !v->vm->s2)
		return -1;
	flags = spin_lock_irqsave(&vmx_lock);
	if (!ctls_ready && setup_controls()) {
		spin_unlock_irqrestore(&vmx_lock, flags);
		return -1;
	}
	spin_unlock_irqrestore(&vmx_lock, flags);

	vx = kzalloc(sizeof(*vx));
	if (!vx)
		return -1;
	vx->vmcs_pa = pmm_alloc_zeroed_page();
	if (!vx->vmcs_pa) {
		kfree(vx);
		return -1;
	}
	vx->vmcs = phys_to_virt(vx->vmcs_pa);
	*(u32 *)vx->vmcs = vmx_caps.revision;
	guest_fpu_init(&vx->fpu);
	vx->v = v;
	vx->cpu = -1;
	if (ctl_proc2 & PROC2_ENABLE_VPID) {
		vx->vpid = vpid_alloc();
		if (!vx->vpid) {
			pr_err("vmx: out of VPIDs\n");
			pmm_free_pages(vx->vmcs_pa, 0);
			kfree(vx);
			return -1;
		}
	}

	flags = irq_save();
	pc = this_vmx_cpu();
	if (vmx_vmclear(vx->vmcs_pa) || vmx_vmptrld(vx->vmcs_pa)) {
		irq_restore(flags);
		pr_err("vmx: VMCLEAR/VMPTRLD of a new VMCS failed\n");
		if (vx->vpid)
			vpid_free(vx->vpid);
		pmm_free_pages(vx->vmcs_pa, 0);
		kfree(vx);
		return -1;
	}
	write_controls(vx, v->vm);
	write_reset_state(vx, v);
	/* Written back to memory and inactive: any CPU may load it. */
	vmx_vmclear(vx->vmcs_pa);
	pc->current = NULL;
	irq_restore(flags);
	v->vendor = vx;
	return 0;
}

static void vmx_vcpu_destroy(struct vcpu *v)
{
	struct vmx_vcpu *vx = v->vendor;
	int cpu;
	u64 flags;

	if (!vx)
		return;
	cpu = READ_ONCE(vx->cpu);
	if (cpu >= 0 && (unsigned int)cpu != smp_processor_id()) {
		smp_call_function(cpu, vmcs_release, vx, true);
	} else if (cpu >= 0) {
		flags = irq_save();
		vmcs_release(vx);
		irq_restore(flags);
	}
	if (vx->vpid)
		vpid_free(vx->vpid);
	pmm_free_pages(vx->vmcs_pa, 0);
	kfree(vx);
	v->vendor = NULL;
}

/* ---- register state ---- */

static void do_get_sregs(struct vmx_vcpu *vx, void *arg)
{
	struct vcpu_sregs *s = arg;

	s->cr0 = guest_cr(vmread(VMCS_GUEST_CR0), vmread(VMCS_CR0_SHADOW),
			  vx->cr0_mask);
	s->cr4 = guest_cr(vmread(VMCS_GUEST_CR4), vmread(VMCS_CR4_SHADOW),
			  vx->cr4_mask);
	s->cr2 = vx->cr2;
	s->cr3 = vmread(VMCS_GUEST_CR3);
	s->efer = vmread(VMCS_GUEST_EFER);
	read_seg(VSEG_ES, &s->es);
	read_seg(VSEG_CS, &s->cs);
	read_seg(VSEG_SS, &s->ss);
	read_seg(VSEG_DS, &s->ds);
	read_seg(VSEG_FS, &s->fs);
	read_seg(VSEG_GS, &s->gs);
	read_seg(VSEG_LDTR, &s->ldtr);
	read_seg(VSEG_TR, &s->tr);
	s->gdtr.base = vmread(VMCS_GUEST_GDTR_BASE);
	s->gdtr.limit = vmread(VMCS_GUEST_GDTR_LIMIT);
	s->idtr.base = vmread(VMCS_GUEST_IDTR_BASE);
	s->idtr.limit = vmread(VMCS_GUEST_IDTR_LIMIT);
}

static void do_set_sregs(struct vmx_vcpu *vx, void *arg)
{
	const struct vcpu_sregs *s = arg;

	vmwrite(VMCS_CR0_SHADOW, s->cr0);
	vmwrite(VMCS_GUEST_CR0, real_cr0(s->cr0));
	write_guest_cr4(s->cr4);
	vx->cr2 = s->cr2;
	vmwrite(VMCS_GUEST_CR3, s->cr3);
	vmwrite(VMCS_GUEST_EFER, s->efer);
	set_ia32e(vx, s->efer & EFER_LMA);
	write_seg(VSEG_ES, &s->es);
	write_seg(VSEG_CS, &s->cs);
	write_seg(VSEG_SS, &s->ss);
	write_seg(VSEG_DS, &s->ds);
	write_seg(VSEG_FS, &s->fs);
	write_seg(VSEG_GS, &s->gs);
	write_seg(VSEG_LDTR, &s->ldtr);
	write_seg(VSEG_TR, &s->tr);
	vmwrite(VMCS_GUEST_GDTR_BASE, s->gdtr.base);
	vmwrite(VMCS_GUEST_GDTR_LIMIT, s->gdtr.limit);
	vmwrite(VMCS_GUEST_IDTR_BASE, s->idtr.base);
	vmwrite(VMCS_GUEST_IDTR_LIMIT, s->idtr.limit);
	/* A new mode starts with no interrupt shadow. */
	vmwrite(VMCS_GUEST_INTERRUPTIBILITY, 0);
	load_pdptes(vx);
}

static void vmx_get_sregs(struct vcpu *v, struct vcpu_sregs *s)
{
	memset(s, 0, sizeof(*s));
	with_vmcs(v->vendor, do_get_sregs, s);
}

static void vmx_set_sregs(struct vcpu *v, const struct vcpu_sregs *s)
{
	struct vmx_vcpu *vx = v->vendor;

	vx->intr_state = 0;
	with_vmcs(vx, do_set_sregs, (void *)s);
}

/* An STI or MOV SS shadow lasts one instruction: once the caller has
 * moved RIP past the exiting instruction (HLT after STI), it is over. */
static u32 intr_shadow(struct vcpu *v, struct vmx_vcpu *vx)
{
	if (v->regs.rip != vx->exit_rip)
		return 0;
	return vx->intr_state & (INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOVSS);
}

static bool vmx_intr_allowed(struct vcpu *v)
{
	struct vmx_vcpu *vx = v->vendor;

	return (v->regs.rflags & RFLAGS_IF) && !intr_shadow(v, vx) &&
	       !(vx->reinject & INTR_INFO_VALID) && !v->event.pending;
}

/* ---- entry and exit ---- */

/* Interrupts off: make vx current on this CPU, host state included. */
static void load_vcpu(struct vmx_vcpu *vx, struct vm *vm)
{
	struct vmx_cpu *pc = this_vmx_cpu();
	u32 gen = vmx_ept_gen(vm);

	if (vx->cpu < 0) {
		vmx_vmptrld(vx->vmcs_pa);
		write_host_state();
		vx->launched = false;
		vx->cpu = smp_processor_id();
		/* Nothing this CPU cached for our tags may survive. */
		vmx_flush_ept(vmx_eptp(vm));
		flush_vpid(vx->vpid);
		vx->ept_gen = gen;
	} else if (pc->current != vx) {
		vmx_vmptrld(vx->vmcs_pa);
	}
	pc->current = vx;
	if (pc->msr_owner != vx) {
		if (pc->msr_owner)
			smsr_save(pc->msr_owner);
		smsr_load(vx);
		pc->msr_owner = vx;
	}
	if (vx->ept_gen != gen) {
		vmx_flush_ept(vmx_eptp(vm));
		vx->ept_gen = gen;
	}
}

static u32 event_info(const struct vcpu_event *e, bool pmode)
{
	static const u8 types[] = {
		[EVENT_EXTINT] = INTR_TYPE_EXTINT,
		[EVENT_NMI] = INTR_TYPE_NMI,
		[EVENT_EXCEPTION] = INTR_TYPE_HW_EXC,
		[EVENT_SOFTINT] = INTR_TYPE_SW_INT,
	};
	u32 info = e->vector | INTR_INFO_VALID;

	info |= (u32)types[e->type < ARRAY_SIZE(types) ? e->type : 0] << 8;
	/* Real mode delivers no error codes. */
	if (e->type == EVENT_EXCEPTION && e->has_error && pmode)
		info |= INTR_INFO_HAS_ERROR;
	return info;
}

static void prepare_entry(struct vcpu *v, struct vmx_vcpu *vx)
{
	u32 proc = vx->proc_ctls;
	u32 info = 0, error = 0;

	if (v->regs.gpr[X86_RSP] != vx->vmcs_rsp) {
		vx->vmcs_rsp = v->regs.gpr[X86_RSP];
		vmwrite(VMCS_GUEST_RSP, vx->vmcs_rsp);
	}
	if (v->regs.rflags != vx->vmcs_rflags) {
		vx->vmcs_rflags = v->regs.rflags;
		vmwrite(VMCS_GUEST_RFLAGS, vx->vmcs_rflags);
	}
	vmwrite(VMCS_GUEST_RIP, v->regs.rip);
	if ((vx->intr_state &
	     (INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOVSS)) &&
	    !intr_shadow(v, vx)) {
		vx->intr_state &=
			~(INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOVSS);
		vmwrite(VMCS_GUEST_INTERRUPTIBILITY, vx->intr_state);
	}

	if (vx->reinject & INTR_INFO_VALID) {
		/* An event the last exit interrupted goes first. */
		info = vx->reinject;
		error = vx->reinject_error;
		vx->reinject = 0;
	} else if (v->event.pending) {
		info = event_info(&v->event, vmread(VMCS_GUEST_CR0) & CR0_PE);
		error = v->event.error;
		v->event.pending = false;
	}
	if (info) {
		vmwrite(VMCS_ENTRY_INTR_INFO, info);
		if (info & INTR_INFO_HAS_ERROR)
			vmwrite(VMCS_ENTRY_EXC_ERROR, error);
		if (INTR_INFO_TYPE(info) >= INTR_TYPE_SW_INT)
			vmwrite(VMCS_ENTRY_INSN_LEN,
				vx->reinject_len ? vx->reinject_len : 2);
		vx->reinject_len = 0;
	}

	if (v->want_intr_window)
		proc |= PROC_INTR_WINDOW;
	else
		proc &= ~PROC_INTR_WINDOW;
	if (proc != vx->proc_ctls) {
		vmwrite(VMCS_PROC_CTLS, proc);
		vx->proc_ctls = proc;
	}
	if (read_cr2() != vx->cr2)
		write_cr2(vx->cr2);
}

/* MOV to/from CR, CLTS, LMSW on a host-owned bit; true if handled. */
static bool handle_cr_access(struct vcpu *v, struct vmx_vcpu *vx, u64 q)
{
	unsigned int cr = q & 15, type = (q >> 4) & 3, reg = (q >> 8) & 15;
	u64 cr0 = guest_cr(vmread(VMCS_GUEST_CR0), vmread(VMCS_CR0_SHADOW),
			   vx->cr0_mask);
	u64 val = v->regs.gpr[reg];

	switch (type) {
	case 0: /* MOV to CR */
		if (cr == 0)
			write_guest_cr0(vx, val);
		else if (cr == 4)
			write_guest_cr4(val);
		else if (cr == 3)
			vmwrite(VMCS_GUEST_CR3, val);
		else
			return false;
		break;
	case 1: /* MOV from CR */
		if (cr != 3)
			return false;
		v->regs.gpr[reg] = vmread(VMCS_GUEST_CR3);
		break;
	case 2: /* CLTS */ write_guest_cr0(vx, cr0 & ~CR0_TS); break;
	default: /* LMSW: cannot clear PE */
		write_guest_cr0(vx, (cr0 & ~0xEul) | ((q >> 16) & 0xF) |
					    (cr0 & CR0_PE));
		break;
	}
	if (type != 1)
		load_pdptes(vx);
	v->regs.rip += vmread(VMCS_EXIT_INSN_LEN);
	return true;
}

static void decode_exit(u32 reason, struct vcpu_exit *exit)
{
	u64 q = 0;
	u32 info;

	exit->hw_code = reason;
	switch (reason & 0xFFFF) {
	case VMX_EXIT_EXC_NMI:
	case VMX_EXIT_SIPI:
	case VMX_EXIT_IO:
	case VMX_EXIT_EPT_VIOLATION: q = vmread(VMCS_EXIT_QUAL); break;
	default: break;
	}
	switch (reason & 0xFFFF) {
	case VMX_EXIT_EXC_NMI:
		info = vmread(VMCS_EXIT_INTR_INFO);
		if (INTR_INFO_TYPE(info) == INTR_TYPE_NMI) {
			/* The host has no NMI work of its own: count it. */
			this_vmx_cpu()->nmis++;
			exit->reason = EXIT_NMI;
			break;
		}
		exit->reason = EXIT_EXCEPTION;
		exit->exc.vector = INTR_INFO_VECTOR(info);
		exit->exc.has_error = info & INTR_INFO_HAS_ERROR;
		if (exit->exc.has_error)
			exit->exc.error = vmread(VMCS_EXIT_INTR_ERROR);
		if (exit->exc.vector == 14)
			exit->exc.cr2 = q;
		if (INTR_INFO_TYPE(info) >= INTR_TYPE_SW_INT)
			exit->insn_len = vmread(VMCS_EXIT_INSN_LEN);
		break;
	case VMX_EXIT_EXTINT:
	case VMX_EXIT_PREEMPTION_TIMER: /* the host's turn, as for an IRQ */
		exit->reason = EXIT_EXTINT;
		break;
	case VMX_EXIT_TRIPLE_FAULT: exit->reason = EXIT_SHUTDOWN; break;
	case VMX_EXIT_INIT: exit->reason = EXIT_INIT; break;
	case VMX_EXIT_SIPI:
		exit->reason = EXIT_SIPI;
		exit->exc.vector = q & 0xFF; /* start-up vector */
		break;
	case VMX_EXIT_INTR_WINDOW: exit->reason = EXIT_INTR_WINDOW; break;
	case VMX_EXIT_CPUID: exit->reason = EXIT_CPUID; break;
	case VMX_EXIT_HLT: exit->reason = EXIT_HLT; break;
	case VMX_EXIT_VMCALL: exit->reason = EXIT_HYPERCALL; break;
	case VMX_EXIT_RDMSR: exit->reason = EXIT_RDMSR; break;
	case VMX_EXIT_WRMSR: exit->reason = EXIT_WRMSR; break;
	case VMX_EXIT_IO:
		exit->reason = EXIT_IO;
		exit->io.size = (q & 7) + 1;
		exit->io.in = q & (1u << 3);
		exit->io.string = q & (1u << 4);
		exit->io.rep = q & (1u << 5);
		exit->io.port = q >> 16;
		break;
	case VMX_EXIT_EPT_VIOLATION:
		exit->reason = EXIT_NPF;
		exit->npf.gpa = vmread(VMCS_GUEST_PHYS_ADDR);
		exit->npf.read = q & 1;
		exit->npf.write = q & 2;
		exit->npf.fetch = q & 4;
		/* Linear address valid and the access was the final one. */
		exit->npf.translation = (q & (1u << 7)) && (q & (1u << 8));
		break;
	case VMX_EXIT_EPT_MISCONFIG:
		exit->reason = EXIT_INVALID;
		exit->npf.gpa = vmread(VMCS_GUEST_PHYS_ADDR);
		pr_err("vmx: EPT misconfiguration at GPA %#llx\n",
		       (unsigned long long)exit->npf.gpa);
		break;
	default: exit->reason = EXIT_OTHER; break;
	}
	switch (exit->reason) {
	case EXIT_CPUID:
	case EXIT_HLT:
	case EXIT_HYPERCALL:
	case EXIT_RDMSR:
	case EXIT_WRMSR:
	case EXIT_IO: exit->insn_len = vmread(VMCS_EXIT_INSN_LEN); break;
	default: break;
	}
}

static bool insn_exit(u32 reason)
{
	switch (reason & 0xFFFF) {
	case VMX_EXIT_CPUID:
	case VMX_EXIT_HLT:
	case VMX_EXIT_VMCALL:
	case VMX_EXIT_CR_ACCESS:
	case VMX_EXIT_IO:
	case VMX_EXIT_RDMSR:
	case VMX_EXIT_WRMSR: return true;
	default: return false;
	}
}

static int vmx_vcpu_run(struct vcpu *v, struct vcpu_exit *exit)
{
	struct vmx_vcpu *vx = v->vendor;
	int cpu = READ_ONCE(vx->cpu);
	u32 reason, idt;
	int rc;

	*exit = (struct vcpu_exit){ .reason = EXIT_NONE };
	if (!vmx_cpu_on()) {
		exit->reason = EXIT_INVALID;
		pr_err("vmx: vcpu_run on CPU %u without VMXON\n",
		       smp_processor_id());
		return -1;
	}
	if (cpu >= 0 && (unsigned int)cpu != smp_processor_id())
		smp_call_function(cpu, vmcs_release, vx, true);

	for (;;) {
		irq_disable();
		load_vcpu(vx, v->vm);
		prepare_entry(v, vx);
		guest_fpu_load(&vx->fpu);
		rc = vmx_enter(v->regs.gpr, vx->launched);
		if (rc) {
			u32 err = rc == 2 ? vmread(VMCS_INSN_ERROR) : 0;

			/* A refused entry leaves an injected event armed. */
			if (rc == 2)
				vmwrite(VMCS_ENTRY_INTR_INFO, 0);
			irq_enable();
			pr_err("vmx: VM%s failed: %s, VM-instruction error %u\n",
			       vx->launched ? "RESUME" : "LAUNCH",
			       rc == 2 ? "VMfailValid" : "VMfailInvalid", err);
			exit->reason = EXIT_INVALID;
			exit->hw_code = 0xFFFFFFFF00000000ull | err;
			return -1;
		}
		vx->cr2 = read_cr2();
		vx->vmcs_rsp = vmread(VMCS_GUEST_RSP);
		vx->vmcs_rflags = vmread(VMCS_GUEST_RFLAGS);
		v->regs.gpr[X86_RSP] = vx->vmcs_rsp;
		v->regs.rip = vmread(VMCS_GUEST_RIP);
		vx->exit_rip = v->regs.rip;
		v->regs.rflags = vx->vmcs_rflags;
		vx->intr_state = vmread(VMCS_GUEST_INTERRUPTIBILITY);
		reason = vmread(VMCS_EXIT_REASON);
		v->exits++;
		if (reason & VMX_EXIT_ENTRY_FAILED) {
			u64 q = vmread(VMCS_EXIT_QUAL);

			vmwrite(VMCS_ENTRY_INTR_INFO, 0);
			irq_enable();
			pr_err("vmx: VM entry failed: exit reason %u, qualification %#llx\n",
			       reason & 0xFFFF, (unsigned long long)q);
			exit->reason = EXIT_INVALID;
			exit->hw_code = reason;
			return -1;
		}
		vx->launched = true;
		/* Instruction exits never interrupt an event delivery. */
		idt = insn_exit(reason) ? 0 : vmread(VMCS_IDT_VECTORING_INFO);
		if (idt & INTR_INFO_VALID) {
			/* Delivery was cut short (e.g. by an EPT fault on the
			 * IDT or stack): deliver it again at the next entry. */
			vx->reinject = idt & (INTR_INFO_VALID | 0x7FF |
					      INTR_INFO_HAS_ERROR);
			vx->reinject_error = vmread(VMCS_IDT_VECTORING_ERROR);
			vx->reinject_len = vmread(VMCS_EXIT_INSN_LEN);
		}
		if ((reason & 0xFFFF) == VMX_EXIT_CR_ACCESS &&
		    handle_cr_access(v, vx, vmread(VMCS_EXIT_QUAL))) {
			irq_enable();
			continue;
		}
		decode_exit(reason, exit);
		/* A pending host interrupt is taken here, through the IDT. */
		irq_enable();
		return 0;
	}
}

const struct vcpu_vendor_ops vmx_vcpu_ops = {
	.name = "vmx",
	.cpu_enable = vmx_cpu_enable,
	.vm_init = vmx_vm_init,
	.vm_destroy = vmx_vm_destroy,
	.s2_map = vmx_s2_map,
	.s2_unmap = vmx_s2_unmap,
	.vcpu_init = vmx_vcpu_init,
	.vcpu_destroy = vmx_vcpu_destroy,
	.vcpu_run = vmx_vcpu_run,
	.get_sregs = vmx_get_sregs,
	.set_sregs = vmx_set_sregs,
	.intr_allowed = vmx_intr_allowed,
};

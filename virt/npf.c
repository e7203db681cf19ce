// SPDX-License-Identifier: GPL-2.0
/*
 * Nested page faults outside RAM are MMIO: fetch the instruction at the
 * guest RIP, decode it and perform the access on the VM's MMIO bus (QEMU's
 * SVM has no decode assists, so this is the only way on both vendors).
 * Unclaimed reads return all-ones, unclaimed writes are dropped; both count
 * in npf_unbacked. What cannot be emulated stops this VM with a reason.
 */
#include <pv/printf.h>
#include "virt.h"

static int mmio_access(struct vcpu_priv *vp, u64 gpa, u64 *val,
		       unsigned int size, bool write)
{
	struct vm *vm = vp->v.vm;
	u64 before;

	if (gpa < vm->ram_size)
		return write ? vm_write_phys(vm, gpa, val, size)
			     : vm_read_phys(vm, gpa, val, size);
	if (write) {
		before = READ_ONCE(vm->mmio.unclaimed_writes);
		io_bus_write(&vm->mmio, gpa, *val, size);
		if (READ_ONCE(vm->mmio.unclaimed_writes) != before)
			__atomic_fetch_add(&vm->stats.npf_unbacked, 1,
					   __ATOMIC_RELAXED);
	} else {
		before = READ_ONCE(vm->mmio.unclaimed_reads);
		*val = io_bus_read(&vm->mmio, gpa, size);
		if (READ_ONCE(vm->mmio.unclaimed_reads) != before)
			__atomic_fetch_add(&vm->stats.npf_unbacked, 1,
					   __ATOMIC_RELAXED);
	}
	return 0;
}

static int emu_mmio_read(struct x86_emu_ctxt *c, u64 gpa, u64 *val,
			 unsigned int size)
{
	*val = 0;
	return mmio_access(c->priv, gpa, val, size, false);
}

static int emu_mmio_write(struct x86_emu_ctxt *c, u64 gpa, u64 val,
			  unsigned int size)
{
	return mmio_access(c->priv, gpa, &val, size, true);
}

/* The non-faulting operand of MOVS: RAM, or MMIO too. */
static int emu_read_mem(struct x86_emu_ctxt *c, u64 la, u64 *val,
			unsigned int size)
{
	struct vcpu_priv *vp = c->priv;
	u64 gpa;
	int r = vcpu_translate(&vp->v, la, 0, &gpa);

	*val = 0;
	return r ? r : mmio_access(vp, gpa, val, size, false);
}

static int emu_write_mem(struct x86_emu_ctxt *c, u64 la, u64 val,
			 unsigned int size)
{
	struct vcpu_priv *vp = c->priv;
	u64 gpa;
	int r = vcpu_translate(&vp->v, la, X86_PF_W, &gpa);

	return r ? r : mmio_access(vp, gpa, &val, size, true);
}

static const struct x86_emu_ops npf_ops = {
	.read_mem = emu_read_mem,
	.write_mem = emu_write_mem,
	.mmio_read = emu_mmio_read,
	.mmio_write = emu_mmio_write,
};

static void fail(struct vcpu_priv *vp, const char *what, u64 gpa, const u8 *b,
		 unsigned int n)
{
	struct vm *vm = vp->v.vm;

	__atomic_fetch_add(&vm->stats.emulation_failures, 1, __ATOMIC_RELAXED);
	vm_stop(vm, VM_STOP_ERROR, 0,
		"MMIO at GPA %#llx, RIP %#llx: %s [%02x %02x %02x %02x]",
		(unsigned long long)gpa, (unsigned long long)vp->v.regs.rip,
		what, n > 0 ? b[0] : 0, n > 1 ? b[1] : 0, n > 2 ? b[2] : 0,
		n > 3 ? b[3] : 0);
}

void handle_npf(struct vcpu_priv *vp, const struct vcpu_exit *e)
{
	struct vcpu *v = &vp->v;
	struct vm *vm = v->vm;
	u64 gpa = e->npf.gpa;
	struct x86_emu_ctxt c = { 0 };
	struct vcpu_sregs s;
	struct x86_paging pg;
	struct x86_walk w;
	u8 bytes[X86_MAX_INSN_LEN];
	unsigned int n = 0;
	enum x86_mode mode;
	u64 cs_base;
	int r;

	if (gpa < vm->ram_size) {
		vm_stop(vm, VM_STOP_ERROR, 0,
			"stage-2 fault on RAM at GPA %#llx (RIP %#llx)",
			(unsigned long long)gpa,
			(unsigned long long)v->regs.rip);
		return;
	}
	if (!e->npf.translation) {
		__atomic_fetch_add(&vm->stats.npf_unbacked, 1,
				   __ATOMIC_RELAXED);
		vm_stop(vm, VM_STOP_ERROR, 0,
			"guest page tables at GPA %#llx outside RAM (RIP %#llx)",
			(unsigned long long)gpa,
			(unsigned long long)v->regs.rip);
		return;
	}
	if (e->npf.fetch) {
		__atomic_fetch_add(&vm->stats.npf_unbacked, 1,
				   __ATOMIC_RELAXED);
		vm_stop(vm, VM_STOP_ERROR, 0,
			"instruction fetch from GPA %#llx outside RAM",
			(unsigned long long)gpa);
		return;
	}
	vcpu_ops->get_sregs(v, &s);
	mode = x86_mode_of(s.cr0, s.efer, v->regs.rflags,
			   s.cs.attr & SEG_ATTR_L, s.cs.attr & SEG_ATTR_DB);
	cs_base = mode == X86_MODE_64 ? 0 : s.cs.base;
	vcpu_paging(v, &s, &pg);
	x86_read_linear(&pg, cs_base + v->regs.rip, bytes, sizeof(bytes),
			X86_PF_I | (vcpu_cpl(&s) == 3 ? X86_PF_U : 0),
			vcpu_gpa_read, vm, &n, &w);
	if (!n) {
		fail(vp, "instruction not fetchable", gpa, bytes, 0);
		return;
	}
	r = x86_decode(&c.insn, bytes, n, mode);
	if (r) {
		fail(vp,
		     r == -X86_DECODE_EUNSUPP ? "unsupported instruction"
					      : "undecodable instruction",
		     gpa, bytes, n);
		return;
	}
	c.regs = v->regs;
	c.seg_base[X86_SEG_ES] = s.es.base;
	c.seg_base[X86_SEG_CS] = s.cs.base;
	c.seg_base[X86_SEG_SS] = s.ss.base;
	c.seg_base[X86_SEG_DS] = s.ds.base;
	c.seg_base[X86_SEG_FS] = s.fs.base;
	c.seg_base[X86_SEG_GS] = s.gs.base;
	c.mmio_gpa = gpa;
	c.mmio_write = e->npf.write;
	c.ops = &npf_ops;
	c.priv = vp;
	r = x86_emulate(&c);
	if (r == -1)
		return; /* a #PF/#GP for the guest is queued */
	if (r < 0) {
		fail(vp,
		     r == -X86EMU_EMISMATCH ? "operand/GPA mismatch"
					    : "cannot emulate",
		     gpa, bytes, n);
		return;
	}
	v->regs = c.regs;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Port I/O exits go to the VM's port bus. String forms (INS/OUTS, with or
 * without REP) move one element per exit: the index registers and RCX are
 * updated and RIP stays on the instruction until the count is done, so the
 * guest re-executes it (and can take interrupts in between), as hardware
 * does. OUTS is assumed to use DS (a segment override prefix is not seen:
 * the exit does not report it) and the address size is the code size.
 */
#include <asm/cpu.h>
#include "virt.h"

static u64 mask_of(unsigned int bytes)
{
	return bytes >= 8 ? ~0ull : (1ull << (bytes * 8)) - 1;
}

static void set_reg(u64 *r, u64 val, u64 mask)
{
	*r = (*r & ~mask) | (val & mask);
}

static void string_io(struct vcpu_priv *vp, const struct vcpu_exit *e)
{
	struct vcpu *v = &vp->v;
	struct vm *vm = v->vm;
	u64 *g = v->regs.gpr;
	unsigned int size = e->io.size;
	struct vcpu_sregs s;
	enum x86_mode mode;
	u64 am, count, la, val = 0;
	int r;

	vcpu_ops->get_sregs(v, &s);
	mode = x86_mode_of(s.cr0, s.efer, v->regs.rflags,
			   s.cs.attr & SEG_ATTR_L, s.cs.attr & SEG_ATTR_DB);
	am = mask_of(mode == X86_MODE_64 ? 8 : mode == X86_MODE_32 ? 4 : 2);
	count = e->io.rep ? g[X86_RCX] & am : 1;
	if (!count) {
		vcpu_skip_insn(v, e, 1);
		return;
	}
	if (e->io.in) {
		la = (mode == X86_MODE_64 ? 0 : s.es.base) + (g[X86_RDI] & am);
		val = io_bus_read(&vm->pio, e->io.port, size);
		r = vcpu_write_linear(v, la, &val, size);
	} else {
		la = (mode == X86_MODE_64 ? 0 : s.ds.base) + (g[X86_RSI] & am);
		r = vcpu_read_linear(v, la, &val, size, 0);
		if (!r)
			io_bus_write(&vm->pio, e->io.port, val, size);
	}
	if (r == -1)
		return; /* #PF/#GP queued; the guest retries after it */
	if (r) {
		vm_stop(vm, VM_STOP_ERROR, 0,
			"string I/O on port %#x with a buffer outside RAM (RIP %#llx)",
			e->io.port, (unsigned long long)v->regs.rip);
		return;
	}
	{
		u64 *idx = e->io.in ? &g[X86_RDI] : &g[X86_RSI];
		u64 step = (v->regs.rflags & (1ull << 10)) ? -(u64)size : size;

		set_reg(idx, *idx + step, am);
	}
	if (e->io.rep)
		set_reg(&g[X86_RCX], count - 1, am);
	if (!e->io.rep || count == 1)
		vcpu_skip_insn(v, e, 1);
}

void handle_io(struct vcpu_priv *vp, const struct vcpu_exit *e)
{
	struct vcpu *v = &vp->v;
	u64 *rax = &v->regs.gpr[X86_RAX];

	if (!e->insn_len) {
		/* IN/OUT have 1- and 2-byte forms: the backend must say. */
		vm_stop(v->vm, VM_STOP_ERROR, 0,
			"I/O exit without instruction length at RIP %#llx",
			(unsigned long long)v->regs.rip);
		return;
	}
	if (e->io.string) {
		string_io(vp, e);
		return;
	}
	if (e->io.in) {
		u64 val = io_bus_read(&v->vm->pio, e->io.port, e->io.size);

		/* 32-bit results zero-extend into RAX, narrower ones merge. */
		if (e->io.size == 4)
			*rax = (u32)val;
		else
			set_reg(rax, val, mask_of(e->io.size));
	} else {
		io_bus_write(&v->vm->pio, e->io.port,
			     *rax & mask_of(e->io.size), e->io.size);
	}
	vcpu_skip_insn(v, e, 1);
}

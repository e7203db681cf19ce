// SPDX-License-Identifier: GPL-2.0
/*
 * Emulates one decoded MMIO instruction. The memory operand that caused the
 * exit is accessed through mmio_read/mmio_write at the exit's GPA; register
 * and immediate operands come from the register file. Register state is
 * worked on in a copy and committed only when every access succeeded.
 */
#include <asm/emulate.h>

static u64 size_mask(unsigned int size)
{
	return size >= 8 ? ~0ull : (1ull << (8 * size)) - 1;
}

static u64 sext(u64 v, unsigned int size)
{
	unsigned int sh = 64 - size * 8;

	return size >= 8 ? v : (u64)((s64)(v << sh) >> sh);
}

static u64 get_reg(const struct x86_regs *r, const struct x86_opnd *o)
{
	u64 v = r->gpr[o->reg];

	return (o->high8 ? v >> 8 : v) & size_mask(o->size);
}

/* Width semantics: 8/16-bit writes merge, 32-bit writes zero-extend. */
static void put_reg(struct x86_regs *r, unsigned int reg, bool high8,
		    unsigned int size, u64 v)
{
	u64 *p = &r->gpr[reg];

	switch (size) {
	case 1:
		if (high8)
			*p = (*p & ~0xff00ull) | ((v & 0xff) << 8);
		else
			*p = (*p & ~0xffull) | (v & 0xff);
		break;
	case 2: *p = (*p & ~0xffffull) | (v & 0xffff); break;
	case 4: *p = v & 0xffffffff; break;
	default: *p = v; break;
	}
}

static u64 next_rip(const struct x86_insn *in, u64 rip)
{
	rip += in->len;
	if (in->mode == X86_MODE_32)
		return rip & 0xffffffff;
	if (in->mode == X86_MODE_16)
		return rip & 0xffff;
	return rip;
}

static u64 linear(const struct x86_emu_ctxt *c, unsigned int seg, u64 ea)
{
	if (c->insn.mode == X86_MODE_64)
		return seg >= X86_SEG_FS ? c->seg_base[seg] + ea : ea;
	return (c->seg_base[seg] + ea) & 0xffffffff;
}

/* The access that faulted: its page offset must match the exit's GPA. */
static int mmio_access(struct x86_emu_ctxt *c, u64 la, u64 *val,
		       unsigned int size, bool write)
{
	int err;

	if ((la & 0xfff) != (c->mmio_gpa & 0xfff))
		return -X86EMU_EMISMATCH;
	c->la = la;
	if (write) {
		if (!c->ops->mmio_write)
			return -X86EMU_EUNHANDLED;
		return c->ops->mmio_write(c, c->mmio_gpa,
					  *val & size_mask(size), size);
	}
	if (!c->ops->mmio_read)
		return -X86EMU_EUNHANDLED;
	*val = 0;
	err = c->ops->mmio_read(c, c->mmio_gpa, val, size);
	*val &= size_mask(size);
	return err;
}

static bool parity_even(u64 v)
{
	v &= 0xff;
	v ^= v >> 4;
	v ^= v >> 2;
	v ^= v >> 1;
	return !(v & 1);
}

/*
 * ADD..CMP and TEST with hardware flag semantics. AF is undefined for the
 * logical ops; like current CPUs we clear it.
 */
static u64 alu(unsigned int op, unsigned int size, u64 d, u64 s, u64 *rflags)
{
	u64 m = size_mask(size), msb = 1ull << (8 * size - 1), res, f = 0;
	bool cin = *rflags & X86_FLAGS_CF, arith = true;

	d &= m;
	s &= m;
	switch (op) {
	case X86_OP_ADD:
	case X86_OP_ADC:
		cin = cin && op == X86_OP_ADC;
		res = (d + s + cin) & m;
		if (res < d || (cin && res == d))
			f |= X86_FLAGS_CF;
		if ((d ^ res) & (s ^ res) & msb)
			f |= X86_FLAGS_OF;
		break;
	case X86_OP_SUB:
	case X86_OP_SBB:
	case X86_OP_CMP:
		cin = cin && op == X86_OP_SBB;
		res = (d - s - cin) & m;
		if (d < s || (cin && d == s))
			f |= X86_FLAGS_CF;
		if ((d ^ s) & (d ^ res) & msb)
			f |= X86_FLAGS_OF;
		break;
	case X86_OP_OR:
		res = d | s;
		arith = false;
		break;
	case X86_OP_XOR:
		res = d ^ s;
		arith = false;
		break;
	default: /* AND, TEST */
		res = d & s;
		arith = false;
		break;
	}
	if (arith && ((d ^ s ^ res) & 0x10))
		f |= X86_FLAGS_AF;
	if (!res)
		f |= X86_FLAGS_ZF;
	if (res & msb)
		f |= X86_FLAGS_SF;
	if (parity_even(res))
		f |= X86_FLAGS_PF;
	*rflags = (*rflags & ~X86_FLAGS_ARITH) | f;
	return res;
}

static int read_opnd(struct x86_emu_ctxt *c, const struct x86_regs *r,
		     const struct x86_opnd *o, u64 la, u64 *v)
{
	switch (o->kind) {
	case X86_OPND_REG: *v = get_reg(r, o); return 0;
	case X86_OPND_IMM: *v = c->insn.imm & size_mask(o->size); return 0;
	case X86_OPND_MEM: return mmio_access(c, la, v, o->size, false);
	default: return -X86EMU_EUNHANDLED;
	}
}

static int write_opnd(struct x86_emu_ctxt *c, struct x86_regs *r,
		      const struct x86_opnd *o, u64 la, u64 v)
{
	switch (o->kind) {
	case X86_OPND_REG: put_reg(r, o->reg, o->high8, o->size, v); return 0;
	case X86_OPND_MEM: return mmio_access(c, la, &v, o->size, true);
	default: return -X86EMU_EUNHANDLED;
	}
}

/*
 * MOVS/STOS, one element per call. rSI/rDI/rCX are addrsize wide (a 32-bit
 * update zero-extends, a 16-bit one merges). With REP the count is checked
 * first (zero: nothing happens) and RIP stays put until it reaches zero.
 */
static int emulate_string(struct x86_emu_ctxt *c, struct x86_regs *r)
{
	const struct x86_insn *in = &c->insn;
	unsigned int size = in->opsize, as = in->addrsize;
	u64 am = size_mask(as), count = r->gpr[X86_RCX] & am;
	u64 delta = (r->rflags & X86_FLAGS_DF) ? -(u64)size : size;
	u64 dla = linear(c, X86_SEG_ES, r->gpr[X86_RDI] & am), sla, val;
	int err;

	if (in->rep && !count)
		return X86EMU_DONE;
	if (in->op == X86_OP_MOVS) {
		sla = linear(c, in->seg, r->gpr[X86_RSI] & am);
		if (!c->ops->read_mem || !c->ops->write_mem)
			return -X86EMU_EUNHANDLED;
		if (c->mmio_write) {
			err = c->ops->read_mem(c, sla, &val, size);
			if (!err)
				err = mmio_access(c, dla, &val, size, true);
		} else {
			err = mmio_access(c, sla, &val, size, false);
			if (!err)
				err = c->ops->write_mem(c, dla, val, size);
		}
		if (err)
			return err;
		put_reg(r, X86_RSI, false, as, r->gpr[X86_RSI] + delta);
	} else {
		val = r->gpr[X86_RAX] & size_mask(size);
		err = mmio_access(c, dla, &val, size, true);
		if (err)
			return err;
	}
	put_reg(r, X86_RDI, false, as, r->gpr[X86_RDI] + delta);
	if (in->rep) {
		put_reg(r, X86_RCX, false, as, count - 1);
		if (count > 1)
			return X86EMU_CONTINUE;
	}
	return X86EMU_DONE;
}

static int emulate_one(struct x86_emu_ctxt *c, struct x86_regs *r)
{
	const struct x86_insn *in = &c->insn;
	const struct x86_opnd *dst = &in->dst, *src = &in->src;
	unsigned int size = dst->size;
	u64 la = 0, d = 0, s = 0, res, cf;
	int err;

	if (dst->kind == X86_OPND_MEM || src->kind == X86_OPND_MEM)
		la = linear(c, in->seg, x86_insn_ea(in, r->gpr, r->rip));
	if (src->kind != X86_OPND_NONE) {
		err = read_opnd(c, r, src, la, &s);
		if (err)
			return err;
	}
	switch (in->op) {
	case X86_OP_MOV:
	case X86_OP_MOVZX: return write_opnd(c, r, dst, la, s);
	case X86_OP_MOVSX: return write_opnd(c, r, dst, la, sext(s, src->size));
	default: break;
	}
	/* Everything else reads its destination. */
	err = read_opnd(c, r, dst, la, &d);
	if (err)
		return err;
	switch (in->op) {
	case X86_OP_ADD:
	case X86_OP_OR:
	case X86_OP_ADC:
	case X86_OP_SBB:
	case X86_OP_AND:
	case X86_OP_SUB:
	case X86_OP_XOR: res = alu(in->op, size, d, s, &r->rflags); break;
	case X86_OP_CMP:
	case X86_OP_TEST: alu(in->op, size, d, s, &r->rflags); return 0;
	case X86_OP_XCHG:
		err = write_opnd(c, r, dst, la, s);
		if (!err)
			err = write_opnd(c, r, src, la, d);
		return err;
	case X86_OP_INC:
	case X86_OP_DEC:
		cf = r->rflags & X86_FLAGS_CF; /* INC/DEC leave CF alone */
		res = alu(in->op == X86_OP_INC ? X86_OP_ADD : X86_OP_SUB, size,
			  d, 1, &r->rflags);
		r->rflags = (r->rflags & ~X86_FLAGS_CF) | cf;
		break;
	case X86_OP_NOT: res = ~d; break;
	case X86_OP_NEG: res = alu(X86_OP_SUB, size, 0, d, &r->rflags); break;
	default: return -X86EMU_EUNHANDLED;
	}
	return write_opnd(c, r, dst, la, res);
}

int x86_emulate(struct x86_emu_ctxt *c)
{
	struct x86_regs r = c->regs;
	int ret;

	if (!c->ops || !c->insn.len || c->insn.op == X86_OP_NONE)
		return -X86EMU_EUNHANDLED;
	if (c->insn.op == X86_OP_MOVS || c->insn.op == X86_OP_STOS)
		ret = emulate_string(c, &r);
	else
		ret = emulate_one(c, &r);
	if (ret < 0)
		return ret;
	if (ret == X86EMU_DONE)
		r.rip = next_rip(&c->insn, r.rip);
	c->regs = r;
	return ret;
}

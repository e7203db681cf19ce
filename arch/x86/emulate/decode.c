// SPDX-License-Identifier: GPL-2.0
/*
 * x86 decoder for the instruction forms guests use on MMIO (SDM vol. 2,
 * chapter 2 and appendix A). Never reads past the bytes it was given.
 */
#include <asm/emulate.h>

struct cursor {
	const u8 *buf;
	unsigned int n, pos;
};

static int get_u8(struct cursor *c, u8 *v)
{
	if (c->pos >= X86_MAX_INSN_LEN)
		return -X86_DECODE_ETOOLONG;
	if (c->pos >= c->n)
		return -X86_DECODE_ETRUNC;
	*v = c->buf[c->pos++];
	return 0;
}

static u64 sext(u64 v, unsigned int size)
{
	unsigned int sh = 64 - size * 8;

	return size >= 8 ? v : (u64)((s64)(v << sh) >> sh);
}

/* Little-endian immediate/displacement of size bytes, sign-extended. */
static int get_imm(struct cursor *c, unsigned int size, u64 *v)
{
	u64 x = 0;
	u8 b;
	int err;

	for (unsigned int i = 0; i < size; i++) {
		err = get_u8(c, &b);
		if (err)
			return err;
		x |= (u64)b << (8 * i);
	}
	*v = sext(x, size);
	return 0;
}

enum x86_mode x86_mode_of(u64 cr0, u64 efer, u64 rflags, bool cs_l, bool cs_d)
{
	if (!(cr0 & 1) || (rflags & (1ull << 17))) /* real or VM86 */
		return X86_MODE_16;
	if ((efer & (1ull << 10)) && cs_l) /* EFER.LMA */
		return X86_MODE_64;
	return cs_d ? X86_MODE_32 : X86_MODE_16;
}

struct prefixes {
	bool opsz, adsz;
	s8 seg;
};

static void set_reg(struct x86_insn *in, struct x86_opnd *o, unsigned int reg,
		    unsigned int size)
{
	o->kind = X86_OPND_REG;
	o->size = size;
	/* Without REX, byte registers 4..7 are AH, CH, DH, BH. */
	if (size == 1 && !in->rex && reg >= 4 && reg < 8) {
		o->reg = reg - 4;
		o->high8 = true;
	} else {
		o->reg = reg;
	}
}

static void set_imm(struct x86_opnd *o, unsigned int size)
{
	o->kind = X86_OPND_IMM;
	o->size = size;
}

static const s8 base16[8] = { X86_RBX, X86_RBX, X86_RBP, X86_RBP,
			      X86_RSI, X86_RDI, X86_RBP, X86_RBX };
static const s8 index16[8] = { X86_RSI, X86_RDI, X86_RSI, X86_RDI,
			       -1,	-1,	 -1,	  -1 };

static int modrm_mem16(struct cursor *c, struct x86_insn *in, unsigned int mod,
		       unsigned int rm)
{
	struct x86_mem *m = &in->mem;

	m->scale = 1;
	if (mod == 0 && rm == 6) {
		m->base = -1;
		m->index = -1;
		return get_imm(c, 2, &m->disp);
	}
	m->base = base16[rm];
	m->index = index16[rm];
	if (mod == 1)
		return get_imm(c, 1, &m->disp);
	if (mod == 2)
		return get_imm(c, 2, &m->disp);
	return 0;
}

static int modrm_mem32(struct cursor *c, struct x86_insn *in, unsigned int mod,
		       unsigned int rm)
{
	struct x86_mem *m = &in->mem;
	unsigned int rex_b = (in->rex & 1) << 3, rex_x = (in->rex & 2) << 2;
	bool disp32 = mod == 2;
	u8 sib;
	int err;

	m->scale = 1;
	m->index = -1;
	if (rm == 4) {
		err = get_u8(c, &sib);
		if (err)
			return err;
		m->scale = 1 << (sib >> 6);
		if ((((sib >> 3) & 7) | rex_x) != X86_RSP)
			m->index = ((sib >> 3) & 7) | rex_x;
		if ((sib & 7) == 5 && mod == 0) {
			m->base = -1;
			disp32 = true;
		} else {
			m->base = (sib & 7) | rex_b;
		}
	} else if (rm == 5 && mod == 0) {
		/* disp32 alone: RIP-relative in 64-bit mode, absolute else. */
		m->base = -1;
		m->rip_rel = in->mode == X86_MODE_64;
		disp32 = true;
	} else {
		m->base = rm | rex_b;
	}
	if (mod == 1)
		return get_imm(c, 1, &m->disp);
	if (disp32)
		return get_imm(c, 4, &m->disp);
	return 0;
}

/* Reads ModRM (+SIB, disp); the r/m operand goes to *rmo of rm_size. */
static int decode_modrm(struct cursor *c, struct x86_insn *in,
			struct x86_opnd *rmo, unsigned int rm_size)
{
	unsigned int mod, rm;
	int err;

	err = get_u8(c, &in->modrm);
	if (err)
		return err;
	mod = in->modrm >> 6;
	rm = in->modrm & 7;
	if (mod == 3) {
		set_reg(in, rmo, rm | ((in->rex & 1) << 3), rm_size);
		return 0;
	}
	rmo->kind = X86_OPND_MEM;
	rmo->size = rm_size;
	if (in->addrsize == 2)
		err = modrm_mem16(c, in, mod, rm);
	else
		err = modrm_mem32(c, in, mod, rm);
	if (err)
		return err;
	if (in->seg == X86_SEG_DS &&
	    (in->mem.base == X86_RBP || in->mem.base == X86_RSP))
		in->seg = X86_SEG_SS;
	return 0;
}

static unsigned int modrm_reg(const struct x86_insn *in)
{
	return ((in->modrm >> 3) & 7) | ((in->rex & 4) << 1);
}

/* Operand shapes (SDM appendix A notation). */
enum form {
	F_EG, /* E, G */
	F_GE, /* G, E */
	F_AI, /* AL/rAX, imm */
	F_EI, /* E, imm of opsize (imm32 max) */
	F_EIB, /* E, imm8 sign-extended */
	F_E, /* E alone */
};

static int decode_form(struct cursor *c, struct x86_insn *in, enum form f)
{
	unsigned int sz = in->opsize;
	u64 imm = 0;
	int err = 0;

	switch (f) {
	case F_EG:
		err = decode_modrm(c, in, &in->dst, sz);
		set_reg(in, &in->src, modrm_reg(in), sz);
		return err;
	case F_GE:
		err = decode_modrm(c, in, &in->src, sz);
		set_reg(in, &in->dst, modrm_reg(in), sz);
		return err;
	case F_AI:
		set_reg(in, &in->dst, X86_RAX, sz);
		set_imm(&in->src, sz);
		err = get_imm(c, sz == 8 ? 4 : sz, &imm);
		break;
	case F_EI:
	case F_EIB:
		err = decode_modrm(c, in, &in->dst, sz);
		if (err)
			return err;
		set_imm(&in->src, sz);
		err = get_imm(c, f == F_EIB ? 1 : (sz == 8 ? 4 : sz), &imm);
		break;
	case F_E: return decode_modrm(c, in, &in->dst, sz);
	}
	in->imm = imm;
	return err;
}

static int decode_moffs(struct cursor *c, struct x86_insn *in, bool store)
{
	struct x86_opnd *mo = store ? &in->dst : &in->src;
	struct x86_opnd *ro = store ? &in->src : &in->dst;
	u64 off;
	int err;

	in->op = X86_OP_MOV;
	mo->kind = X86_OPND_MEM;
	mo->size = in->opsize;
	set_reg(in, ro, X86_RAX, in->opsize);
	in->mem.base = -1;
	in->mem.index = -1;
	in->mem.scale = 1;
	/* The offset is addrsize wide and not sign-extended. */
	err = get_imm(c, in->addrsize, &off);
	if (in->addrsize < 8)
		off &= (1ull << (8 * in->addrsize)) - 1;
	in->mem.disp = off;
	return err;
}

static int decode_string(struct x86_insn *in, enum x86_op op)
{
	in->op = op;
	in->dst.kind = X86_OPND_STR_DST;
	in->dst.size = in->opsize;
	if (op == X86_OP_MOVS) {
		in->src.kind = X86_OPND_STR_SRC;
		in->src.size = in->opsize;
	} else {
		set_reg(in, &in->src, X86_RAX, in->opsize);
	}
	return 0;
}

/* MOVZX/MOVSX/MOVSXD: G of opsize from E of a smaller size. */
static int decode_extend(struct cursor *c, struct x86_insn *in, enum x86_op op,
			 unsigned int src_size)
{
	int err;

	in->op = op;
	err = decode_modrm(c, in, &in->src, src_size);
	set_reg(in, &in->dst, modrm_reg(in), in->opsize);
	return err;
}

static int decode_0f(struct cursor *c, struct x86_insn *in)
{
	u8 b;
	int err;

	err = get_u8(c, &b);
	if (err)
		return err;
	in->opcode = 0x0f00 | b;
	switch (b) {
	case 0xb6:
	case 0xb7: return decode_extend(c, in, X86_OP_MOVZX, b == 0xb6 ? 1 : 2);
	case 0xbe:
	case 0xbf: return decode_extend(c, in, X86_OP_MOVSX, b == 0xbe ? 1 : 2);
	case 0x0b: /* UD2 */
	case 0xff: /* UD0 */ return -X86_DECODE_EINVAL;
	default: return -X86_DECODE_EUNSUPP;
	}
}

/* Group opcodes select by ModRM.reg; peek it without consuming. */
static int peek_reg(struct cursor *c, unsigned int *reg)
{
	if (c->pos >= X86_MAX_INSN_LEN)
		return -X86_DECODE_ETOOLONG;
	if (c->pos >= c->n)
		return -X86_DECODE_ETRUNC;
	*reg = (c->buf[c->pos] >> 3) & 7;
	return 0;
}

static int decode_opcode(struct cursor *c, struct x86_insn *in, u8 b)
{
	bool byte = !(b & 1);
	unsigned int reg;
	int err;

	in->opcode = b;
	if (b < 0x40 && (b & 7) < 6) {
		/* ADD OR ADC SBB AND SUB XOR CMP: six forms each. */
		static const u8 forms[6] = {
			F_EG, F_EG, F_GE, F_GE, F_AI, F_AI
		};

		in->op = X86_OP_ADD + (b >> 3);
		if (byte)
			in->opsize = 1;
		return decode_form(c, in, forms[b & 7]);
	}
	if (b >= 0x88 && b <= 0x8b) {
		in->op = X86_OP_MOV;
		if (byte)
			in->opsize = 1;
		return decode_form(c, in, b < 0x8a ? F_EG : F_GE);
	}
	switch (b) {
	case 0x0f: return decode_0f(c, in);
	case 0x63:
		if (in->mode != X86_MODE_64)
			return -X86_DECODE_EUNSUPP; /* ARPL */
		return decode_extend(c, in, X86_OP_MOVSX, MIN(in->opsize, 4));
	case 0x82:
		/* An alias of 0x80, invalid in 64-bit mode. */
		if (in->mode == X86_MODE_64)
			return -X86_DECODE_EINVAL;
		/* fall through */
	case 0x80:
	case 0x81:
	case 0x83:
		err = peek_reg(c, &reg);
		if (err)
			return err;
		in->op = X86_OP_ADD + reg;
		if (b != 0x81 && b != 0x83)
			in->opsize = 1;
		return decode_form(c, in, b == 0x81 ? F_EI : F_EIB);
	case 0x84:
	case 0x85:
		in->op = X86_OP_TEST;
		if (byte)
			in->opsize = 1;
		return decode_form(c, in, F_EG);
	case 0x86:
	case 0x87:
		in->op = X86_OP_XCHG;
		if (byte)
			in->opsize = 1;
		return decode_form(c, in, F_EG);
	case 0xa0:
	case 0xa1:
	case 0xa2:
	case 0xa3:
		if (byte)
			in->opsize = 1;
		return decode_moffs(c, in, b >= 0xa2);
	case 0xa4:
	case 0xa5:
	case 0xaa:
	case 0xab:
		if (byte)
			in->opsize = 1;
		return decode_string(in, b < 0xaa ? X86_OP_MOVS : X86_OP_STOS);
	case 0xa8:
	case 0xa9:
		in->op = X86_OP_TEST;
		if (byte)
			in->opsize = 1;
		return decode_form(c, in, F_AI);
	case 0xc6:
	case 0xc7:
		err = peek_reg(c, &reg);
		if (err)
			return err;
		if (reg == 7 && c->buf[c->pos] == 0xf8)
			return -X86_DECODE_EUNSUPP; /* XABORT/XBEGIN */
		if (reg)
			return -X86_DECODE_EINVAL;
		in->op = X86_OP_MOV;
		if (byte)
			in->opsize = 1;
		return decode_form(c, in, byte ? F_EIB : F_EI);
	case 0xf6:
	case 0xf7:
		err = peek_reg(c, &reg);
		if (err)
			return err;
		if (byte)
			in->opsize = 1;
		if (reg < 2) { /* /1 is an undocumented alias of TEST */
			in->op = X86_OP_TEST;
			return decode_form(c, in, byte ? F_EIB : F_EI);
		}
		if (reg > 3)
			return -X86_DECODE_EUNSUPP; /* MUL IMUL DIV IDIV */
		in->op = reg == 2 ? X86_OP_NOT : X86_OP_NEG;
		return decode_form(c, in, F_E);
	case 0xfe:
	case 0xff:
		err = peek_reg(c, &reg);
		if (err)
			return err;
		if (reg > 1)
			return byte || reg == 7 ? -X86_DECODE_EINVAL
						: -X86_DECODE_EUNSUPP;
		in->op = reg ? X86_OP_DEC : X86_OP_INC;
		if (byte)
			in->opsize = 1;
		return decode_form(c, in, F_E);
	default: return -X86_DECODE_EUNSUPP;
	}
}

static bool lock_allowed(const struct x86_insn *in)
{
	if (in->dst.kind != X86_OPND_MEM)
		return false;
	switch (in->op) {
	case X86_OP_ADD:
	case X86_OP_OR:
	case X86_OP_ADC:
	case X86_OP_SBB:
	case X86_OP_AND:
	case X86_OP_SUB:
	case X86_OP_XOR:
	case X86_OP_XCHG:
	case X86_OP_INC:
	case X86_OP_DEC:
	case X86_OP_NOT:
	case X86_OP_NEG: return true;
	default: return false; /* CMP, TEST, MOV... */
	}
}

/* Returns the segment a prefix byte selects, or -1. */
static int seg_prefix(u8 b)
{
	switch (b) {
	case 0x26: return X86_SEG_ES;
	case 0x2e: return X86_SEG_CS;
	case 0x36: return X86_SEG_SS;
	case 0x3e: return X86_SEG_DS;
	case 0x64: return X86_SEG_FS;
	case 0x65: return X86_SEG_GS;
	default: return -1;
	}
}

static void set_sizes(struct x86_insn *in, const struct prefixes *p)
{
	switch (in->mode) {
	case X86_MODE_64:
		in->opsize = (in->rex & 8) ? 8 : p->opsz ? 2 : 4;
		in->addrsize = p->adsz ? 4 : 8;
		break;
	case X86_MODE_32:
		in->opsize = p->opsz ? 2 : 4;
		in->addrsize = p->adsz ? 2 : 4;
		break;
	default:
		in->opsize = p->opsz ? 4 : 2;
		in->addrsize = p->adsz ? 4 : 2;
		break;
	}
}

int x86_decode(struct x86_insn *in, const u8 *bytes, unsigned int n,
	       enum x86_mode mode)
{
	struct cursor c = { .buf = bytes, .n = n };
	struct prefixes p = { .seg = -1 };
	u8 b;
	int err, seg;

	*in = (struct x86_insn){ .mode = mode, .seg = X86_SEG_DS };
	for (;;) {
		err = get_u8(&c, &b);
		if (err)
			return err;
		seg = seg_prefix(b);
		if (mode == X86_MODE_64 && (b & 0xf0) == 0x40) {
			in->rex = b; /* counts only right before the opcode */
			continue;
		}
		if (seg >= 0) {
			p.seg = seg;
		} else if (b == 0x66) {
			p.opsz = true;
		} else if (b == 0x67) {
			p.adsz = true;
		} else if (b == 0xf0) {
			in->lock = true;
		} else if (b == 0xf2 || b == 0xf3) {
			in->rep = b == 0xf3 ? X86_REP_F3 : X86_REP_F2;
		} else {
			break;
		}
		in->rex = 0;
	}
	/* In 64-bit mode only FS and GS overrides have an effect. */
	if (p.seg >= 0 && (mode != X86_MODE_64 || p.seg >= X86_SEG_FS))
		in->seg = p.seg;
	set_sizes(in, &p);
	err = decode_opcode(&c, in, b);
	if (err)
		return err;
	if (p.seg >= 0 && in->seg == X86_SEG_SS && mode != X86_MODE_64)
		in->seg = p.seg; /* an override beats the rBP/rSP default */
	if (in->op != X86_OP_MOVS && in->op != X86_OP_STOS)
		in->rep = X86_REP_NONE;
	if (in->lock && !lock_allowed(in))
		return -X86_DECODE_EINVAL;
	in->len = c.pos;
	return 0;
}

u64 x86_insn_ea(const struct x86_insn *in, const u64 *gpr, u64 rip)
{
	const struct x86_mem *m = &in->mem;
	u64 ea = m->disp;

	if (m->base >= 0)
		ea += gpr[m->base];
	if (m->index >= 0)
		ea += gpr[m->index] * m->scale;
	if (m->rip_rel)
		ea += rip + in->len;
	if (in->addrsize < 8)
		ea &= (1ull << (8 * in->addrsize)) - 1;
	return ea;
}

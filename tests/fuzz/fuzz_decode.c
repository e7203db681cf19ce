// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for arch/x86/emulate: random bytes are decoded in each
 * mode and, when they decode, emulated against bound-checking callbacks;
 * other inputs drive the page-table walker over a fuzz-made guest memory.
 * Any crash, sanitizer report or broken invariant (abort) is a finding.
 */
#include <stdlib.h>
#include <string.h>
#include <asm/emulate.h>

#define DEV_GPA 0xfeb00000ull

struct input {
	const u8 *p;
	size_t n;
};

static u64 take(struct input *in, unsigned int size)
{
	u64 v = 0;

	for (unsigned int i = 0; i < size && in->n; i++, in->p++, in->n--)
		v |= (u64)*in->p << (8 * i);
	return v;
}

static void check_size(unsigned int size, u64 val, bool is_write)
{
	if (size != 1 && size != 2 && size != 4 && size != 8)
		abort();
	if (is_write && size < 8 && (val >> (8 * size)))
		abort();
}

static int mmio_read(struct x86_emu_ctxt *c, u64 gpa, u64 *val,
		     unsigned int size)
{
	check_size(size, 0, false);
	if (gpa != c->mmio_gpa)
		abort();
	*val = 0x0123456789abcdefull; /* upper bytes must be masked */
	return 0;
}

static int mmio_write(struct x86_emu_ctxt *c, u64 gpa, u64 val,
		      unsigned int size)
{
	check_size(size, val, true);
	if (gpa != c->mmio_gpa)
		abort();
	return 0;
}

static int ram_read(struct x86_emu_ctxt *c, u64 la, u64 *val, unsigned int size)
{
	check_size(size, 0, false);
	*val = la * 0x9e3779b97f4a7c15ull;
	return (la & 0xff) == 0x42 ? -7 : 0; /* sometimes fault */
}

static int ram_write(struct x86_emu_ctxt *c, u64 la, u64 val, unsigned int size)
{
	check_size(size, val, true);
	return (la & 0xff) == 0x24 ? -7 : 0;
}

static const struct x86_emu_ops ops = {
	.read_mem = ram_read,
	.write_mem = ram_write,
	.mmio_read = mmio_read,
	.mmio_write = mmio_write,
};

static void check_opnd(const struct x86_opnd *o)
{
	if (o->kind > X86_OPND_STR_DST || o->reg >= X86_NR_GPRS)
		abort();
	if (o->kind != X86_OPND_NONE)
		check_size(o->size, 0, false);
	if (o->high8 && (o->reg > 3 || o->size != 1))
		abort();
}

/* Where the harness expects the MMIO operand, so emulation gets far. */
static u64 guess_la(const struct x86_emu_ctxt *c)
{
	const struct x86_insn *in = &c->insn;
	u64 am = in->addrsize == 8 ? ~0ull : (1ull << (8 * in->addrsize)) - 1;
	unsigned int seg = in->seg;
	u64 ea;

	if (in->op == X86_OP_STOS || (in->op == X86_OP_MOVS && c->mmio_write)) {
		seg = X86_SEG_ES;
		ea = c->regs.gpr[X86_RDI] & am;
	} else if (in->op == X86_OP_MOVS) {
		ea = c->regs.gpr[X86_RSI] & am;
	} else {
		ea = x86_insn_ea(in, c->regs.gpr, c->regs.rip);
	}
	if (in->mode == X86_MODE_64)
		return seg >= X86_SEG_FS ? c->seg_base[seg] + ea : ea;
	return (c->seg_base[seg] + ea) & 0xffffffff;
}

static void fuzz_emulate(struct input *in, enum x86_mode mode, u8 sel)
{
	unsigned int n = in->n < 15 ? in->n : 15;
	u8 *bytes = malloc(n ? n : 1); /* exactly n: ASan catches over-reads */
	struct x86_emu_ctxt c = { .ops = &ops };
	struct x86_regs before;
	int ret;

	memcpy(bytes, in->p, n);
	in->p += n;
	in->n -= n;
	ret = x86_decode(&c.insn, bytes, n, mode);
	free(bytes);
	if (ret) {
		if (ret < -X86_DECODE_EUNSUPP || ret > -X86_DECODE_ETRUNC)
			abort();
		return;
	}
	if (!c.insn.len || c.insn.len > n || c.insn.op == X86_OP_NONE)
		abort();
	check_size(c.insn.opsize, 0, false);
	if (c.insn.addrsize != 2 && c.insn.addrsize != 4 &&
	    c.insn.addrsize != 8)
		abort();
	check_opnd(&c.insn.dst);
	check_opnd(&c.insn.src);

	for (unsigned int r = 0; r < X86_NR_GPRS; r++)
		c.regs.gpr[r] = take(in, 8);
	c.regs.gpr[X86_RCX] &= 7; /* short REP loops */
	c.regs.rip = take(in, 8);
	c.regs.rflags = take(in, 8);
	for (unsigned int s = 0; s < X86_NR_SEGS; s++)
		c.seg_base[s] = take(in, 8);
	c.mmio_write = sel & 0x10;
	c.mmio_gpa = DEV_GPA + ((sel & 0x20) ? take(in, 2) & 0xfff
					     : guess_la(&c) & 0xfff);
	for (int iter = 0; iter < 16; iter++) {
		u64 rip = c.regs.rip;

		before = c.regs;
		ret = x86_emulate(&c);
		if (ret < 0 && memcmp(&before, &c.regs, sizeof(before)))
			abort(); /* errors must not commit state */
		if (ret == X86EMU_CONTINUE && c.regs.rip != rip)
			abort();
		if (ret != X86EMU_CONTINUE)
			break;
		c.mmio_gpa = DEV_GPA + (guess_la(&c) & 0xfff);
	}
}

/* Guest memory: the rest of the input, repeated; high addresses fail. */
struct gmem {
	const u8 *p;
	size_t n;
};

static int gpa_read(void *opaque, u64 gpa, void *buf, unsigned int size)
{
	struct gmem *m = opaque;
	u8 *b = buf;

	if (size != 1 && size != 4 && size != 8)
		abort();
	if (gpa >> 40 || !m->n)
		return -1;
	for (unsigned int i = 0; i < size; i++)
		b[i] = m->p[(gpa + i) % m->n];
	return 0;
}

static void fuzz_walk(struct input *in)
{
	struct x86_paging pg;
	struct x86_walk w;
	struct gmem m;
	u64 la;
	u32 acc;
	u8 buf[15];
	unsigned int done, len;
	int ret;

	pg.cr0 = take(in, 8);
	pg.cr3 = take(in, 8);
	pg.cr4 = take(in, 8);
	pg.efer = take(in, 8);
	pg.maxphyaddr = take(in, 1);
	la = take(in, 8);
	acc = take(in, 4) & (X86_PF_W | X86_PF_U | X86_PF_I | X86_ACC_AC);
	len = take(in, 1) % 16;
	m.p = in->p;
	m.n = in->n;
	ret = x86_walk(&pg, la, acc, gpa_read, &m, &w);
	if (ret == 0) {
		if (w.page_size != 4096 && w.page_size != (2u << 20) &&
		    w.page_size != (4u << 20) && w.page_size != (1u << 30))
			abort();
		if ((w.gpa ^ la) & (w.page_size - 1))
			abort();
	} else if (ret == -X86_WALK_EPF) {
		if (w.pfec & ~0x1fu)
			abort();
	} else if (ret != -X86_WALK_EGP && ret != -X86_WALK_EMEM) {
		abort();
	}
	ret = x86_read_linear(&pg, la, buf, len, acc, gpa_read, &m, &done, &w);
	if (done > len || (!ret && done != len))
		abort();
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct input in = { data, size };
	u8 sel;

	if (!size)
		return 0;
	sel = take(&in, 1);
	if ((sel & 3) == 3)
		fuzz_walk(&in);
	else
		fuzz_emulate(&in, (enum x86_mode)(sel & 3), sel);
	return 0;
}

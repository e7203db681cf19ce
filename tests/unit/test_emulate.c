// SPDX-License-Identifier: GPL-2.0
/*
 * Emulator tests. The oracle for 64-bit forms is the host CPU itself: each
 * encoding runs natively on a page mirroring the fake MMIO device (same
 * registers, flags and memory), then through x86_emulate(); registers,
 * flags, memory and the device's access pattern must agree. Other modes use
 * hand-computed expectations.
 */
#define _GNU_SOURCE
#include <string.h>
#include <sys/mman.h>
#include <asm/emulate.h>
#include "unit.h"

struct host_state {
	u64 gpr[16];
	u64 rflags;
};

/* Loads every GPR but RSP and RFLAGS from *s, calls code, stores back. */
void host_exec(struct host_state *s, void *code);
__asm__(".text\n"
	".globl host_exec\n"
	"host_exec:\n"
	"push %rbx\n push %rbp\n push %r12\n push %r13\n push %r14\n"
	"push %r15\n"
	"mov %rdi, hx_state(%rip)\n"
	"mov %rsi, hx_code(%rip)\n"
	"pushq 128(%rdi)\n popfq\n"
	"mov 0(%rdi), %rax\n mov 8(%rdi), %rcx\n mov 16(%rdi), %rdx\n"
	"mov 24(%rdi), %rbx\n mov 40(%rdi), %rbp\n mov 48(%rdi), %rsi\n"
	"mov 64(%rdi), %r8\n mov 72(%rdi), %r9\n mov 80(%rdi), %r10\n"
	"mov 88(%rdi), %r11\n mov 96(%rdi), %r12\n mov 104(%rdi), %r13\n"
	"mov 112(%rdi), %r14\n mov 120(%rdi), %r15\n mov 56(%rdi), %rdi\n"
	"call *hx_code(%rip)\n"
	"pushfq\n push %rdi\n"
	"mov hx_state(%rip), %rdi\n"
	"popq 56(%rdi)\n popq 128(%rdi)\n"
	"mov %rax, 0(%rdi)\n mov %rcx, 8(%rdi)\n mov %rdx, 16(%rdi)\n"
	"mov %rbx, 24(%rdi)\n mov %rbp, 40(%rdi)\n mov %rsi, 48(%rdi)\n"
	"mov %r8, 64(%rdi)\n mov %r9, 72(%rdi)\n mov %r10, 80(%rdi)\n"
	"mov %r11, 88(%rdi)\n mov %r12, 96(%rdi)\n mov %r13, 104(%rdi)\n"
	"mov %r14, 112(%rdi)\n mov %r15, 120(%rdi)\n"
	"cld\n"
	"pop %r15\n pop %r14\n pop %r13\n pop %r12\n pop %rbp\n pop %rbx\n"
	"ret\n"
	".data\n.balign 8\n"
	"hx_state: .quad 0\n"
	"hx_code: .quad 0\n"
	".text\n");

#define DEV_GPA 0xfeb00000ull
#define PAGE 4096

/* Host view: code page, device mirror page, RAM page; below 2 GiB so
 * 32-bit addressing (67 prefix) and absolute disp32 forms reach them. */
static u8 *region, *hcode, *hdev, *hram;
/* Emulator view of the same device and RAM. */
static u8 emu_dev[PAGE], emu_ram[PAGE];

struct fake {
	int reads, writes, ram_reads, ram_writes;
	unsigned int last_size;
	int fail; /* non-zero: callbacks return it */
};

static struct fake fk;

static u64 get_le(const u8 *p, unsigned int size)
{
	u64 v = 0;

	for (unsigned int i = 0; i < size; i++)
		v |= (u64)p[i] << (8 * i);
	return v;
}

static void put_le(u8 *p, u64 v, unsigned int size)
{
	for (unsigned int i = 0; i < size; i++)
		p[i] = v >> (8 * i);
}

static int mmio_read(struct x86_emu_ctxt *c, u64 gpa, u64 *val,
		     unsigned int size)
{
	if (fk.fail)
		return fk.fail;
	CHECK(gpa >= DEV_GPA && gpa + size <= DEV_GPA + PAGE);
	if (gpa < DEV_GPA || gpa + size > DEV_GPA + PAGE)
		return -1;
	fk.reads++;
	fk.last_size = size;
	*val = get_le(emu_dev + (gpa - DEV_GPA), size);
	return 0;
}

static int mmio_write(struct x86_emu_ctxt *c, u64 gpa, u64 val,
		      unsigned int size)
{
	if (fk.fail)
		return fk.fail;
	CHECK(gpa >= DEV_GPA && gpa + size <= DEV_GPA + PAGE);
	if (gpa < DEV_GPA || gpa + size > DEV_GPA + PAGE)
		return -1;
	CHECK(size == 8 || val >> (8 * size) == 0);
	fk.writes++;
	fk.last_size = size;
	put_le(emu_dev + (gpa - DEV_GPA), val, size);
	return 0;
}

static int ram_read(struct x86_emu_ctxt *c, u64 la, u64 *val, unsigned int size)
{
	u64 base = (u64)(uintptr_t)hram;

	if (fk.fail)
		return fk.fail;
	CHECK(la >= base && la + size <= base + PAGE);
	if (la < base || la + size > base + PAGE)
		return -1;
	fk.ram_reads++;
	*val = get_le(emu_ram + (la - base), size);
	return 0;
}

static int ram_write(struct x86_emu_ctxt *c, u64 la, u64 val, unsigned int size)
{
	u64 base = (u64)(uintptr_t)hram;

	if (fk.fail)
		return fk.fail;
	CHECK(la >= base && la + size <= base + PAGE);
	if (la < base || la + size > base + PAGE)
		return -1;
	fk.ram_writes++;
	put_le(emu_ram + (la - base), val, size);
	return 0;
}

static const struct x86_emu_ops fake_ops = {
	.read_mem = ram_read,
	.write_mem = ram_write,
	.mmio_read = mmio_read,
	.mmio_write = mmio_write,
};

static u64 rng_state = 0x9e3779b97f4a7c15ull;

static u64 rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* Random values biased towards flag edge cases. */
static u64 rnd_val(void)
{
	static const u64 edge[] = { 0,
				    1,
				    ~0ull,
				    0x7f,
				    0x80,
				    0xff,
				    0x7fff,
				    0x8000,
				    0xffff,
				    0x7fffffff,
				    0x80000000,
				    0xffffffff,
				    0x7fffffffffffffffull,
				    0x8000000000000000ull,
				    0xf,
				    0x10 };
	u64 r = rnd();

	if ((r & 3) == 0)
		return edge[(r >> 8) % ARRAY_SIZE(edge)] ^
		       ((r >> 16) & 1 ? 0 : (r >> 20 & 1));
	return rnd();
}

static unsigned int parse_hex(const char *s, u8 *out)
{
	unsigned int n = 0;

	while (*s) {
		if (*s == ' ') {
			s++;
			continue;
		}
		out[n++] = (u8)strtoul((char[]){ s[0], s[1], 0 }, NULL, 16);
		s += 2;
	}
	return n;
}

enum { A_R = 1, A_W = 2, A_RW = 3 };
enum { P_NONE, P_RIP32, P_ABS32, P_ABS64 };

struct tmpl {
	char hex[48];
	s8 base, index;
	u8 scale;
	s32 disp;
	u8 acc; /* device accesses: A_R, A_W or A_RW */
	u8 imm; /* trailing immediate bytes, randomised per trial */
	u8 patch, poff; /* address field to point at the device */
	bool addr32, fs, undef_af;
};

#define NOB -1
static struct tmpl tmpls[512];
static unsigned int ntmpl;

static struct tmpl *add(const char *hex, s8 base, s8 index, u8 scale, s32 disp,
			u8 acc, u8 imm)
{
	struct tmpl *t = &tmpls[ntmpl++];

	*t = (struct tmpl){ .base = base,
			    .index = index,
			    .scale = scale,
			    .disp = disp,
			    .acc = acc,
			    .imm = imm };
	strcpy(t->hex, hex);
	return t;
}

static void build_templates(void)
{
	static const char *const groups[] = { "80 %02x 00",
					      "81 %02x 00 00 00 00",
					      "48 81 %02x 00 00 00 00",
					      "66 81 %02x 00 00",
					      "83 %02x 00",
					      "48 83 %02x 00",
					      "66 83 %02x 00" };
	static const u8 gimm[] = { 1, 4, 4, 2, 1, 1, 1 };
	char h[48];

	ntmpl = 0;
	/* MOV stores and loads. */
	add("88 13", X86_RBX, NOB, 1, 0, A_W, 0);
	add("88 33", X86_RBX, NOB, 1, 0, A_W, 0); /* DH */
	add("40 88 33", X86_RBX, NOB, 1, 0, A_W, 0); /* SIL */
	add("44 88 03", X86_RBX, NOB, 1, 0, A_W, 0); /* R8B */
	add("66 89 13", X86_RBX, NOB, 1, 0, A_W, 0);
	add("89 0b", X86_RBX, NOB, 1, 0, A_W, 0);
	add("48 89 13", X86_RBX, NOB, 1, 0, A_W, 0);
	add("4c 89 4c b3 10", X86_RBX, X86_RSI, 4, 0x10, A_W, 0);
	add("8a 03", X86_RBX, NOB, 1, 0, A_R, 0);
	add("8a 3b", X86_RBX, NOB, 1, 0, A_R, 0); /* BH */
	add("8a 23", X86_RBX, NOB, 1, 0, A_R, 0); /* AH */
	add("8b 03", X86_RBX, NOB, 1, 0, A_R, 0);
	add("66 8b 03", X86_RBX, NOB, 1, 0, A_R, 0);
	add("48 8b 03", X86_RBX, NOB, 1, 0, A_R, 0);
	add("41 8b 04 24", X86_R12, NOB, 1, 0, A_R, 0);
	add("41 8b 45 00", X86_R13, NOB, 1, 0, A_R, 0);
	add("8b 84 1e 00 01 00 00", X86_RSI, X86_RBX, 1, 0x100, A_R, 0);
	add("4a 8b 54 e5 f0", X86_RBP, X86_R12, 8, -16, A_R, 0);
	add("8b 55 80", X86_RBP, NOB, 1, -128, A_R, 0);
	add("c6 03 00", X86_RBX, NOB, 1, 0, A_W, 1);
	add("66 c7 03 00 00", X86_RBX, NOB, 1, 0, A_W, 2);
	add("c7 03 00 00 00 00", X86_RBX, NOB, 1, 0, A_W, 4);
	add("48 c7 03 00 00 00 00", X86_RBX, NOB, 1, 0, A_W, 4);
	add("c7 43 7f 00 00 00 00", X86_RBX, NOB, 1, 0x7f, A_W, 4);
	/* Address forms: RIP-relative, absolute, moffs, 32-bit, FS. */
	add("8b 05 00 00 00 00", NOB, NOB, 1, 0, A_R, 0)->patch = P_RIP32;
	tmpls[ntmpl - 1].poff = 2;
	add("48 81 05 00 00 00 00 00 00 00 00", NOB, NOB, 1, 0, A_RW, 4)->patch =
		P_RIP32;
	tmpls[ntmpl - 1].poff = 3;
	add("66 c7 05 00 00 00 00 00 00", NOB, NOB, 1, 0, A_W, 2)->patch =
		P_RIP32;
	tmpls[ntmpl - 1].poff = 3;
	add("8b 14 25 00 00 00 00", NOB, NOB, 1, 0, A_R, 0)->patch = P_ABS32;
	tmpls[ntmpl - 1].poff = 3;
	add("a1 00 00 00 00 00 00 00 00", NOB, NOB, 1, 0, A_R, 0)->patch =
		P_ABS64;
	tmpls[ntmpl - 1].poff = 1;
	add("48 a3 00 00 00 00 00 00 00 00", NOB, NOB, 1, 0, A_W, 0)->patch =
		P_ABS64;
	tmpls[ntmpl - 1].poff = 2;
	add("a2 00 00 00 00 00 00 00 00", NOB, NOB, 1, 0, A_W, 0)->patch =
		P_ABS64;
	tmpls[ntmpl - 1].poff = 1;
	add("67 a1 00 00 00 00", NOB, NOB, 1, 0, A_R, 0)->patch = P_ABS32;
	tmpls[ntmpl - 1].poff = 2;
	add("67 8b 43 10", X86_RBX, NOB, 1, 0x10, A_R, 0)->addr32 = true;
	add("67 89 14 b3", X86_RBX, X86_RSI, 4, 0, A_W, 0)->addr32 = true;
	add("67 48 83 03 00", X86_RBX, NOB, 1, 0, A_RW, 1)->addr32 = true;
	add("64 8b 03", X86_RBX, NOB, 1, 0, A_R, 0)->fs = true;
	add("64 89 13", X86_RBX, NOB, 1, 0, A_W, 0)->fs = true;
	add("64 48 83 03 00", X86_RBX, NOB, 1, 0, A_RW, 1)->fs = true;
	/* MOVZX/MOVSX/MOVSXD. */
	add("0f b6 03", X86_RBX, NOB, 1, 0, A_R, 0);
	add("66 0f b6 03", X86_RBX, NOB, 1, 0, A_R, 0);
	add("0f b7 03", X86_RBX, NOB, 1, 0, A_R, 0);
	add("48 0f b7 03", X86_RBX, NOB, 1, 0, A_R, 0);
	add("0f be 03", X86_RBX, NOB, 1, 0, A_R, 0);
	add("66 0f be 03", X86_RBX, NOB, 1, 0, A_R, 0);
	add("48 0f be 03", X86_RBX, NOB, 1, 0, A_R, 0);
	add("0f bf 03", X86_RBX, NOB, 1, 0, A_R, 0);
	add("48 0f bf 03", X86_RBX, NOB, 1, 0, A_R, 0);
	add("0f b6 3b", X86_RBX, NOB, 1, 0, A_R, 0); /* EDI */
	add("48 63 03", X86_RBX, NOB, 1, 0, A_R, 0);
	add("63 03", X86_RBX, NOB, 1, 0, A_R, 0);
	add("4c 63 03", X86_RBX, NOB, 1, 0, A_R, 0);
	/* ALU 00-3F forms and group 1, for each of the eight ops. */
	for (unsigned int k = 0; k < 8; k++) {
		bool logic = k == 1 || k == 4 || k == 6;
		u8 rw = k == 7 ? A_R : A_RW;
		static const char *const f[] = { "%02x 13",    "%02x 33",
						 "40 %02x 33", "%02x 13",
						 "48 %02x 13", "66 %02x 13",
						 "41 %02x 12" };
		static const u8 fo[] = { 0, 0, 0, 1, 1, 1, 1 };

		for (unsigned int i = 0; i < ARRAY_SIZE(f); i++) {
			s8 base = i == 6 ? X86_R10 : X86_RBX;

			snprintf(h, sizeof(h), f[i], k * 8 + fo[i]);
			add(h, base, NOB, 1, 0, rw, 0)->undef_af = logic;
			/* Register-destination twin: Gv, Ev. */
			snprintf(h, sizeof(h), f[i], k * 8 + fo[i] + 2);
			add(h, base, NOB, 1, 0, A_R, 0)->undef_af = logic;
		}
		if (k != 7) {
			snprintf(h, sizeof(h), "f0 %02x 13", k * 8 + 1);
			add(h, X86_RBX, NOB, 1, 0, A_RW, 0)->undef_af = logic;
		}
		for (unsigned int i = 0; i < ARRAY_SIZE(groups); i++) {
			snprintf(h, sizeof(h), groups[i], (k << 3) | 3);
			add(h, X86_RBX, NOB, 1, 0, rw, gimm[i])->undef_af =
				logic;
		}
	}
	/* TEST, XCHG, INC/DEC, NOT/NEG. */
	add("84 13", X86_RBX, NOB, 1, 0, A_R, 0)->undef_af = true;
	add("85 13", X86_RBX, NOB, 1, 0, A_R, 0)->undef_af = true;
	add("48 85 13", X86_RBX, NOB, 1, 0, A_R, 0)->undef_af = true;
	add("66 85 13", X86_RBX, NOB, 1, 0, A_R, 0)->undef_af = true;
	add("f6 03 00", X86_RBX, NOB, 1, 0, A_R, 1)->undef_af = true;
	add("f7 03 00 00 00 00", X86_RBX, NOB, 1, 0, A_R, 4)->undef_af = true;
	add("48 f7 03 00 00 00 00", X86_RBX, NOB, 1, 0, A_R, 4)->undef_af =
		true;
	add("66 f7 03 00 00", X86_RBX, NOB, 1, 0, A_R, 2)->undef_af = true;
	add("86 13", X86_RBX, NOB, 1, 0, A_RW, 0);
	add("86 33", X86_RBX, NOB, 1, 0, A_RW, 0);
	add("87 13", X86_RBX, NOB, 1, 0, A_RW, 0);
	add("48 87 13", X86_RBX, NOB, 1, 0, A_RW, 0);
	add("66 87 13", X86_RBX, NOB, 1, 0, A_RW, 0);
	add("f0 4c 87 03", X86_RBX, NOB, 1, 0, A_RW, 0);
	add("fe 03", X86_RBX, NOB, 1, 0, A_RW, 0);
	add("fe 0b", X86_RBX, NOB, 1, 0, A_RW, 0);
	add("ff 03", X86_RBX, NOB, 1, 0, A_RW, 0);
	add("66 ff 0b", X86_RBX, NOB, 1, 0, A_RW, 0);
	add("48 ff 03", X86_RBX, NOB, 1, 0, A_RW, 0);
	add("f0 48 ff 0b", X86_RBX, NOB, 1, 0, A_RW, 0);
	add("f6 13", X86_RBX, NOB, 1, 0, A_RW, 0);
	add("f6 1b", X86_RBX, NOB, 1, 0, A_RW, 0);
	add("f7 13", X86_RBX, NOB, 1, 0, A_RW, 0);
	add("66 f7 1b", X86_RBX, NOB, 1, 0, A_RW, 0);
	add("48 f7 1b", X86_RBX, NOB, 1, 0, A_RW, 0);
	add("f0 48 f7 1b", X86_RBX, NOB, 1, 0, A_RW, 0);
}

static void setup_region(void)
{
	if (region)
		return;
	region = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE | PROT_EXEC,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	if (region == MAP_FAILED) {
		perror("mmap");
		exit(2);
	}
	hcode = region;
	hdev = region + PAGE;
	hram = region + 2 * PAGE;
}

static u64 fs_base(void)
{
	u64 v;

	__asm__("mov %%fs:0, %0" : "=r"(v)); /* glibc's TCB points at itself */
	return v;
}

static void fill_pages(void)
{
	for (unsigned int i = 0; i < PAGE; i += 8) {
		put_le(hdev + i, rnd_val(), 8);
		put_le(hram + i, rnd(), 8);
	}
	memcpy(emu_dev, hdev, PAGE);
	memcpy(emu_ram, hram, PAGE);
}

static void random_regs(struct host_state *s, u64 flag_bits)
{
	for (unsigned int r = 0; r < 16; r++)
		s->gpr[r] = rnd_val();
	s->gpr[X86_RSP] = 0;
	s->rflags = 0x2 | (rnd() & flag_bits);
}

/* Compares host and emulator results; returns false on a mismatch. */
static bool compare(const struct host_state *h, const struct x86_regs *e,
		    u64 rip, u64 flag_mask)
{
	bool ok = true;

	for (unsigned int r = 0; r < 16; r++) {
		if (r == X86_RSP || h->gpr[r] == e->gpr[r])
			continue;
		fprintf(stderr, "    gpr%u: host %#llx emu %#llx\n", r,
			(unsigned long long)h->gpr[r],
			(unsigned long long)e->gpr[r]);
		ok = false;
	}
	if ((h->rflags ^ e->rflags) & flag_mask) {
		fprintf(stderr, "    rflags: host %#llx emu %#llx\n",
			(unsigned long long)h->rflags,
			(unsigned long long)e->rflags);
		ok = false;
	}
	if (e->rip != rip) {
		fprintf(stderr, "    rip: %#llx, want %#llx\n",
			(unsigned long long)e->rip, (unsigned long long)rip);
		ok = false;
	}
	if (memcmp(hdev, emu_dev, PAGE) || memcmp(hram, emu_ram, PAGE)) {
		fprintf(stderr, "    memory differs\n");
		ok = false;
	}
	return ok;
}

static bool run_tmpl(const struct tmpl *t)
{
	u8 b[16];
	unsigned int n = parse_hex(t->hex, b), off = rnd() % (PAGE - 8);
	u64 target = (u64)(uintptr_t)hdev + off, fsb = t->fs ? fs_base() : 0;
	u64 code = (u64)(uintptr_t)hcode, flag_mask;
	struct host_state hs, start;
	struct x86_emu_ctxt c = { .ops = &fake_ops };
	int err;

	random_regs(&hs, X86_FLAGS_ARITH);
	for (unsigned int i = 0; i < t->imm; i++)
		b[n - t->imm + i] = rnd_val();
	if (t->index >= 0)
		hs.gpr[t->index] = (t->addr32 ? rnd() << 32 : 0) | (rnd() & 7);
	if (t->base >= 0) {
		u64 v = target - fsb - (u64)t->disp;

		if (t->index >= 0)
			v -= hs.gpr[t->index] * t->scale;
		if (t->addr32)
			v = (v & 0xffffffff) | (rnd() << 32);
		hs.gpr[t->base] = v;
	}
	if (t->patch == P_RIP32)
		put_le(b + t->poff, target - (code + n), 4);
	else if (t->patch == P_ABS32)
		put_le(b + t->poff, target, 4);
	else if (t->patch == P_ABS64)
		put_le(b + t->poff, target, 8);
	memcpy(hcode, b, n);
	hcode[n] = 0xc3;
	fill_pages();
	start = hs;

	host_exec(&hs, hcode);

	err = x86_decode(&c.insn, b, n, X86_MODE_64);
	CHECK_EQ(err, 0);
	if (err)
		return false;
	CHECK_EQ(c.insn.len, n);
	memcpy(c.regs.gpr, start.gpr, sizeof(c.regs.gpr));
	c.regs.rflags = start.rflags;
	c.regs.rip = code;
	c.seg_base[X86_SEG_FS] = fsb;
	c.mmio_gpa = DEV_GPA + off;
	fk = (struct fake){ 0 };
	err = x86_emulate(&c);
	CHECK_EQ(err, X86EMU_DONE);
	CHECK_EQ(c.la, target);
	CHECK_EQ(fk.reads, !!(t->acc & A_R));
	CHECK_EQ(fk.writes, !!(t->acc & A_W));
	flag_mask = X86_FLAGS_ARITH & ~(t->undef_af ? X86_FLAGS_AF : 0);
	return compare(&hs, &c.regs, code + n, flag_mask) && !err &&
	       fk.reads == !!(t->acc & A_R) && fk.writes == !!(t->acc & A_W);
}

UNIT_TEST(matches_host_cpu)
{
	unsigned int runs = 0;

	setup_region();
	build_templates();
	for (unsigned int i = 0; i < ntmpl; i++) {
		for (unsigned int k = 0; k < 200; k++) {
			int before = unit_failures;
			bool ok = run_tmpl(&tmpls[i]);

			runs++;
			if (!ok || unit_failures != before) {
				fprintf(stderr, "    template \"%s\" failed\n",
					tmpls[i].hex);
				if (unit_failures == before)
					unit_failures++;
				break;
			}
		}
	}
	printf("# %u templates, %u host comparisons\n", ntmpl, runs);
}

/* MOVS/STOS against the host, with REP one iteration per call. */
static bool run_string(const char *hex, bool mmio_dst, bool addr32)
{
	u8 b[16];
	unsigned int n = parse_hex(hex, b);
	unsigned int doff = 512 + rnd() % (PAGE - 1024);
	unsigned int roff = 512 + rnd() % (PAGE - 1024);
	u64 dev = (u64)(uintptr_t)hdev + doff,
	    ram = (u64)(uintptr_t)hram + roff;
	u64 code = (u64)(uintptr_t)hcode, am = addr32 ? 0xffffffff : ~0ull;
	struct host_state hs, start;
	struct x86_emu_ctxt c = { .ops = &fake_ops };
	int ret, iters = 0;
	bool stos;

	random_regs(&hs, X86_FLAGS_ARITH | X86_FLAGS_DF);
	hs.gpr[X86_RCX] = (addr32 ? rnd() << 32 : 0) | (rnd() % 6);
	hs.gpr[X86_RDI] = mmio_dst ? dev : ram;
	hs.gpr[X86_RSI] = mmio_dst ? ram : dev;
	if (addr32) {
		hs.gpr[X86_RDI] |= rnd() << 32;
		hs.gpr[X86_RSI] |= rnd() << 32;
	}
	memcpy(hcode, b, n);
	hcode[n] = 0xc3;
	fill_pages();
	start = hs;
	host_exec(&hs, hcode);

	CHECK_EQ(x86_decode(&c.insn, b, n, X86_MODE_64), 0);
	stos = c.insn.op == X86_OP_STOS;
	memcpy(c.regs.gpr, start.gpr, sizeof(c.regs.gpr));
	c.regs.rflags = start.rflags;
	c.regs.rip = code;
	c.mmio_write = mmio_dst;
	fk = (struct fake){ 0 };
	do {
		u64 la = c.regs.gpr[mmio_dst ? X86_RDI : X86_RSI] & am;

		c.mmio_gpa = DEV_GPA + (la - (u64)(uintptr_t)hdev);
		ret = x86_emulate(&c);
		iters++;
		if (ret == X86EMU_CONTINUE)
			CHECK_EQ(c.regs.rip, code);
	} while (ret == X86EMU_CONTINUE && iters < 100);
	CHECK_EQ(ret, X86EMU_DONE);
	{
		u64 count = c.insn.rep ? start.gpr[X86_RCX] & am : 1;

		CHECK_EQ(fk.reads + fk.writes, count);
		CHECK_EQ(fk.ram_reads + fk.ram_writes, stos ? 0 : count);
		CHECK_EQ(mmio_dst ? fk.writes : fk.reads, count);
	}
	return compare(&hs, &c.regs, code + n, X86_FLAGS_ARITH | X86_FLAGS_DF);
}

UNIT_TEST(strings_match_host_cpu)
{
	static const char *const forms[] = {
		"aa",	    "ab",	"66 ab",    "48 ab", "f3 aa", "f3 ab",
		"f3 48 ab", "f2 66 ab", "a4",	    "a5",    "66 a5", "48 a5",
		"f3 a4",    "f3 a5",	"f3 48 a5", "f2 a4"
	};

	setup_region();
	for (unsigned int i = 0; i < ARRAY_SIZE(forms); i++) {
		bool movs = strstr(forms[i], "a4") || strstr(forms[i], "a5");

		for (unsigned int k = 0; k < 100; k++) {
			char h[32];
			bool dst = movs ? k & 1 : true, a32 = k & 2;

			snprintf(h, sizeof(h), "%s%s", a32 ? "67 " : "",
				 forms[i]);
			if (!run_string(h, dst, a32)) {
				fprintf(stderr, "    \"%s\" dst=%d failed\n", h,
					dst);
				unit_failures++;
				break;
			}
		}
	}
}

/* Hand-computed: 16-bit real mode, DS base and IP wrap. */
UNIT_TEST(real_mode_store)
{
	struct x86_emu_ctxt c = { .ops = &fake_ops };
	static const u8 insn[] = { 0x89, 0x07 }; /* mov [bx], ax */

	CHECK_EQ(x86_decode(&c.insn, insn, 2, X86_MODE_16), 0);
	c.seg_base[X86_SEG_DS] = 0x10000;
	c.regs.gpr[X86_RBX] = 0xabcd1234;
	c.regs.gpr[X86_RAX] = 0x11112222beefull;
	c.regs.rip = 0xfffe;
	c.mmio_gpa = DEV_GPA + 0x234;
	fk = (struct fake){ 0 };
	memset(emu_dev, 0, PAGE);
	CHECK_EQ(x86_emulate(&c), X86EMU_DONE);
	CHECK_EQ(c.la, 0x11234);
	CHECK_EQ(fk.writes, 1);
	CHECK_EQ(fk.last_size, 2);
	CHECK_EQ(get_le(emu_dev + 0x234, 4), 0xbeef);
	CHECK_EQ(c.regs.rip, 0);
}

UNIT_TEST(protected_mode_load_and_mismatch)
{
	struct x86_emu_ctxt c = { .ops = &fake_ops };
	static const u8 insn[] = { 0x8b, 0x45, 0xfc }; /* mov eax, [ebp-4] */

	CHECK_EQ(x86_decode(&c.insn, insn, 3, X86_MODE_32), 0);
	c.seg_base[X86_SEG_SS] = 0xfffff000; /* wraps at 4 GiB */
	c.regs.gpr[X86_RBP] = 0x2004;
	c.regs.gpr[X86_RAX] = ~0ull;
	c.regs.rip = 0x1000;
	put_le(emu_dev + 0x000, 0x89abcdef, 4);
	/* A GPA whose page offset disagrees with the decoded address. */
	c.mmio_gpa = DEV_GPA + 0x004;
	CHECK_EQ(x86_emulate(&c), -X86EMU_EMISMATCH);
	CHECK_EQ(c.regs.rip, 0x1000);
	c.mmio_gpa = DEV_GPA;
	CHECK_EQ(x86_emulate(&c), X86EMU_DONE);
	CHECK_EQ(c.la, 0x1000);
	CHECK_EQ(c.regs.gpr[X86_RAX], 0x89abcdef);
	CHECK_EQ(c.regs.rip, 0x1003);
}

UNIT_TEST(rep_stos_32bit_restarts)
{
	struct x86_emu_ctxt c = { .ops = &fake_ops };
	static const u8 insn[] = { 0xf3, 0xab }; /* rep stosd */
	int ret, iters = 0;

	CHECK_EQ(x86_decode(&c.insn, insn, 2, X86_MODE_32), 0);
	c.regs.gpr[X86_RCX] = 3;
	c.regs.gpr[X86_RDI] = 0x100;
	c.regs.gpr[X86_RAX] = 0x5a5a5a5a;
	c.regs.rip = 0x4000;
	fk = (struct fake){ 0 };
	memset(emu_dev, 0, PAGE);
	do {
		c.mmio_gpa = DEV_GPA + c.regs.gpr[X86_RDI];
		ret = x86_emulate(&c);
		iters++;
		CHECK_EQ(c.regs.rip, ret == X86EMU_CONTINUE ? 0x4000 : 0x4002);
	} while (ret == X86EMU_CONTINUE && iters < 10);
	CHECK_EQ(ret, X86EMU_DONE);
	CHECK_EQ(iters, 3);
	CHECK_EQ(c.regs.gpr[X86_RCX], 0);
	CHECK_EQ(c.regs.gpr[X86_RDI], 0x10c);
	CHECK_EQ(get_le(emu_dev + 0x108, 4), 0x5a5a5a5a);
	CHECK_EQ(get_le(emu_dev + 0x10c, 4), 0);
	/* A zero count touches nothing and moves on. */
	c.regs.rip = 0x4000;
	CHECK_EQ(x86_emulate(&c), X86EMU_DONE);
	CHECK_EQ(c.regs.rip, 0x4002);
	CHECK_EQ(fk.writes, 3);
}

UNIT_TEST(rep_movs_16bit_backwards_wraps)
{
	struct x86_emu_ctxt c = { .ops = &fake_ops };
	static const u8 insn[] = { 0xf3, 0xa5 }; /* rep movsw */

	setup_region();
	CHECK_EQ(x86_decode(&c.insn, insn, 2, X86_MODE_16), 0);
	c.regs.rflags = 0x2 | X86_FLAGS_DF;
	c.regs.gpr[X86_RCX] = 0xdead0002; /* only CX counts */
	c.regs.gpr[X86_RDI] = 0x77770000; /* DI wraps 0 -> 0xfffe */
	c.regs.gpr[X86_RSI] = 0x10;
	c.seg_base[X86_SEG_ES] = 0x30000;
	c.seg_base[X86_SEG_DS] = (u64)(uintptr_t)hram;
	c.regs.rip = 0x100;
	put_le(emu_ram + 0x10, 0x1234, 2);
	put_le(emu_ram + 0x0e, 0x5678, 2);
	memset(emu_dev, 0, PAGE);
	fk = (struct fake){ 0 };
	/* Destination is MMIO (a write fault), source RAM. */
	c.mmio_write = true;
	c.mmio_gpa = DEV_GPA;
	CHECK_EQ(x86_emulate(&c), X86EMU_CONTINUE);
	CHECK_EQ(c.la, 0x30000);
	CHECK_EQ(c.regs.gpr[X86_RDI], 0x7777fffe);
	CHECK_EQ(c.regs.gpr[X86_RSI], 0xe);
	CHECK_EQ(c.regs.gpr[X86_RCX], 0xdead0001);
	CHECK_EQ(c.regs.rip, 0x100);
	CHECK_EQ(get_le(emu_dev, 2), 0x1234);
	c.mmio_gpa = DEV_GPA + 0xffe;
	CHECK_EQ(x86_emulate(&c), X86EMU_DONE);
	CHECK_EQ(c.la, 0x3fffe);
	CHECK_EQ(get_le(emu_dev + 0xffe, 2), 0x5678);
	CHECK_EQ(c.regs.gpr[X86_RDI], 0x7777fffc);
	CHECK_EQ(c.regs.gpr[X86_RSI], 0xc);
	CHECK_EQ(c.regs.gpr[X86_RCX], 0xdead0000);
	CHECK_EQ(c.regs.rip, 0x102);
	CHECK_EQ(fk.writes, 2);
	CHECK_EQ(fk.ram_reads, 2);
}

UNIT_TEST(errors_leave_state_alone)
{
	struct x86_emu_ctxt c = { .ops = &fake_ops };
	static const u8 add[] = { 0x48, 0x01, 0x03 }; /* add [rbx], rax */
	struct x86_regs before;

	CHECK_EQ(x86_decode(&c.insn, add, 3, X86_MODE_64), 0);
	c.regs.gpr[X86_RBX] = 0x1000;
	c.regs.rip = 0x5000;
	c.regs.rflags = 0x2;
	c.mmio_gpa = DEV_GPA;
	before = c.regs;
	fk = (struct fake){ .fail = -77 };
	CHECK_EQ(x86_emulate(&c), -77);
	CHECK(!memcmp(&before, &c.regs, sizeof(before)));
	fk.fail = 0;
	/* No callbacks at all. */
	c.ops = NULL;
	CHECK_EQ(x86_emulate(&c), -X86EMU_EUNHANDLED);
	/* An undecoded context. */
	c.ops = &fake_ops;
	c.insn = (struct x86_insn){ 0 };
	CHECK_EQ(x86_emulate(&c), -X86EMU_EUNHANDLED);
}

/* Independent of the host CPU: a few flag results from the SDM. */
UNIT_TEST(flags_by_hand)
{
	struct x86_emu_ctxt c = { .ops = &fake_ops };
	static const u8 add_al[] = { 0x04, 0x01 }; /* add al, 1 */
	static const u8 sub_eax[] = { 0x2d, 0x01, 0, 0, 0 }; /* sub eax, 1 */
	static const u8 neg_rbx[] = { 0x48, 0xf7, 0xdb }; /* neg rbx */

	CHECK_EQ(x86_decode(&c.insn, add_al, 2, X86_MODE_64), 0);
	c.regs.gpr[X86_RAX] = 0x7f;
	c.regs.rflags = 0x2 | X86_FLAGS_CF;
	CHECK_EQ(x86_emulate(&c), X86EMU_DONE);
	CHECK_EQ(c.regs.gpr[X86_RAX], 0x80);
	CHECK_EQ(c.regs.rflags,
		 0x2 | X86_FLAGS_OF | X86_FLAGS_SF | X86_FLAGS_AF);

	CHECK_EQ(x86_decode(&c.insn, sub_eax, 5, X86_MODE_64), 0);
	c.regs.gpr[X86_RAX] = 0xffffffff00000000ull;
	c.regs.rflags = 0x2;
	CHECK_EQ(x86_emulate(&c), X86EMU_DONE);
	CHECK_EQ(c.regs.gpr[X86_RAX], 0xffffffff); /* zero-extended */
	CHECK_EQ(c.regs.rflags, 0x2 | X86_FLAGS_CF | X86_FLAGS_SF |
					X86_FLAGS_AF | X86_FLAGS_PF);

	CHECK_EQ(x86_decode(&c.insn, neg_rbx, 3, X86_MODE_64), 0);
	c.regs.gpr[X86_RBX] = 0x8000000000000000ull;
	c.regs.rflags = 0x2;
	CHECK_EQ(x86_emulate(&c), X86EMU_DONE);
	CHECK_EQ(c.regs.gpr[X86_RBX], 0x8000000000000000ull);
	CHECK_EQ(c.regs.rflags, 0x2 | X86_FLAGS_CF | X86_FLAGS_OF |
					X86_FLAGS_SF | X86_FLAGS_PF);
}

UNIT_MAIN();

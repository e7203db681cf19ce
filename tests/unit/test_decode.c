// SPDX-License-Identifier: GPL-2.0
/*
 * Decoder tests: encodings written from the SDM opcode tables with the
 * expected length, sizes and operands, per CPU mode.
 */
#include <string.h>
#include <asm/emulate.h>
#include "unit.h"

/* Table rows leave trailing fields (imm, seg, rep) out when zero. */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

/* Operand code: kind, size, high8, register. */
#define OPND(k, sz, h, r) (((k) << 16) | ((sz) << 8) | ((h) << 4) | (r))
#define REG(r, sz) OPND(X86_OPND_REG, sz, 0, r)
#define HREG(r) OPND(X86_OPND_REG, 1, 1, r)
#define MEM(sz) OPND(X86_OPND_MEM, sz, 0, 0)
#define IMM(sz) OPND(X86_OPND_IMM, sz, 0, 0)
#define SSRC(sz) OPND(X86_OPND_STR_SRC, sz, 0, 0)
#define SDST(sz) OPND(X86_OPND_STR_DST, sz, 0, 0)
#define NONE 0

#define M16 X86_MODE_16
#define M32 X86_MODE_32
#define M64 X86_MODE_64
#define NOB -1 /* no base / index */
#define SEG(s) ((s) + 1) /* 0 in the table: DS */

struct dcase {
	const char *hex;
	u8 mode, len, op, opsize, addrsize;
	u32 dst, src;
	s8 base, index;
	u8 scale;
	bool rip_rel;
	u64 disp, imm;
	u8 seg, rep;
};

/* Memory-operand shorthands: base, index, scale, rip_rel, disp. */
#define AT(b) b, NOB, 1, false, 0
#define ATD(b, d) b, NOB, 1, false, (u64)(d)
#define NOMEM NOB, NOB, 0, false, 0

static const struct dcase cases[] = {
	/* MOV 88/89/8A/8B, 64-bit. */
	{ "88 03", M64, 2, X86_OP_MOV, 1, 8, MEM(1), REG(X86_RAX, 1),
	  AT(X86_RBX) },
	{ "88 23", M64, 2, X86_OP_MOV, 1, 8, MEM(1), HREG(X86_RAX),
	  AT(X86_RBX) },
	{ "40 88 23", M64, 3, X86_OP_MOV, 1, 8, MEM(1), REG(X86_RSP, 1),
	  AT(X86_RBX) },
	{ "44 88 03", M64, 3, X86_OP_MOV, 1, 8, MEM(1), REG(X86_R8, 1),
	  AT(X86_RBX) },
	{ "66 89 03", M64, 3, X86_OP_MOV, 2, 8, MEM(2), REG(X86_RAX, 2),
	  AT(X86_RBX) },
	{ "48 89 13", M64, 3, X86_OP_MOV, 8, 8, MEM(8), REG(X86_RDX, 8),
	  AT(X86_RBX) },
	{ "4c 89 4c b3 10", M64, 5, X86_OP_MOV, 8, 8, MEM(8), REG(X86_R9, 8),
	  X86_RBX, X86_RSI, 4, false, 0x10 },
	{ "8a 3b", M64, 2, X86_OP_MOV, 1, 8, HREG(X86_RBX), MEM(1),
	  AT(X86_RBX) },
	{ "41 8b 04 24", M64, 4, X86_OP_MOV, 4, 8, REG(X86_RAX, 4), MEM(4),
	  AT(X86_R12) },
	{ "41 8b 45 00", M64, 4, X86_OP_MOV, 4, 8, REG(X86_RAX, 4), MEM(4),
	  AT(X86_R13) },
	{ "42 8b 04 23", M64, 4, X86_OP_MOV, 4, 8, REG(X86_RAX, 4), MEM(4),
	  X86_RBX, X86_R12, 1, false, 0 },
	{ "43 8b 04 2c", M64, 4, X86_OP_MOV, 4, 8, REG(X86_RAX, 4), MEM(4),
	  X86_R12, X86_R13, 1, false, 0 },
	{ "4a 8b 04 e3", M64, 4, X86_OP_MOV, 8, 8, REG(X86_RAX, 8), MEM(8),
	  X86_RBX, X86_R12, 8, false, 0 },
	{ "8b 04 25 78 56 34 12", M64, 7, X86_OP_MOV, 4, 8, REG(X86_RAX, 4),
	  MEM(4), ATD(NOB, 0x12345678) },
	{ "41 8b 04 25 10 00 00 00", M64, 8, X86_OP_MOV, 4, 8, REG(X86_RAX, 4),
	  MEM(4), ATD(NOB, 0x10) },
	{ "8b 05 f0 ff ff ff", M64, 6, X86_OP_MOV, 4, 8, REG(X86_RAX, 4),
	  MEM(4), NOB, NOB, 1, true, (u64)-16 },
	{ "41 8b 05 00 00 00 00", M64, 7, X86_OP_MOV, 4, 8, REG(X86_RAX, 4),
	  MEM(4), NOB, NOB, 1, true, 0 },
	{ "4c 8b 2d 00 01 00 00", M64, 7, X86_OP_MOV, 8, 8, REG(X86_R13, 8),
	  MEM(8), NOB, NOB, 1, true, 0x100 },
	{ "67 8b 03", M64, 3, X86_OP_MOV, 4, 4, REG(X86_RAX, 4), MEM(4),
	  AT(X86_RBX) },
	{ "8b 84 1e 00 01 00 00", M64, 7, X86_OP_MOV, 4, 8, REG(X86_RAX, 4),
	  MEM(4), X86_RSI, X86_RBX, 1, false, 0x100 },
	{ "8b 44 24 f8", M64, 4, X86_OP_MOV, 4, 8, REG(X86_RAX, 4), MEM(4),
	  ATD(X86_RSP, -8), 0, SEG(X86_SEG_SS) },
	{ "8b 45 08", M64, 3, X86_OP_MOV, 4, 8, REG(X86_RAX, 4), MEM(4),
	  ATD(X86_RBP, 8), 0, SEG(X86_SEG_SS) },
	{ "64 8b 03", M64, 3, X86_OP_MOV, 4, 8, REG(X86_RAX, 4), MEM(4),
	  AT(X86_RBX), 0, SEG(X86_SEG_FS) },
	{ "65 48 8b 04 25 10 00 00 00", M64, 9, X86_OP_MOV, 8, 8,
	  REG(X86_RAX, 8), MEM(8), ATD(NOB, 0x10), 0, SEG(X86_SEG_GS) },
	{ "2e 8b 03", M64, 3, X86_OP_MOV, 4, 8, REG(X86_RAX, 4), MEM(4),
	  AT(X86_RBX), 0, SEG(X86_SEG_DS) },
	/* REX placement: only the REX right before the opcode counts. */
	{ "48 66 89 03", M64, 4, X86_OP_MOV, 2, 8, MEM(2), REG(X86_RAX, 2),
	  AT(X86_RBX) },
	{ "40 48 89 03", M64, 4, X86_OP_MOV, 8, 8, MEM(8), REG(X86_RAX, 8),
	  AT(X86_RBX) },
	{ "66 48 89 03", M64, 4, X86_OP_MOV, 8, 8, MEM(8), REG(X86_RAX, 8),
	  AT(X86_RBX) },
	{ "f3 89 03", M64, 3, X86_OP_MOV, 4, 8, MEM(4), REG(X86_RAX, 4),
	  AT(X86_RBX) },
	/* MOV C6/C7 and moffs. */
	{ "c6 03 5a", M64, 3, X86_OP_MOV, 1, 8, MEM(1), IMM(1), AT(X86_RBX),
	  0x5a },
	{ "66 c7 03 34 12", M64, 5, X86_OP_MOV, 2, 8, MEM(2), IMM(2),
	  AT(X86_RBX), 0x1234 },
	{ "c7 03 78 56 34 12", M64, 6, X86_OP_MOV, 4, 8, MEM(4), IMM(4),
	  AT(X86_RBX), 0x12345678 },
	{ "48 c7 03 f0 ff ff ff", M64, 7, X86_OP_MOV, 8, 8, MEM(8), IMM(8),
	  AT(X86_RBX), (u64)-16 },
	{ "c7 84 24 00 01 00 00 ef be ad de", M64, 11, X86_OP_MOV, 4, 8, MEM(4),
	  IMM(4), ATD(X86_RSP, 0x100), 0xffffffffdeadbeefull, SEG(X86_SEG_SS) },
	{ "48 81 05 00 01 00 00 ff ff ff ff", M64, 11, X86_OP_ADD, 8, 8, MEM(8),
	  IMM(8), NOB, NOB, 1, true, 0x100, (u64)-1 },
	{ "a1 88 77 66 55 44 33 22 11", M64, 9, X86_OP_MOV, 4, 8,
	  REG(X86_RAX, 4), MEM(4), ATD(NOB, 0x1122334455667788ull) },
	{ "48 a3 00 00 00 00 00 00 00 80", M64, 10, X86_OP_MOV, 8, 8, MEM(8),
	  REG(X86_RAX, 8), ATD(NOB, 0x8000000000000000ull) },
	{ "67 a0 ff ff ff ff", M64, 6, X86_OP_MOV, 1, 4, REG(X86_RAX, 1),
	  MEM(1), ATD(NOB, 0xffffffffull) },
	/* MOVZX/MOVSX/MOVSXD. */
	{ "0f b6 03", M64, 3, X86_OP_MOVZX, 4, 8, REG(X86_RAX, 4), MEM(1),
	  AT(X86_RBX) },
	{ "66 0f b6 c1", M64, 4, X86_OP_MOVZX, 2, 8, REG(X86_RAX, 2),
	  REG(X86_RCX, 1), NOMEM },
	{ "48 0f b7 03", M64, 4, X86_OP_MOVZX, 8, 8, REG(X86_RAX, 8), MEM(2),
	  AT(X86_RBX) },
	{ "0f be 27", M64, 3, X86_OP_MOVSX, 4, 8, REG(X86_RSP, 4), MEM(1),
	  AT(X86_RDI) },
	{ "48 0f bf 03", M64, 4, X86_OP_MOVSX, 8, 8, REG(X86_RAX, 8), MEM(2),
	  AT(X86_RBX) },
	{ "48 63 03", M64, 3, X86_OP_MOVSX, 8, 8, REG(X86_RAX, 8), MEM(4),
	  AT(X86_RBX) },
	{ "63 03", M64, 2, X86_OP_MOVSX, 4, 8, REG(X86_RAX, 4), MEM(4),
	  AT(X86_RBX) },
	{ "66 63 03", M64, 3, X86_OP_MOVSX, 2, 8, REG(X86_RAX, 2), MEM(2),
	  AT(X86_RBX) },
	/* ALU forms. */
	{ "04 7f", M64, 2, X86_OP_ADD, 1, 8, REG(X86_RAX, 1), IMM(1), NOMEM,
	  0x7f },
	{ "48 2d 00 00 00 80", M64, 6, X86_OP_SUB, 8, 8, REG(X86_RAX, 8),
	  IMM(8), NOMEM, 0xffffffff80000000ull },
	{ "66 3d 34 12", M64, 4, X86_OP_CMP, 2, 8, REG(X86_RAX, 2), IMM(2),
	  NOMEM, 0x1234 },
	{ "80 3b 01", M64, 3, X86_OP_CMP, 1, 8, MEM(1), IMM(1), AT(X86_RBX),
	  1 },
	{ "83 23 f0", M64, 3, X86_OP_AND, 4, 8, MEM(4), IMM(4), AT(X86_RBX),
	  (u64)-16 },
	{ "48 83 0b ff", M64, 4, X86_OP_OR, 8, 8, MEM(8), IMM(8), AT(X86_RBX),
	  (u64)-1 },
	{ "81 33 ff 00 00 00", M64, 6, X86_OP_XOR, 4, 8, MEM(4), IMM(4),
	  AT(X86_RBX), 0xff },
	{ "13 0b", M64, 2, X86_OP_ADC, 4, 8, REG(X86_RCX, 4), MEM(4),
	  AT(X86_RBX) },
	{ "1a 0b", M64, 2, X86_OP_SBB, 1, 8, REG(X86_RCX, 1), MEM(1),
	  AT(X86_RBX) },
	{ "f0 48 29 03", M64, 4, X86_OP_SUB, 8, 8, MEM(8), REG(X86_RAX, 8),
	  AT(X86_RBX) },
	/* TEST, XCHG, INC/DEC, NOT/NEG. */
	{ "84 03", M64, 2, X86_OP_TEST, 1, 8, MEM(1), REG(X86_RAX, 1),
	  AT(X86_RBX) },
	{ "a8 01", M64, 2, X86_OP_TEST, 1, 8, REG(X86_RAX, 1), IMM(1), NOMEM,
	  1 },
	{ "a9 00 00 00 80", M64, 5, X86_OP_TEST, 4, 8, REG(X86_RAX, 4), IMM(4),
	  NOMEM, 0xffffffff80000000ull },
	{ "f6 03 80", M64, 3, X86_OP_TEST, 1, 8, MEM(1), IMM(1), AT(X86_RBX),
	  (u64)-128 },
	{ "f6 0b 01", M64, 3, X86_OP_TEST, 1, 8, MEM(1), IMM(1), AT(X86_RBX),
	  1 },
	{ "66 f7 03 00 80", M64, 5, X86_OP_TEST, 2, 8, MEM(2), IMM(2),
	  AT(X86_RBX), (u64)-32768 },
	{ "48 87 0b", M64, 3, X86_OP_XCHG, 8, 8, MEM(8), REG(X86_RCX, 8),
	  AT(X86_RBX) },
	{ "86 03", M64, 2, X86_OP_XCHG, 1, 8, MEM(1), REG(X86_RAX, 1),
	  AT(X86_RBX) },
	{ "fe 03", M64, 2, X86_OP_INC, 1, 8, MEM(1), NONE, AT(X86_RBX) },
	{ "fe 0b", M64, 2, X86_OP_DEC, 1, 8, MEM(1), NONE, AT(X86_RBX) },
	{ "48 ff 0b", M64, 3, X86_OP_DEC, 8, 8, MEM(8), NONE, AT(X86_RBX) },
	{ "f0 ff 03", M64, 3, X86_OP_INC, 4, 8, MEM(4), NONE, AT(X86_RBX) },
	{ "f6 13", M64, 2, X86_OP_NOT, 1, 8, MEM(1), NONE, AT(X86_RBX) },
	{ "66 f7 1b", M64, 3, X86_OP_NEG, 2, 8, MEM(2), NONE, AT(X86_RBX) },
	/* Strings. */
	{ "aa", M64, 1, X86_OP_STOS, 1, 8, SDST(1), REG(X86_RAX, 1), NOMEM },
	{ "f3 48 ab", M64, 3, X86_OP_STOS, 8, 8, SDST(8), REG(X86_RAX, 8),
	  NOMEM, 0, SEG(X86_SEG_DS), X86_REP_F3 },
	{ "66 ab", M64, 2, X86_OP_STOS, 2, 8, SDST(2), REG(X86_RAX, 2), NOMEM },
	{ "f3 a4", M64, 2, X86_OP_MOVS, 1, 8, SDST(1), SSRC(1), NOMEM, 0,
	  SEG(X86_SEG_DS), X86_REP_F3 },
	{ "f2 a5", M64, 2, X86_OP_MOVS, 4, 8, SDST(4), SSRC(4), NOMEM, 0,
	  SEG(X86_SEG_DS), X86_REP_F2 },
	{ "64 a4", M64, 2, X86_OP_MOVS, 1, 8, SDST(1), SSRC(1), NOMEM, 0,
	  SEG(X86_SEG_FS) },
	{ "67 f3 a5", M64, 3, X86_OP_MOVS, 4, 4, SDST(4), SSRC(4), NOMEM, 0,
	  SEG(X86_SEG_DS), X86_REP_F3 },

	/* 32-bit protected mode. */
	{ "89 03", M32, 2, X86_OP_MOV, 4, 4, MEM(4), REG(X86_RAX, 4),
	  AT(X86_RBX) },
	{ "66 89 03", M32, 3, X86_OP_MOV, 2, 4, MEM(2), REG(X86_RAX, 2),
	  AT(X86_RBX) },
	{ "67 89 07", M32, 3, X86_OP_MOV, 4, 2, MEM(4), REG(X86_RAX, 4),
	  AT(X86_RBX) },
	{ "8b 05 78 56 34 12", M32, 6, X86_OP_MOV, 4, 4, REG(X86_RAX, 4),
	  MEM(4), ATD(NOB, 0x12345678) },
	{ "8b 45 fc", M32, 3, X86_OP_MOV, 4, 4, REG(X86_RAX, 4), MEM(4),
	  ATD(X86_RBP, -4), 0, SEG(X86_SEG_SS) },
	{ "3e 8b 45 fc", M32, 4, X86_OP_MOV, 4, 4, REG(X86_RAX, 4), MEM(4),
	  ATD(X86_RBP, -4), 0, SEG(X86_SEG_DS) },
	{ "64 8b 03", M32, 3, X86_OP_MOV, 4, 4, REG(X86_RAX, 4), MEM(4),
	  AT(X86_RBX), 0, SEG(X86_SEG_FS) },
	{ "a1 78 56 34 12", M32, 5, X86_OP_MOV, 4, 4, REG(X86_RAX, 4), MEM(4),
	  ATD(NOB, 0x12345678) },
	{ "66 a1 78 56 34 12", M32, 6, X86_OP_MOV, 2, 4, REG(X86_RAX, 2),
	  MEM(2), ATD(NOB, 0x12345678) },
	{ "67 a1 34 12", M32, 4, X86_OP_MOV, 4, 2, REG(X86_RAX, 4), MEM(4),
	  ATD(NOB, 0x1234) },
	{ "82 03 01", M32, 3, X86_OP_ADD, 1, 4, MEM(1), IMM(1), AT(X86_RBX),
	  1 },
	{ "f3 ab", M32, 2, X86_OP_STOS, 4, 4, SDST(4), REG(X86_RAX, 4), NOMEM,
	  0, SEG(X86_SEG_DS), X86_REP_F3 },
	{ "26 a4", M32, 2, X86_OP_MOVS, 1, 4, SDST(1), SSRC(1), NOMEM, 0,
	  SEG(X86_SEG_ES) },
	{ "c7 05 00 00 0b 00 41 41 41 41", M32, 10, X86_OP_MOV, 4, 4, MEM(4),
	  IMM(4), ATD(NOB, 0xb0000), 0x41414141 },
	{ "8a 24 8d 00 10 00 00", M32, 7, X86_OP_MOV, 1, 4, HREG(X86_RAX),
	  MEM(1), NOB, X86_RCX, 4, false, 0x1000 },

	/* 16-bit (real mode and 16-bit protected). */
	{ "89 07", M16, 2, X86_OP_MOV, 2, 2, MEM(2), REG(X86_RAX, 2),
	  AT(X86_RBX) },
	{ "89 00", M16, 2, X86_OP_MOV, 2, 2, MEM(2), REG(X86_RAX, 2), X86_RBX,
	  X86_RSI, 1, false, 0 },
	{ "8b 46 fe", M16, 3, X86_OP_MOV, 2, 2, REG(X86_RAX, 2), MEM(2),
	  ATD(X86_RBP, -2), 0, SEG(X86_SEG_SS) },
	{ "8b 42 10", M16, 3, X86_OP_MOV, 2, 2, REG(X86_RAX, 2), MEM(2),
	  X86_RBP, X86_RSI, 1, false, 0x10, 0, SEG(X86_SEG_SS) },
	{ "89 06 34 12", M16, 4, X86_OP_MOV, 2, 2, MEM(2), REG(X86_RAX, 2),
	  ATD(NOB, 0x1234) },
	{ "8b 81 00 80", M16, 4, X86_OP_MOV, 2, 2, REG(X86_RAX, 2), MEM(2),
	  X86_RBX, X86_RDI, 1, false, (u64)-32768 },
	{ "66 89 07", M16, 3, X86_OP_MOV, 4, 2, MEM(4), REG(X86_RAX, 4),
	  AT(X86_RBX) },
	{ "67 89 03", M16, 3, X86_OP_MOV, 2, 4, MEM(2), REG(X86_RAX, 2),
	  AT(X86_RBX) },
	{ "67 8b 04 24", M16, 4, X86_OP_MOV, 2, 4, REG(X86_RAX, 2), MEM(2),
	  AT(X86_RSP), 0, SEG(X86_SEG_SS) },
	{ "26 8b 46 00", M16, 4, X86_OP_MOV, 2, 2, REG(X86_RAX, 2), MEM(2),
	  AT(X86_RBP), 0, SEG(X86_SEG_ES) },
	{ "c6 06 00 01 ff", M16, 5, X86_OP_MOV, 1, 2, MEM(1), IMM(1),
	  ATD(NOB, 0x100), (u64)-1 },
	{ "a1 00 01", M16, 3, X86_OP_MOV, 2, 2, REG(X86_RAX, 2), MEM(2),
	  ATD(NOB, 0x100) },
	{ "66 67 a1 00 00 01 00", M16, 7, X86_OP_MOV, 4, 4, REG(X86_RAX, 4),
	  MEM(4), ATD(NOB, 0x10000) },
	{ "f3 a5", M16, 2, X86_OP_MOVS, 2, 2, SDST(2), SSRC(2), NOMEM, 0,
	  SEG(X86_SEG_DS), X86_REP_F3 },
	{ "81 07 34 12", M16, 4, X86_OP_ADD, 2, 2, MEM(2), IMM(2), AT(X86_RBX),
	  0x1234 },
	{ "66 81 07 78 56 34 12", M16, 7, X86_OP_ADD, 4, 2, MEM(4), IMM(4),
	  AT(X86_RBX), 0x12345678 },
};

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

static u32 opnd_code(const struct x86_opnd *o)
{
	if (o->kind == X86_OPND_NONE)
		return 0;
	return OPND(o->kind, o->size, o->high8 ? 1 : 0,
		    o->kind == X86_OPND_REG ? o->reg : 0);
}

static int decode_hex(const char *hex, enum x86_mode mode, struct x86_insn *in)
{
	u8 b[32];
	unsigned int n = parse_hex(hex, b);

	return x86_decode(in, b, n, mode);
}

static void check_case(const struct dcase *t, const struct x86_insn *in)
{
	CHECK_EQ(in->len, t->len);
	CHECK_EQ(in->op, t->op);
	CHECK_EQ(in->opsize, t->opsize);
	CHECK_EQ(in->addrsize, t->addrsize);
	CHECK_EQ(opnd_code(&in->dst), t->dst);
	CHECK_EQ(opnd_code(&in->src), t->src);
	CHECK_EQ(in->rep, t->rep);
	if (in->src.kind == X86_OPND_IMM)
		CHECK_EQ(in->imm, t->imm);
	if (in->dst.kind == X86_OPND_MEM || in->src.kind == X86_OPND_MEM ||
	    in->src.kind == X86_OPND_STR_SRC)
		CHECK_EQ(in->seg, t->seg ? t->seg - 1 : X86_SEG_DS);
	if (in->dst.kind == X86_OPND_MEM || in->src.kind == X86_OPND_MEM) {
		CHECK_EQ(in->mem.base, t->base);
		CHECK_EQ(in->mem.index, t->index);
		if (t->index != NOB)
			CHECK_EQ(in->mem.scale, t->scale);
		CHECK_EQ(in->mem.rip_rel, t->rip_rel);
		CHECK_EQ(in->mem.disp, t->disp);
	}
}

UNIT_TEST(decodes_table)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct dcase *t = &cases[i];
		struct x86_insn in;
		int err = decode_hex(t->hex, t->mode, &in);
		int before = unit_failures;

		CHECK_EQ(err, 0);
		if (!err)
			check_case(t, &in);
		if (unit_failures != before)
			fprintf(stderr, "    case %u: \"%s\" mode %u\n", i,
				t->hex, t->mode);
	}
}

/* Every proper prefix of a valid encoding is truncated; trailing bytes
 * are never consumed. */
UNIT_TEST(truncated_and_padded)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct dcase *t = &cases[i];
		u8 b[32];
		unsigned int n = parse_hex(t->hex, b);
		struct x86_insn in;

		for (unsigned int k = 0; k < n; k++) {
			/* Only k bytes are visible: poison the rest. */
			u8 *copy = malloc(k ? k : 1);

			memcpy(copy, b, k);
			CHECK_EQ(x86_decode(&in, copy, k, t->mode),
				 -X86_DECODE_ETRUNC);
			free(copy);
		}
		memset(b + n, 0x90, sizeof(b) - n);
		CHECK_EQ(x86_decode(&in, b, 15, t->mode), 0);
		CHECK_EQ(in.len, t->len);
	}
}

UNIT_TEST(fifteen_byte_limit)
{
	u8 b[20];
	struct x86_insn in;

	/* 13 prefixes + opcode + ModRM = 15 bytes: fine. */
	memset(b, 0x66, 13);
	b[13] = 0x89;
	b[14] = 0x03;
	CHECK_EQ(x86_decode(&in, b, 15, X86_MODE_64), 0);
	CHECK_EQ(in.len, 15);
	CHECK_EQ(in.opsize, 2);
	/* 14 prefixes: 16 bytes. Too long even when more bytes are given. */
	memset(b, 0x66, 14);
	b[14] = 0x89;
	b[15] = 0x03;
	CHECK_EQ(x86_decode(&in, b, 16, X86_MODE_64), -X86_DECODE_ETOOLONG);
	CHECK_EQ(x86_decode(&in, b, 15, X86_MODE_64), -X86_DECODE_ETOOLONG);
	/* Immediate pushing past 15. */
	memset(b, 0x2e, 10);
	memcpy(b + 10, "\xc7\x03\x01\x02\x03\x04", 6);
	CHECK_EQ(x86_decode(&in, b, 16, X86_MODE_32), -X86_DECODE_ETOOLONG);
	/* Prefixes only. */
	memset(b, 0xf3, sizeof(b));
	CHECK_EQ(x86_decode(&in, b, 15, X86_MODE_16), -X86_DECODE_ETOOLONG);
	CHECK_EQ(x86_decode(&in, b, 7, X86_MODE_16), -X86_DECODE_ETRUNC);
	/* REX counts towards the limit too. */
	memset(b, 0x48, 14);
	b[14] = 0x89;
	CHECK_EQ(x86_decode(&in, b, 16, X86_MODE_64), -X86_DECODE_ETOOLONG);
}

UNIT_TEST(invalid_encodings)
{
	static const struct {
		const char *hex;
		u8 mode;
	} bad[] = {
		{ "f0 89 03", M64 }, /* LOCK MOV */
		{ "f0 01 c0", M64 }, /* LOCK with a register destination */
		{ "f0 03 03", M64 }, /* ... or a register-destination form */
		{ "f0 39 03", M64 }, /* LOCK CMP */
		{ "f0 85 03", M64 }, /* LOCK TEST */
		{ "f0 aa", M64 }, /* LOCK STOS */
		{ "f0 0f b6 03", M32 }, /* LOCK MOVZX */
		{ "c6 0b 00", M64 }, /* C6 /1 */
		{ "c7 43 08 00 00 00 00", M16 }, /* C7 /0 ok, but ... */
		{ "fe 13", M64 }, /* FE /2 */
		{ "ff 3b", M32 }, /* FF /7 */
		{ "82 03 01", M64 }, /* 82 in 64-bit mode */
		{ "0f 0b", M64 }, /* UD2 */
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		struct x86_insn in;
		int err = decode_hex(bad[i].hex, bad[i].mode, &in);

		/* "c7 43 08 ..." is valid: a control for the table. */
		if (i == 8) {
			CHECK_EQ(err, 0);
			continue;
		}
		if (err != -X86_DECODE_EINVAL)
			fprintf(stderr, "    \"%s\" -> %d\n", bad[i].hex, err);
		CHECK_EQ(err, -X86_DECODE_EINVAL);
	}
}

UNIT_TEST(unsupported_encodings)
{
	static const struct {
		const char *hex;
		u8 mode;
	} uns[] = {
		{ "f7 23", M64 }, /* MUL */
		{ "f6 3b", M64 }, /* IDIV */
		{ "0f 05", M64 }, /* SYSCALL */
		{ "90", M64 }, /* NOP */
		{ "ff 13", M64 }, /* CALL */
		{ "c6 f8 00", M64 }, /* XABORT */
		{ "63 03", M32 }, /* ARPL */
		{ "48 89 03", M32 }, /* DEC EAX outside 64-bit mode */
		{ "e8 00 00 00 00", M64 }, /* CALL rel32 */
		{ "0f a3 03", M64 }, /* BT */
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(uns); i++) {
		struct x86_insn in;

		CHECK_EQ(decode_hex(uns[i].hex, uns[i].mode, &in),
			 -X86_DECODE_EUNSUPP);
	}
}

UNIT_TEST(effective_addresses)
{
	struct x86_insn in;
	u64 gpr[16] = { 0 };

	/* 16-bit: [bx+di+0x8000] wraps at 64 KiB. */
	CHECK_EQ(decode_hex("8b 81 00 80", M16, &in), 0);
	gpr[X86_RBX] = 0x12349000;
	gpr[X86_RDI] = 0x9000;
	CHECK_EQ(x86_insn_ea(&in, gpr, 0), 0xa000);
	/* RIP-relative counts from the next instruction. */
	CHECK_EQ(decode_hex("8b 05 f0 ff ff ff", M64, &in), 0);
	CHECK_EQ(x86_insn_ea(&in, gpr, 0x1000), 0x1000 + 6 - 16);
	/* With an immediate after the displacement. */
	CHECK_EQ(decode_hex("48 81 05 00 01 00 00 ff ff ff ff", M64, &in), 0);
	CHECK_EQ(x86_insn_ea(&in, gpr, 0x1000), 0x1000 + 11 + 0x100);
	/* 67 in 64-bit mode truncates to 32 bits, EIP-relative included. */
	CHECK_EQ(decode_hex("67 8b 43 10", M64, &in), 0);
	gpr[X86_RBX] = 0xfffffffffffffff8ull;
	CHECK_EQ(x86_insn_ea(&in, gpr, 0), 8);
	CHECK_EQ(decode_hex("67 8b 05 10 00 00 00", M64, &in), 0);
	CHECK_EQ(x86_insn_ea(&in, gpr, 0x1fffffff0ull), 0x7);
	/* SIB with scale and negative displacement. */
	CHECK_EQ(decode_hex("4a 8b 44 e3 f0", M64, &in), 0);
	gpr[X86_RBX] = 0x10000;
	gpr[X86_R12] = 3;
	CHECK_EQ(x86_insn_ea(&in, gpr, 0), 0x10000 + 24 - 16);
	/* 32-bit addressing wraps at 4 GiB. */
	CHECK_EQ(decode_hex("8b 44 8b 08", M32, &in), 0);
	gpr[X86_RBX] = 0xfffffff0;
	gpr[X86_RCX] = 4;
	CHECK_EQ(x86_insn_ea(&in, gpr, 0), 0x8);
}

UNIT_TEST(mode_selection)
{
	const u64 pe = 1, lma = 1 << 10, vm = 1 << 17;

	CHECK_EQ(x86_mode_of(0, 0, 0, false, false), X86_MODE_16);
	CHECK_EQ(x86_mode_of(0, 0, 0, false, true), X86_MODE_16);
	CHECK_EQ(x86_mode_of(pe, 0, vm, false, true), X86_MODE_16);
	CHECK_EQ(x86_mode_of(pe, 0, 0, false, true), X86_MODE_32);
	CHECK_EQ(x86_mode_of(pe, 0, 0, false, false), X86_MODE_16);
	CHECK_EQ(x86_mode_of(pe, 0, 0, true, false), X86_MODE_16);
	CHECK_EQ(x86_mode_of(pe, lma, 0, true, false), X86_MODE_64);
	CHECK_EQ(x86_mode_of(pe, lma, 0, false, true), X86_MODE_32);
}

UNIT_MAIN();

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * x86 instruction decoder, MMIO instruction emulator and guest page-table
 * walker. Needed because QEMU TCG offers neither nRIP nor decode assists:
 * on an MMIO exit the hypervisor fetches the bytes at the guest RIP, decodes
 * them (the length gives the next RIP) and performs the access itself.
 *
 * Everything here is freestanding and free of VM objects so the same files
 * build in the kernel and in the host unit tests and fuzzer.
 */
#ifndef ASM_EMULATE_H
#define ASM_EMULATE_H

#include <pv/types.h>

#define X86_MAX_INSN_LEN 15

/* Code-segment default sizes: real and 16-bit protected decode alike. */
enum x86_mode {
	X86_MODE_16, /* real, virtual-8086, 16-bit protected/compat */
	X86_MODE_32, /* 32-bit protected or compatibility (CS.D=1) */
	X86_MODE_64, /* long mode with CS.L=1 */
};

/* Picks the mode from the guest state (cs_l/cs_d from the CS attributes). */
enum x86_mode x86_mode_of(u64 cr0, u64 efer, u64 rflags, bool cs_l, bool cs_d);

enum x86_seg {
	X86_SEG_ES,
	X86_SEG_CS,
	X86_SEG_SS,
	X86_SEG_DS,
	X86_SEG_FS,
	X86_SEG_GS,
	X86_NR_SEGS,
};

enum x86_gpr {
	X86_RAX,
	X86_RCX,
	X86_RDX,
	X86_RBX,
	X86_RSP,
	X86_RBP,
	X86_RSI,
	X86_RDI,
	X86_R8,
	X86_R9,
	X86_R10,
	X86_R11,
	X86_R12,
	X86_R13,
	X86_R14,
	X86_R15,
	X86_NR_GPRS,
};

/* Opcode classes. ADD..CMP follow the group-1 /reg order. */
enum x86_op {
	X86_OP_NONE,
	X86_OP_ADD,
	X86_OP_OR,
	X86_OP_ADC,
	X86_OP_SBB,
	X86_OP_AND,
	X86_OP_SUB,
	X86_OP_XOR,
	X86_OP_CMP,
	X86_OP_MOV,
	X86_OP_MOVZX,
	X86_OP_MOVSX, /* includes MOVSXD */
	X86_OP_TEST,
	X86_OP_XCHG,
	X86_OP_INC,
	X86_OP_DEC,
	X86_OP_NOT,
	X86_OP_NEG,
	X86_OP_MOVS,
	X86_OP_STOS,
};

enum x86_opnd_kind {
	X86_OPND_NONE,
	X86_OPND_REG,
	X86_OPND_MEM, /* described by x86_insn.mem */
	X86_OPND_IMM, /* x86_insn.imm */
	X86_OPND_STR_SRC, /* seg:rSI of MOVS */
	X86_OPND_STR_DST, /* ES:rDI of MOVS/STOS */
};

struct x86_opnd {
	u8 kind;
	u8 size; /* bytes: 1, 2, 4 or 8 */
	u8 reg; /* GPR number; AH..BH are 0..3 with high8 set */
	bool high8;
};

/* Memory operand: seg:(base + index * scale + disp [+ next RIP]). */
struct x86_mem {
	s8 base; /* GPR or -1 */
	s8 index; /* GPR or -1 */
	u8 scale;
	bool rip_rel;
	u64 disp; /* sign-extended displacement, or the moffs value */
};

/* Repeat prefixes; meaningful only for MOVS/STOS (cleared otherwise). */
#define X86_REP_NONE 0
#define X86_REP_F3 1
#define X86_REP_F2 2 /* REPNE: acts as REP on MOVS/STOS */

struct x86_insn {
	u8 len;
	u8 mode; /* enum x86_mode */
	u8 op; /* enum x86_op */
	u8 opsize; /* 1, 2, 4 or 8 */
	u8 addrsize; /* 2, 4 or 8 */
	u8 rep;
	bool lock;
	u8 seg; /* segment of the MEM / STR_SRC operand */
	u8 rex; /* 0 when absent */
	u16 opcode; /* 0x0F-escaped opcodes read 0x0Fxx */
	u8 modrm;
	struct x86_opnd dst, src;
	struct x86_mem mem;
	u64 imm; /* sign-extended to 64 bits */
};

/* Decode errors (returned negated). */
enum {
	X86_DECODE_ETRUNC = 1, /* needs more bytes than were given */
	X86_DECODE_ETOOLONG, /* longer than 15 bytes: #GP */
	X86_DECODE_EINVAL, /* invalid encoding: #UD */
	X86_DECODE_EUNSUPP, /* valid but not an MMIO form we emulate */
};

/*
 * Decodes at most n (<= 15 used) bytes of one instruction.
 * Returns 0 and fills insn, or -X86_DECODE_E*.
 */
int x86_decode(struct x86_insn *insn, const u8 *bytes, unsigned int n,
	       enum x86_mode mode);

/* Offset of the MEM operand within its segment, masked to addrsize. */
u64 x86_insn_ea(const struct x86_insn *insn, const u64 *gpr, u64 rip);

/* RFLAGS bits the emulator touches. */
#define X86_FLAGS_CF (1ull << 0)
#define X86_FLAGS_PF (1ull << 2)
#define X86_FLAGS_AF (1ull << 4)
#define X86_FLAGS_ZF (1ull << 6)
#define X86_FLAGS_SF (1ull << 7)
#define X86_FLAGS_DF (1ull << 10)
#define X86_FLAGS_OF (1ull << 11)
#define X86_FLAGS_ARITH                                              \
	(X86_FLAGS_CF | X86_FLAGS_PF | X86_FLAGS_AF | X86_FLAGS_ZF | \
	 X86_FLAGS_SF | X86_FLAGS_OF)

struct x86_regs {
	u64 gpr[X86_NR_GPRS];
	u64 rip;
	u64 rflags;
};

struct x86_emu_ctxt;

/*
 * Callbacks return 0 or a negative error that x86_emulate() passes back
 * unchanged (e.g. after the caller queued a #PF for the guest).
 * read_mem/write_mem: ordinary guest memory by linear address (the operand
 * of a MOVS that did not fault; if it turns out to be MMIO as well, the
 * callback routes it). mmio_read/mmio_write: the access that faulted.
 */
struct x86_emu_ops {
	int (*read_mem)(struct x86_emu_ctxt *c, u64 la, u64 *val,
			unsigned int size);
	int (*write_mem)(struct x86_emu_ctxt *c, u64 la, u64 val,
			 unsigned int size);
	int (*mmio_read)(struct x86_emu_ctxt *c, u64 gpa, u64 *val,
			 unsigned int size);
	int (*mmio_write)(struct x86_emu_ctxt *c, u64 gpa, u64 val,
			  unsigned int size);
};

struct x86_emu_ctxt {
	struct x86_regs regs; /* in/out */
	u64 seg_base[X86_NR_SEGS]; /* only FS/GS count in 64-bit mode */
	struct x86_insn insn; /* from x86_decode() */
	u64 mmio_gpa; /* faulting guest-physical address */
	bool mmio_write; /* exit was a write: MOVS destination is MMIO */
	const struct x86_emu_ops *ops;
	void *priv; /* for the callbacks */
	u64 la; /* out: linear address of the MMIO operand */
};

/* x86_emulate() results; errors are negative. */
#define X86EMU_DONE 0 /* RIP advanced past the instruction */
#define X86EMU_CONTINUE 1 /* one REP iteration done, RIP unchanged */
enum {
	X86EMU_EUNHANDLED = 100, /* decoded state cannot be emulated */
	X86EMU_EMISMATCH, /* operand address disagrees with mmio_gpa */
};

/*
 * Emulates ctxt->insn against ctxt->regs. Registers are committed only on
 * success. REP MOVS/STOS run one iteration per call and leave RIP on the
 * instruction while the count is non-zero, so the guest re-executes it
 * (faulting again on MMIO, running natively on RAM) as after an interrupt.
 */
int x86_emulate(struct x86_emu_ctxt *ctxt);

/* Page-table walker. */
struct x86_paging {
	u64 cr0, cr3, cr4, efer;
	u8 maxphyaddr; /* 0 means 52; clamped to 32..52 */
};

/* Page-fault error code bits; access = X86_PF_W/U/I plus X86_ACC_AC. */
#define X86_PF_P (1u << 0)
#define X86_PF_W (1u << 1)
#define X86_PF_U (1u << 2)
#define X86_PF_RSVD (1u << 3)
#define X86_PF_I (1u << 4)
#define X86_ACC_AC (1u << 31) /* RFLAGS.AC was set: SMAP allows the access */

/* Reads size (1, 4 or 8) bytes of guest-physical memory: 0 or non-zero. */
typedef int (*x86_gpa_read_t)(void *opaque, u64 gpa, void *buf,
			      unsigned int size);

struct x86_walk {
	u64 gpa;
	u64 page_size;
	u32 pfec; /* error code to inject when -X86_WALK_EPF */
};

enum {
	X86_WALK_EPF = 1, /* page fault: inject #PF(pfec) */
	X86_WALK_EGP, /* non-canonical address: #GP(0) */
	X86_WALK_EMEM, /* a paging structure could not be read */
};

/*
 * Translates la; does not set accessed/dirty bits (the hardware walk that
 * preceded the exit already did). Returns 0 or -X86_WALK_E*.
 */
int x86_walk(const struct x86_paging *pg, u64 la, u32 access, x86_gpa_read_t rd,
	     void *opaque, struct x86_walk *out);

/*
 * Reads len bytes at linear address la, page by page. *done is set to the
 * bytes read; returns 0, or the error for the page at la + *done (with
 * out->pfec), so an instruction fetch can decode what it got.
 */
int x86_read_linear(const struct x86_paging *pg, u64 la, void *buf,
		    unsigned int len, u32 access, x86_gpa_read_t rd,
		    void *opaque, unsigned int *done, struct x86_walk *out);

#endif

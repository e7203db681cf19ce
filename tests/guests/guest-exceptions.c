// SPDX-License-Identifier: GPL-2.0
/* Exceptions stay inside the guest: #DE, #UD, #BP and INT n reach the
 * guest's own IDT with the right vector and return address. */
#include "guest.h"

static volatile u32 hits, last_vector, last_eip;

static void on_fault(struct frame *f)
{
	hits++;
	last_vector = f->vector;
	last_eip = f->eip;
	/* Faults point at the instruction: skip it (both are 2 bytes). */
	if (f->vector == 0 || f->vector == 6)
		f->eip += 2;
}

extern char de_insn[], ud_insn[], bp_next[], int_next[];

static void divide_error(void)
{
	u32 q;

	hits = 0;
	__asm__ volatile("xor %%edx, %%edx\n"
			 "mov $7, %%eax\n"
			 ".globl de_insn\n"
			 "de_insn: divl %%ecx\n"
			 : "=a"(q)
			 : "c"(0)
			 : "edx");
	(void)q;
	EXPECT_EQ(hits, 1);
	EXPECT_EQ(last_vector, 0);
	EXPECT_EQ(last_eip, (u32)de_insn);
}

static void invalid_opcode(void)
{
	hits = 0;
	__asm__ volatile(".globl ud_insn\nud_insn: ud2");
	EXPECT_EQ(hits, 1);
	EXPECT_EQ(last_vector, 6);
	EXPECT_EQ(last_eip, (u32)ud_insn);
}

static void breakpoint(void)
{
	hits = 0;
	/* A trap: the frame holds the next instruction. */
	__asm__ volatile("int3\n.globl bp_next\nbp_next:");
	EXPECT_EQ(hits, 1);
	EXPECT_EQ(last_vector, 3);
	EXPECT_EQ(last_eip, (u32)bp_next);
}

static void software_interrupt(void)
{
	hits = 0;
	__asm__ volatile("int $0x31\n.globl int_next\nint_next:");
	EXPECT_EQ(hits, 1);
	EXPECT_EQ(last_vector, 0x31);
	EXPECT_EQ(last_eip, (u32)int_next);
}

static void repeated(void)
{
	hits = 0;
	for (int i = 0; i < 100; i++)
		__asm__ volatile("ud2");
	EXPECT_EQ(hits, 100);
}

void guest_main(void)
{
	set_handler(0, on_fault);
	set_handler(3, on_fault);
	set_handler(6, on_fault);
	set_handler(0x31, on_fault);
	ktap_plan(5);
	ktap_case("divide_error", divide_error);
	ktap_case("invalid_opcode", invalid_opcode);
	ktap_case("breakpoint", breakpoint);
	ktap_case("software_interrupt", software_interrupt);
	ktap_case("repeated_ud2", repeated);
	ktap_done();
}

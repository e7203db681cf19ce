// SPDX-License-Identifier: GPL-2.0
/*
 * MMIO to guest-physical space with no RAM and no device: every decoded
 * instruction form reads all-ones, writes vanish, and execution resumes
 * at the next instruction (each access is followed by a marker store that
 * would be skipped or garbled if RIP advanced wrongly).
 */
#include "guest.h"

#define HOLE 0xE0000000u /* far above RAM, below the APIC pages */

static volatile u32 *const hole = (volatile u32 *)HOLE;

/* ACCESS(insn, outputs...): run insn with EBX = HOLE; EDX = 1 after. */
#define ACCESS(insn, ...)                                      \
	({                                                     \
		u32 _mark = 0;                                 \
		__asm__ volatile("xor %%edx, %%edx\n\t" insn   \
				 "\n\tmov $1, %%edx"           \
				 : "=&d"(_mark), ##__VA_ARGS__ \
				 : "b"(HOLE), "S"(1u)          \
				 : "memory", "cc");            \
		EXPECT_EQ(_mark, 1);                           \
	})

static void loads(void)
{
	u32 v;

	v = 0;
	ACCESS("movb (%%ebx), %%al", "+a"(v));
	EXPECT_EQ(v, 0xFF);
	v = 0;
	ACCESS("movw 2(%%ebx), %%ax", "+a"(v));
	EXPECT_EQ(v, 0xFFFF);
	v = 0;
	ACCESS("movl 0x10(%%ebx), %%eax", "+a"(v));
	EXPECT_EQ(v, 0xFFFFFFFF);
	v = 0;
	ACCESS("movl 0x100(%%ebx,%%esi,4), %%ecx", "+c"(v));
	EXPECT_EQ(v, 0xFFFFFFFF);
	v = 0;
	ACCESS("movl (0xE0000040), %%eax", "+a"(v)); /* moffs form */
	EXPECT_EQ(v, 0xFFFFFFFF);
}

static void extending_loads(void)
{
	u32 v;

	ACCESS("movzbl 1(%%ebx), %%eax", "=a"(v));
	EXPECT_EQ(v, 0xFF);
	ACCESS("movzwl 4(%%ebx), %%eax", "=a"(v));
	EXPECT_EQ(v, 0xFFFF);
	ACCESS("movsbl 5(%%ebx), %%eax", "=a"(v));
	EXPECT_EQ(v, 0xFFFFFFFF);
	ACCESS("movswl 6(%%ebx), %%eax", "=a"(v));
	EXPECT_EQ(v, 0xFFFFFFFF);
}

static void stores_dropped(void)
{
	u32 v;

	ACCESS("movl $0x12345678, 8(%%ebx)");
	ACCESS("movb $0x12, 9(%%ebx)");
	ACCESS("movw $0x1234, 10(%%ebx)");
	v = 0xCAFEF00D;
	ACCESS("movl %%eax, 12(%%ebx)", "+a"(v));
	ACCESS("movb %%al, 13(%%ebx)", "+a"(v));
	EXPECT_EQ(hole[2], 0xFFFFFFFF);
	EXPECT_EQ(hole[3], 0xFFFFFFFF);
}

static void read_modify_write(void)
{
	u32 v = 1, flags;

	ACCESS("addl (%%ebx), %%eax", "+a"(v));
	EXPECT_EQ(v, 0); /* 1 + 0xFFFFFFFF */
	v = 0x0F0F0F0F;
	ACCESS("andl 4(%%ebx), %%eax", "+a"(v));
	EXPECT_EQ(v, 0x0F0F0F0F);
	ACCESS("orl $1, 8(%%ebx)");
	ACCESS("xorl %%esi, 12(%%ebx)");
	ACCESS("incl 16(%%ebx)");
	ACCESS("decw 20(%%ebx)");
	ACCESS("notl 24(%%ebx)");
	ACCESS("negb 28(%%ebx)");
	EXPECT_EQ(hole[2], 0xFFFFFFFF);
	EXPECT_EQ(hole[4], 0xFFFFFFFF);
	v = 0x1234;
	ACCESS("xchgl %%eax, 32(%%ebx)", "+a"(v));
	EXPECT_EQ(v, 0xFFFFFFFF);
	ACCESS("cmpl $-1, (%%ebx)\n\tpushfl\n\tpopl %%ecx", "=c"(flags));
	EXPECT(flags & 0x40); /* ZF */
	ACCESS("testl $0x80000000, (%%ebx)\n\tpushfl\n\tpopl %%ecx",
	       "=c"(flags));
	EXPECT(!(flags & 0x40));
}

static void string_ops(void)
{
	u32 buf[4] = { 0, 0, 0, 0 };
	void *d = buf, *s = (void *)HOLE;
	u32 n = 4;

	__asm__ volatile("cld; rep movsl"
			 : "+D"(d), "+S"(s), "+c"(n)
			 :
			 : "memory");
	EXPECT_EQ(n, 0);
	EXPECT(d == buf + 4);
	for (int i = 0; i < 4; i++)
		EXPECT_EQ(buf[i], 0xFFFFFFFF);
	d = (void *)(HOLE + 0x40);
	n = 8;
	__asm__ volatile("cld; rep stosl"
			 : "+D"(d), "+c"(n)
			 : "a"(0x55AA55AA)
			 : "memory");
	EXPECT_EQ(n, 0);
	EXPECT_EQ(hole[0x10], 0xFFFFFFFF);
}

static void compiler_generated(void)
{
	u32 sum = 0;

	/* Whatever forms the compiler picks for plain C. */
	for (int i = 0; i < 16; i++)
		sum += hole[i];
	EXPECT_EQ(sum, 16u * 0xFFFFFFFF);
	hole[1] = 7;
	EXPECT_EQ(hole[1], 0xFFFFFFFF);
}

void guest_main(void)
{
	ktap_plan(6);
	ktap_case("loads", loads);
	ktap_case("extending_loads", extending_loads);
	ktap_case("stores_dropped", stores_dropped);
	ktap_case("read_modify_write", read_modify_write);
	ktap_case("string_ops", string_ops);
	ktap_case("compiler_generated", compiler_generated);
	ktap_done();
}

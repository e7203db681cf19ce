// SPDX-License-Identifier: GPL-2.0
/* Port I/O nobody claims reads all-ones and swallows writes; the UART's
 * scratch register (claimed) keeps what is written. */
#include "guest.h"

#define UNCLAIMED1 0x2F8 /* COM2: not given to the guest */
#define UNCLAIMED2 0x1234
#define UNCLAIMED3 0x5000

static void reads_all_ones(void)
{
	EXPECT_EQ(inb(UNCLAIMED1), 0xFF);
	EXPECT_EQ(inw(UNCLAIMED2), 0xFFFF);
	EXPECT_EQ(inl(UNCLAIMED3), 0xFFFFFFFF);
	EXPECT_EQ(inb(UNCLAIMED3 + 3), 0xFF);
}

static void writes_dropped(void)
{
	outb(0x12, UNCLAIMED1);
	outw(0x3456, UNCLAIMED2);
	outl(0x789abcde, UNCLAIMED3);
	EXPECT_EQ(inb(UNCLAIMED1), 0xFF);
	EXPECT_EQ(inw(UNCLAIMED2), 0xFFFF);
	EXPECT_EQ(inl(UNCLAIMED3), 0xFFFFFFFF);
}

static void string_io(void)
{
	u8 buf[16];
	u32 words[4] = { 1, 2, 3, 4 };
	void *p = buf;
	u32 n = sizeof(buf);

	memset(buf, 0, sizeof(buf));
	__asm__ volatile("cld; rep insb"
			 : "+D"(p), "+c"(n)
			 : "d"(UNCLAIMED1)
			 : "memory");
	EXPECT_EQ(n, 0);
	EXPECT(p == buf + sizeof(buf));
	for (unsigned int i = 0; i < sizeof(buf); i++)
		EXPECT_EQ(buf[i], 0xFF);
	p = words;
	n = 4;
	__asm__ volatile("cld; rep outsl"
			 : "+S"(p), "+c"(n)
			 : "d"(UNCLAIMED3)
			 : "memory");
	EXPECT_EQ(n, 0);
	EXPECT_EQ(words[3], 4);
}

static void uart_scratch(void)
{
	outb(0x5A, COM1 + 7);
	EXPECT_EQ(inb(COM1 + 7), 0x5A);
	outb(0xA5, COM1 + 7);
	EXPECT_EQ(inb(COM1 + 7), 0xA5);
}

void guest_main(void)
{
	ktap_plan(4);
	ktap_case("reads_all_ones", reads_all_ones);
	ktap_case("writes_dropped", writes_dropped);
	ktap_case("string_io", string_io);
	ktap_case("uart_scratch", uart_scratch);
	ktap_done();
}

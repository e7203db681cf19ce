// SPDX-License-Identifier: GPL-2.0
/* The legacy 8259 pair: remapped out of the exception range, then masked. */
#include <asm/io.h>
#include <asm/pic.h>

void pic_disable(void)
{
	/* ICW1-4: remap to 0x20/0x28 so a stray IRQ is never taken as an exception. */
	outb(0x20, 0x11);
	outb(0xA0, 0x11);
	outb(0x21, 0x20);
	outb(0xA1, 0x28);
	outb(0x21, 0x04);
	outb(0xA1, 0x02);
	outb(0x21, 0x01);
	outb(0xA1, 0x01);
	/* OCW1: mask every line; the IOAPIC delivers interrupts instead. */
	outb(0x21, 0xFF);
	outb(0xA1, 0xFF);
}

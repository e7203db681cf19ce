// SPDX-License-Identifier: GPL-2.0
/* 16550A: transmit to the console, receive FIFO and trigger levels, IIR
 * priorities, THRE interrupt rules, overrun, loopback, modem status, and
 * the IRQ line (only with OUT2, never without a platform). */
#include <string.h>
#include "fake_plat.h"
#include "unit.h"

#define COM1 0x3F8
#define RBR (COM1 + 0)
#define THR (COM1 + 0)
#define IER (COM1 + 1)
#define IIR (COM1 + 2)
#define FCR (COM1 + 2)
#define LCR (COM1 + 3)
#define MCR (COM1 + 4)
#define LSR (COM1 + 5)
#define MSR (COM1 + 6)
#define SCR (COM1 + 7)

static struct vm vm;

static void setup(void)
{
	fake_vm_init(&vm, 64 << 20);
	CHECK_EQ(uart16550_attach(&vm, COM1), 0);
}

UNIT_TEST(transmit_and_registers)
{
	setup();
	CHECK_EQ(in8(&vm, LSR), 0x60);
	CHECK_EQ(in8(&vm, IIR), 0x01);
	out8(&vm, THR, 'h');
	out8(&vm, THR, 'i');
	CHECK_STR(fake_console, "hi");
	/* Linux's autoconfig probes: IER keeps 4 bits, FIFO bits in IIR. */
	out8(&vm, IER, 0xFF);
	CHECK_EQ(in8(&vm, IER), 0x0F);
	out8(&vm, IER, 0);
	out8(&vm, FCR, 0x01);
	CHECK_EQ(in8(&vm, IIR), 0xC1);
	out8(&vm, FCR, 0x00);
	CHECK_EQ(in8(&vm, IIR), 0x01);
	/* Divisor latch behind DLAB. */
	out8(&vm, LCR, 0x83);
	out8(&vm, COM1, 0x0C);
	out8(&vm, COM1 + 1, 0x00);
	CHECK_EQ(in8(&vm, COM1), 0x0C);
	out8(&vm, LCR, 0x03);
	CHECK_EQ(in8(&vm, IER), 0x00);
	CHECK_STR(fake_console, "hi");
	out8(&vm, SCR, 0x5A);
	CHECK_EQ(in8(&vm, SCR), 0x5A);
	fake_free_all();
}

UNIT_TEST(receive_fifo_and_trigger)
{
	setup();
	out8(&vm, FCR, 0x87); /* FIFO on, cleared, trigger 8 */
	out8(&vm, IER, 0x01);
	CHECK_EQ(vm_console_input(&vm, 'a'), 0);
	CHECK_EQ(in8(&vm, LSR) & 0x01, 0x01);
	CHECK_EQ(in8(&vm, IIR), 0xCC); /* below trigger: timeout */
	for (char c = 'b'; c <= 'h'; c++)
		vm_console_input(&vm, c);
	CHECK_EQ(in8(&vm, IIR), 0xC4); /* 8 bytes: data available */
	for (char c = 'a'; c <= 'h'; c++)
		CHECK_EQ(in8(&vm, RBR), c);
	CHECK_EQ(in8(&vm, LSR), 0x60);
	CHECK_EQ(in8(&vm, IIR), 0xC1);
	/* 16 fit; the 17th is refused without an overrun. */
	for (int i = 0; i < 16; i++)
		CHECK_EQ(vm_console_input(&vm, (char)('A' + i)), 0);
	CHECK_EQ(vm_console_input(&vm, 'Z'), -2);
	CHECK_EQ(in8(&vm, LSR), 0x61);
	CHECK_EQ(in8(&vm, RBR), 'A');
	/* FCR bit 1 empties the receiver. */
	out8(&vm, FCR, 0x03);
	CHECK_EQ(in8(&vm, LSR) & 0x01, 0);
	fake_free_all();
}

UNIT_TEST(thre_interrupt_rules)
{
	setup();
	CHECK_EQ(in8(&vm, IIR), 0x01);
	/* Enabling ETBEI with THR empty raises it; reading IIR clears it
	 * (Linux's UART_BUG_THRE test needs both). */
	out8(&vm, IER, 0x02);
	CHECK_EQ(in8(&vm, IIR), 0x02);
	CHECK_EQ(in8(&vm, IIR), 0x01);
	out8(&vm, IER, 0x00);
	out8(&vm, IER, 0x02);
	CHECK_EQ(in8(&vm, IIR), 0x02);
	/* Writing THR: the byte leaves at once, THR empties again. */
	out8(&vm, THR, 'x');
	CHECK_EQ(in8(&vm, IIR), 0x02);
	/* Rewriting IER with ETBEI already set is no new event. */
	out8(&vm, IER, 0x02);
	CHECK_EQ(in8(&vm, IIR), 0x01);
	/* Hidden by a higher priority, it is not consumed by IIR. */
	out8(&vm, THR, 'y');
	out8(&vm, IER, 0x03);
	vm_console_input(&vm, 'q');
	CHECK_EQ(in8(&vm, IIR), 0x04);
	CHECK_EQ(in8(&vm, RBR), 'q');
	CHECK_EQ(in8(&vm, IIR), 0x02);
	CHECK_EQ(in8(&vm, IIR), 0x01);
	/* Disabled, it is not reported. */
	out8(&vm, THR, 'z');
	out8(&vm, IER, 0x00);
	CHECK_EQ(in8(&vm, IIR), 0x01);
	fake_free_all();
}

UNIT_TEST(overrun_and_priority_order)
{
	setup();
	out8(&vm, FCR, 0x01);
	out8(&vm, MCR, 0x10); /* loopback: what is sent is received */
	CHECK_EQ(in8(&vm, MSR), 0x0B); /* CTS, DSR, DCD dropped */
	out8(&vm, IER, 0x0F);
	for (int i = 0; i < 17; i++)
		out8(&vm, THR, (u8)('a' + i));
	CHECK_STR(fake_console, ""); /* nothing left the chip */
	/* RLS outranks data, data outranks THRE, THRE outranks MSR. */
	CHECK_EQ(in8(&vm, IIR), 0xC6);
	CHECK_EQ(in8(&vm, LSR), 0x63); /* DR, OE; the read clears OE */
	CHECK_EQ(in8(&vm, LSR), 0x61);
	CHECK_EQ(in8(&vm, IIR), 0xC4);
	for (int i = 0; i < 16; i++)
		CHECK_EQ(in8(&vm, RBR), 'a' + i); /* the 17th was lost */
	CHECK_EQ(in8(&vm, IIR), 0xC2);
	out8(&vm, MCR, 0x11); /* DTR in loopback: DSR changes */
	CHECK_EQ(in8(&vm, IIR), 0xC0);
	CHECK_EQ(in8(&vm, MSR), 0x22); /* DSR, DDSR; the read clears */
	CHECK_EQ(in8(&vm, IIR), 0xC1);
	/* Without FIFOs the holding register is overwritten. */
	out8(&vm, FCR, 0x00);
	out8(&vm, THR, '1');
	out8(&vm, THR, '2');
	CHECK_EQ(in8(&vm, LSR), 0x63);
	CHECK_EQ(in8(&vm, RBR), '2');
	fake_free_all();
}

UNIT_TEST(loopback_modem_lines)
{
	setup();
	CHECK_EQ(in8(&vm, MSR) & 0xF0, 0xB0); /* CTS, DSR, DCD */
	out8(&vm, MCR, 0x10 | 0x0A); /* Linux's loopback test */
	CHECK_EQ(in8(&vm, MSR) & 0xF0, 0x90);
	out8(&vm, MCR, 0x10 | 0x04); /* OUT1 -> RI */
	CHECK_EQ(in8(&vm, MSR) & 0xF0, 0x40);
	out8(&vm, MCR, 0x10);
	CHECK_EQ(in8(&vm, MSR), 0x04); /* RI trailing edge */
	/* In loopback the line does not receive. */
	vm_console_input(&vm, 'x');
	CHECK_EQ(in8(&vm, LSR) & 0x01, 0);
	fake_free_all();
}

UNIT_TEST(irq_needs_out2)
{
	setup();
	out8(&vm, FCR, 0x01);
	out8(&vm, IER, 0x01);
	vm_console_input(&vm, 'a');
	CHECK_EQ(fake_set_calls[4], 0); /* OUT2 low: gated */
	out8(&vm, MCR, 0x0B); /* DTR, RTS, OUT2 */
	CHECK_EQ(fake_level[4], 1);
	CHECK_EQ(fake_set_calls[4], 1);
	vm_console_input(&vm, 'b');
	CHECK_EQ(fake_set_calls[4], 1); /* already high */
	in8(&vm, RBR);
	CHECK_EQ(fake_level[4], 1);
	in8(&vm, RBR);
	CHECK_EQ(fake_level[4], 0);
	/* THRE drives it too; reading IIR drops it. */
	out8(&vm, IER, 0x02);
	CHECK_EQ(fake_level[4], 1);
	in8(&vm, IIR);
	CHECK_EQ(fake_level[4], 0);
	/* Loopback disconnects the line. */
	out8(&vm, MCR, 0x1B);
	out8(&vm, IER, 0x00);
	out8(&vm, IER, 0x02);
	CHECK_EQ(fake_level[4], 0);
	CHECK_EQ(in8(&vm, IIR), 0xC2);
	fake_free_all();

	/* COM2 uses IRQ 3; other bases have none. */
	fake_vm_init(&vm, 64 << 20);
	uart16550_attach(&vm, 0x2F8);
	uart16550_attach(&vm, 0x3E8);
	out8(&vm, 0x2F8 + 4, 0x08);
	out8(&vm, 0x2F8 + 1, 0x02);
	out8(&vm, 0x3E8 + 4, 0x08);
	out8(&vm, 0x3E8 + 1, 0x02);
	CHECK_EQ(fake_level[3], 1);
	CHECK_EQ(fake_set_calls[3] + fake_set_calls[4], 1);
	/* No 0x3F8: the console is the first one. */
	CHECK_EQ(vm_console_input(&vm, 'k'), 0);
	CHECK_EQ(in8(&vm, 0x2F8), 'k');
	fake_free_all();
}

UNIT_TEST(no_platform_no_irq)
{
	setup();
	vm.plat = NULL; /* a Multiboot test guest */
	out8(&vm, MCR, 0x08);
	out8(&vm, IER, 0x03);
	vm_console_input(&vm, 'a');
	CHECK_EQ(in8(&vm, IIR), 0x04);
	for (unsigned int i = 0; i < 24; i++)
		CHECK_EQ(fake_set_calls[i], 0);
	fake_free_all();

	fake_vm_init(&vm, 64 << 20);
	CHECK_EQ(vm_console_input(&vm, 'a'), -1); /* no UART */
}

UNIT_MAIN();

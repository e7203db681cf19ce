// SPDX-License-Identifier: GPL-2.0
/* 16550 UART console, polled. */
#include <pv/printk.h>
#include <asm/io.h>
#include <drivers/console.h>

#define UART_THR 0
#define UART_DLL 0
#define UART_IER 1
#define UART_DLM 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_SCR 7
#define LSR_DR 0x01
#define LSR_THRE 0x20
#define LCR_DLAB 0x80

static const u16 port = CONFIG_SERIAL_PORT;

static void serial_putc(char c)
{
	/* Bounded wait: a dead UART must not hang the kernel. */
	for (int i = 0; i < 100000 && !(inb(port + UART_LSR) & LSR_THRE); i++)
		;
	outb(port + UART_THR, (u8)c);
}

static void serial_write(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			serial_putc('\r');
		serial_putc(s[i]);
	}
}

int serial_getc(void)
{
	if (!(inb(port + UART_LSR) & LSR_DR))
		return -1;
	return inb(port + UART_THR); /* RBR shares the offset */
}

static struct console serial_console = {
	.name = "serial",
	.write = serial_write,
};

void serial_console_init(void)
{
	u16 div = (u16)(115200 / CONFIG_SERIAL_BAUD);

	/* The scratch register tells whether a UART is there at all. */
	outb(port + UART_SCR, 0x5A);
	if (inb(port + UART_SCR) != 0x5A)
		return;
	outb(port + UART_IER, 0);
	outb(port + UART_LCR, LCR_DLAB);
	outb(port + UART_DLL, (u8)div);
	outb(port + UART_DLM, (u8)(div >> 8));
	outb(port + UART_LCR, 0x03); /* 8N1 */
	outb(port + UART_FCR, 0x07); /* FIFOs on and cleared */
	outb(port + UART_MCR, 0x03); /* DTR, RTS */

	console_register(&serial_console);
}

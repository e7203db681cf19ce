// SPDX-License-Identifier: GPL-2.0
/*
 * A 16550A for a VM: what it transmits goes to the VM's console (printed
 * per line as "[name] ..."). The transmitter is always ready (LSR THRE and
 * TEMT), the receiver always empty, the modem lines idle-ready; divisor,
 * IER, LCR, MCR and the scratch register read back what was written. No
 * interrupts are raised (the VM has no interrupt controller yet).
 */
#include "../virt.h"

#define LCR_DLAB 0x80
#define MCR_LOOP 0x10
#define FCR_FIFO 0x01

struct uart {
	struct vm *vm;
	u8 ier, lcr, mcr, scr, fcr, dll, dlm;
};

static u64 uart_read(void *dev, u64 off, unsigned int size)
{
	struct uart *u = dev;

	switch (off) {
	case 0: return (u->lcr & LCR_DLAB) ? u->dll : 0; /* RX empty */
	case 1: return (u->lcr & LCR_DLAB) ? u->dlm : u->ier;
	case 2: /* IIR: nothing pending; FIFO bits mirror FCR */
		return 0x01 | ((u->fcr & FCR_FIFO) ? 0xC0 : 0);
	case 3: return u->lcr;
	case 4: return u->mcr;
	case 5: return 0x60; /* THRE | TEMT */
	case 6: /* MSR: CTS, DSR, DCD asserted; loopback mirrors MCR */
		if (u->mcr & MCR_LOOP)
			return ((u->mcr & 0x0C) << 4) | ((u->mcr & 0x03) << 4);
		return 0xB0;
	default: return u->scr;
	}
}

static void uart_write(void *dev, u64 off, u64 val, unsigned int size)
{
	struct uart *u = dev;
	u8 b = (u8)val;

	switch (off) {
	case 0:
		if (u->lcr & LCR_DLAB)
			u->dll = b;
		else if (!(u->mcr & MCR_LOOP))
			vm_console_putc(u->vm, (char)b);
		break;
	case 1:
		if (u->lcr & LCR_DLAB)
			u->dlm = b;
		else
			u->ier = b & 0x0F;
		break;
	case 2: u->fcr = b; break;
	case 3: u->lcr = b; break;
	case 4: u->mcr = b & 0x1F; break;
	case 7: u->scr = b; break;
	}
}

static const struct io_ops uart_ops = {
	.read = uart_read,
	.write = uart_write,
};

int uart16550_attach(struct vm *vm, u16 base)
{
	struct uart *u = vm_dev_zalloc(vm, sizeof(*u));

	if (!u)
		return -1;
	u->vm = vm;
	u->dll = 1; /* 115200 baud */
	return io_bus_register(&vm->pio, base, 8, &uart_ops, u, "uart16550");
}

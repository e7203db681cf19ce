// SPDX-License-Identifier: GPL-2.0
/*
 * A 16550A for a VM. What it transmits goes to the VM's console (printed
 * per line as "[name] ..."); the transmitter drains at once, so THR is
 * always empty (LSR THRE and TEMT). What the operator types (the monitor's
 * console command, vm_console_input) fills the receive FIFO, 16 bytes, or
 * a one-byte holding register while FIFOs are off.
 *
 * Interrupts, in the 16550's priority order: receiver line status (an
 * overrun), received data (at the FCR trigger level) or character timeout
 * (data below it: reported at once, there is no line to wait for), THR
 * empty, modem status. The THRE interrupt is raised when THR empties with
 * IER.ETBEI set, or when ETBEI is turned on while THR is empty; reading
 * IIR while it is the one reported, or writing THR, clears it.
 *
 * On a PC the IRQ line is gated by MCR OUT2 (Linux sets it), and loopback
 * disconnects it. The line (COM1: IRQ 4, COM2: IRQ 3) is driven at the
 * level of "an enabled interrupt is pending"; the interrupt controllers
 * make the edge. A VM without a platform (vm->plat NULL) gets no IRQ.
 */
#include "../virt.h"
#include "platform.h"
#include "isa.h"

#define FIFO_SIZE 16

#define IER_RDI 0x01 /* received data */
#define IER_THRI 0x02
#define IER_RLSI 0x04
#define IER_MSI 0x08

#define IIR_NONE 0x01
#define IIR_MSI 0x00
#define IIR_THRI 0x02
#define IIR_RDI 0x04
#define IIR_RLSI 0x06
#define IIR_TIMEOUT 0x0C
#define IIR_FIFO 0xC0

#define FCR_ENABLE 0x01
#define FCR_CLEAR_RX 0x02

#define LCR_DLAB 0x80

#define MCR_DTR 0x01
#define MCR_RTS 0x02
#define MCR_OUT1 0x04
#define MCR_OUT2 0x08
#define MCR_LOOP 0x10

#define LSR_DR 0x01
#define LSR_OE 0x02
#define LSR_ERRORS 0x1E /* OE, PE, FE, BI */
#define LSR_THRE 0x20
#define LSR_TEMT 0x40

#define MSR_DELTAS 0x0F
#define MSR_TERI 0x04
#define MSR_CTS 0x10
#define MSR_DSR 0x20
#define MSR_RI 0x40
#define MSR_DCD 0x80

struct uart {
	struct vm *vm;
	spinlock_t lock;
	int irq_nr; /* ISA IRQ, -1 none */
	bool irq; /* the line as last driven */
	u8 ier, lcr, mcr, scr, fcr, dll, dlm;
	u8 lsr_err; /* OE (nothing else is generated) until LSR is read */
	u8 msr; /* lines (high nibble) and deltas (low) */
	bool thre_int;
	u8 rx[FIFO_SIZE];
	unsigned int rx_head, rx_count;
};

static unsigned int rx_capacity(const struct uart *u)
{
	return (u->fcr & FCR_ENABLE) ? FIFO_SIZE : 1;
}

static unsigned int rx_trigger(const struct uart *u)
{
	static const u8 level[4] = { 1, 4, 8, 14 };

	return (u->fcr & FCR_ENABLE) ? level[u->fcr >> 6] : 1;
}

/* The highest-priority pending enabled interrupt, as IIR bits 3-0. */
static u8 pending(const struct uart *u)
{
	if ((u->ier & IER_RLSI) && (u->lsr_err & LSR_ERRORS))
		return IIR_RLSI;
	if ((u->ier & IER_RDI) && u->rx_count)
		return u->rx_count >= rx_trigger(u) ? IIR_RDI : IIR_TIMEOUT;
	if ((u->ier & IER_THRI) && u->thre_int)
		return IIR_THRI;
	if ((u->ier & IER_MSI) && (u->msr & MSR_DELTAS))
		return IIR_MSI;
	return IIR_NONE;
}

/* Drive the IRQ line to its current level; lock held. */
static void update_irq(struct uart *u)
{
	bool level = pending(u) != IIR_NONE && (u->mcr & MCR_OUT2) &&
		     !(u->mcr & MCR_LOOP);

	if (u->irq_nr < 0 || !u->vm->plat || level == u->irq)
		return;
	u->irq = level;
	plat_set_irq(u->vm, (unsigned int)u->irq_nr, level);
}

/* A character arrives at the receiver: false if it was lost. */
static bool rx_put(struct uart *u, u8 c)
{
	if (u->rx_count == rx_capacity(u)) {
		u->lsr_err |= LSR_OE;
		if (!(u->fcr &
		      FCR_ENABLE)) /* the holding register is overrun */
			u->rx[u->rx_head] = c;
		return false;
	}
	u->rx[(u->rx_head + u->rx_count) % FIFO_SIZE] = c;
	u->rx_count++;
	return true;
}

static u8 rx_get(struct uart *u)
{
	u8 c;

	if (!u->rx_count)
		return 0;
	c = u->rx[u->rx_head];
	u->rx_head = (u->rx_head + 1) % FIFO_SIZE;
	u->rx_count--;
	return c;
}

static void rx_clear(struct uart *u)
{
	u->rx_head = u->rx_count = 0;
}

/* The modem inputs: idle-ready, or the MCR outputs in loopback. */
static u8 modem_lines(const struct uart *u)
{
	u8 m = u->mcr, v = 0;

	if (!(m & MCR_LOOP))
		return MSR_CTS | MSR_DSR | MSR_DCD;
	if (m & MCR_RTS)
		v |= MSR_CTS;
	if (m & MCR_DTR)
		v |= MSR_DSR;
	if (m & MCR_OUT1)
		v |= MSR_RI;
	if (m & MCR_OUT2)
		v |= MSR_DCD;
	return v;
}

static void update_msr(struct uart *u)
{
	u8 old = u->msr & 0xF0, now = modem_lines(u), d = 0;

	if ((old ^ now) & MSR_CTS)
		d |= 0x01;
	if ((old ^ now) & MSR_DSR)
		d |= 0x02;
	if ((old & MSR_RI) && !(now & MSR_RI))
		d |= MSR_TERI; /* trailing edge only */
	if ((old ^ now) & MSR_DCD)
		d |= 0x08;
	u->msr = now | (u->msr & MSR_DELTAS) | d;
}

static u8 read_reg(struct uart *u, unsigned int off)
{
	u8 v;

	switch (off) {
	case 0:
		if (u->lcr & LCR_DLAB)
			return u->dll;
		return rx_get(u);
	case 1: return (u->lcr & LCR_DLAB) ? u->dlm : u->ier;
	case 2:
		v = pending(u);
		if (v == IIR_THRI)
			u->thre_int = false; /* reading IIR acknowledges it */
		return v | ((u->fcr & FCR_ENABLE) ? IIR_FIFO : 0);
	case 3: return u->lcr;
	case 4: return u->mcr;
	case 5:
		v = LSR_THRE | LSR_TEMT | u->lsr_err;
		if (u->rx_count)
			v |= LSR_DR;
		u->lsr_err = 0;
		return v;
	case 6:
		v = u->msr;
		u->msr &= ~MSR_DELTAS;
		return v;
	default: return u->scr;
	}
}

static void write_reg(struct uart *u, unsigned int off, u8 b)
{
	u8 old;

	switch (off) {
	case 0:
		if (u->lcr & LCR_DLAB) {
			u->dll = b;
			break;
		}
		u->thre_int = false;
		if (u->mcr & MCR_LOOP)
			rx_put(u, b);
		else
			vm_console_putc(u->vm, (char)b);
		/* Sent at once: THR is empty again. */
		if (u->ier & IER_THRI)
			u->thre_int = true;
		break;
	case 1:
		if (u->lcr & LCR_DLAB) {
			u->dlm = b;
			break;
		}
		old = u->ier;
		u->ier = b & 0x0F;
		if ((u->ier & IER_THRI) && !(old & IER_THRI))
			u->thre_int = true; /* THR is empty */
		break;
	case 2:
		/* Turning the FIFOs on or off empties them. */
		if ((b ^ u->fcr) & FCR_ENABLE || (b & FCR_CLEAR_RX))
			rx_clear(u);
		u->fcr = b & 0xC9; /* trigger, DMA mode, enable */
		break;
	case 3: u->lcr = b; break;
	case 4:
		u->mcr = b & 0x1F;
		update_msr(u);
		break;
	case 7: u->scr = b; break;
	}
}

static u64 uart_read(void *dev, u64 off, unsigned int size)
{
	struct uart *u = dev;
	u64 f = spin_lock_irqsave(&u->lock);
	u8 v = read_reg(u, (unsigned int)off);

	update_irq(u);
	spin_unlock_irqrestore(&u->lock, f);
	return v;
}

static void uart_write(void *dev, u64 off, u64 val, unsigned int size)
{
	struct uart *u = dev;
	u64 f = spin_lock_irqsave(&u->lock);

	write_reg(u, (unsigned int)off, (u8)val);
	update_irq(u);
	spin_unlock_irqrestore(&u->lock, f);
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
	u->lock = (spinlock_t)SPINLOCK_INIT;
	u->irq_nr = base == 0x3F8   ? ISA_IRQ_COM1
		    : base == 0x2F8 ? ISA_IRQ_COM2
				    : -1;
	u->dll = 1; /* 115200 baud */
	u->msr = modem_lines(u);
	return io_bus_register(&vm->pio, base, 8, &uart_ops, u, "uart16550");
}

/* The VM's console UART: the one at 0x3F8, else the first attached. */
static struct uart *console_uart(struct vm *vm)
{
	struct uart *found = NULL;

	for (unsigned int i = 0; i < vm->pio.nr; i++) {
		const struct io_handler *h = &vm->pio.h[i];

		if (h->ops != &uart_ops)
			continue;
		if (h->base == 0x3F8)
			return h->dev;
		if (!found)
			found = h->dev;
	}
	return found;
}

int vm_console_input(struct vm *vm, char c)
{
	struct uart *u = console_uart(vm);
	int r = 0;
	u64 f;

	if (!u)
		return -1;
	f = spin_lock_irqsave(&u->lock);
	/* Loopback disconnects the receiver from the line. */
	if (!(u->mcr & MCR_LOOP)) {
		if (u->rx_count == rx_capacity(u))
			r = -2; /* full: the caller keeps it for later */
		else
			rx_put(u, (u8)c);
	}
	update_irq(u);
	spin_unlock_irqrestore(&u->lock, f);
	return r;
}
